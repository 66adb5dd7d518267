import fc from 'fast-check';
import {
  RESIDENT_ID_REASONS,
  isValidResidentId,
  maskResidentId,
  residentIdCheckCharacter,
  validateResidentId,
} from './resident-id';

const digitsOf = (length: number) =>
  fc
    .array(fc.constantFrom(...'0123456789'), { minLength: length, maxLength: length })
    .map((digits) => digits.join(''));

/** Any number GB 11643 could issue: random address and sequence, a real birth date, its check. */
const wellFormedResidentId = fc
  .tuple(
    digitsOf(6),
    fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    digitsOf(3),
  )
  .map(([address, birth, sequence]) => {
    const first17 = address + birth.toISOString().slice(0, 10).replaceAll('-', '') + sequence;
    return first17 + residentIdCheckCharacter(first17);
  });

describe('a resident ID number is 17 digits and a GB 11643 check character', () => {
  describe('valid numbers', () => {
    it.each([
      ['11010519491231002X', "the standard's own example, check character X"],
      ['110105200002290013', 'born on 29 February of a leap year'],
      ['440105199003070013', 'an ordinary number ending in a digit'],
    ])('%s (%s)', (id) => {
      expect(validateResidentId(id)).toEqual({ valid: true });
      expect(isValidResidentId(id)).toBe(true);
    });

    it('accepts every number built from a real birth date and its check character', () => {
      fc.assert(fc.property(wellFormedResidentId, (id) => isValidResidentId(id)));
    });
  });

  describe('the check character is 10X98765432[Σ digit × 2^(17-i) mod 11]', () => {
    it.each([
      ['11010519491231002', 'X'],
      ['11010520000229001', '3'],
      ['44010519900307001', '3'],
    ])('%s → %s', (first17, check) => {
      expect(residentIdCheckCharacter(first17)).toBe(check);
    });

    it('refuses a number whose check character is wrong', () => {
      expect(validateResidentId('110105194912310021')).toEqual({
        valid: false,
        reason: RESIDENT_ID_REASONS.checkCharacter,
      });
    });

    it('catches every single-digit substitution', () => {
      fc.assert(
        fc.property(
          wellFormedResidentId,
          fc.nat(16),
          fc.integer({ min: 1, max: 9 }),
          (id, position, shift) => {
            const replaced = String((Number(id[position]) + shift) % 10);
            return !isValidResidentId(id.slice(0, position) + replaced + id.slice(position + 1));
          },
        ),
      );
    });

    it('catches every swap of two different neighbouring digits among the first 17', () => {
      fc.assert(
        fc.property(wellFormedResidentId, fc.nat(15), (id, position) => {
          fc.pre(id[position] !== id[position + 1]);
          const swapped =
            id.slice(0, position) + id[position + 1] + id[position] + id.slice(position + 2);
          return !isValidResidentId(swapped);
        }),
      );
    });

    it('refuses anything but 17 digits to compute from', () => {
      expect(() => residentIdCheckCharacter('1101051949123100')).toThrow(RangeError);
      expect(() => residentIdCheckCharacter('1101051949123100X')).toThrow(RangeError);
    });
  });

  describe('the shape', () => {
    it.each(['', '11010519491231002', '11010519491231002X0', '110105491231002'])(
      'refuses %j: not 18 characters (15-digit first-generation numbers included)',
      (id) => {
        expect(validateResidentId(id)).toEqual({
          valid: false,
          reason: RESIDENT_ID_REASONS.length,
        });
      },
    );

    it.each([
      ['11010519491231002x', 'a lower-case x: one spelling per person'],
      ['1101051949123100XX', 'X before the last place'],
      ['11010519491231002Y', 'a letter other than X'],
      ['110105 9491231002X', 'a space'],
    ])('refuses %s: %s', (id) => {
      expect(validateResidentId(id)).toEqual({
        valid: false,
        reason: RESIDENT_ID_REASONS.characters,
      });
    });
  });

  describe('characters 7–14 are a birth date that exists', () => {
    it.each([
      ['19000229', '1900 is not a leap year'],
      ['20230229', '2023 is not a leap year'],
      ['19491331', 'there is no 13th month'],
      ['19490001', 'there is no month 0'],
      ['19490431', 'April has 30 days'],
      ['19491200', 'there is no day 0'],
    ])('refuses %s: %s', (birthDate) => {
      const first17 = `110105${birthDate}002`;
      const id = first17 + residentIdCheckCharacter(first17);
      expect(validateResidentId(id)).toEqual({
        valid: false,
        reason: RESIDENT_ID_REASONS.birthDate,
      });
    });
  });

  describe('masking keeps the first 6 and last 4 characters', () => {
    it('masks the birth date and the start of the sequence', () => {
      expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
    });

    it('masks an 18-character number even when it is not valid', () => {
      expect(maskResidentId('110105194912310021')).toBe('110105********0021');
    });

    it('refuses to mask anything else, and does not echo it', () => {
      for (const id of ['11010519491231002', '110105194912310021 ']) {
        expect(() => maskResidentId(id)).toThrow(RangeError);
        expect(() => maskResidentId(id)).not.toThrow(id.slice(0, 10));
      }
      expect(() => maskResidentId('')).toThrow(RangeError);
    });

    it('never shows characters 7–14', () => {
      fc.assert(
        fc.property(wellFormedResidentId, (id) => {
          const masked = maskResidentId(id);
          return (
            masked.length === 18 &&
            masked.slice(6, 14) === '********' &&
            masked.endsWith(id.slice(14))
          );
        }),
      );
    });
  });

  describe('refusal reasons never contain the number', () => {
    it.each(['11010519491231002x', '110105194912310021', '110105190002290019'])('%s', (id) => {
      const result = validateResidentId(id);
      expect(result.valid).toBe(false);
      if (!result.valid) expect(result.reason).not.toContain(id.slice(0, 6));
    });
  });
});
