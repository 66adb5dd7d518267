import fc from 'fast-check';
import {
  USCC_ALPHABET,
  USCC_REASONS,
  isValidUscc,
  organisationCodeCheckCharacter,
  usccCheckCharacter,
  validateUscc,
  validateUsccFormat,
} from './uscc';

const alphabetChar = fc.constantFrom(...USCC_ALPHABET);
const digitChar = fc.constantFrom(...'0123456789');
const charsOf = (char: fc.Arbitrary<string>, length: number) =>
  fc.array(char, { minLength: length, maxLength: length }).map((chars) => chars.join(''));

/** Any code GB 32100 could issue: random characters, numeric division, both checks computed. */
const wellFormedUscc = fc
  .tuple(charsOf(alphabetChar, 2), charsOf(digitChar, 6), charsOf(alphabetChar, 8))
  .map(([authorityAndType, division, organisationBody]) => {
    const first17 =
      authorityAndType +
      division +
      organisationBody +
      organisationCodeCheckCharacter(organisationBody);
    return first17 + usccCheckCharacter(first17);
  });

describe('a USCC is 18 characters of GB 32100 with two check characters', () => {
  describe('real codes pass both checks', () => {
    it.each([
      ['91110000802100433B', 'Beijing Baidu Netcom Science and Technology'],
      ['91350100M000100Y43', 'a Fuzhou code with letters in its organisation code'],
      ['91110108551385082Q', 'Xiaomi'],
      ['9144030071526726XG', "Tencent: 'X' as the organisation code check character"],
      ['914403001922038216', 'Huawei'],
      ['91330100716105852F', 'Alibaba'],
    ])('%s (%s)', (code) => {
      expect(validateUscc(code)).toEqual({ valid: true });
      expect(isValidUscc(code)).toBe(true);
    });
  });

  describe('the shape', () => {
    it.each(['', '91110000802100433', '91110000802100433BB', ' 91110000802100433B'])(
      'refuses %j: not 18 characters',
      (code) => {
        expect(validateUscc(code)).toEqual({ valid: false, reason: USCC_REASONS.length });
      },
    );

    it.each([
      ['91110000802100433b', 'lower case'],
      ['91110000802100433I', 'I'],
      ['9111000080210043OB', 'O'],
      ['91110000S02100433B', 'S'],
      ['V1110000802100433B', 'V'],
      ['91110000802100433Z', 'Z'],
      ['91110000802100433-', 'punctuation'],
      ['91110000802100433Ｂ', 'a full-width letter'],
    ])('refuses %s: %s is outside the alphabet', (code) => {
      expect(validateUscc(code)).toEqual({ valid: false, reason: USCC_REASONS.alphabet });
    });

    it('refuses letters in the administrative division code (characters 3–8)', () => {
      expect(validateUscc('9111A000802100433B')).toEqual({
        valid: false,
        reason: USCC_REASONS.division,
      });
    });

    it('does not check characters 1 and 2 against a list: any alphabet character is accepted', () => {
      fc.assert(fc.property(wellFormedUscc, (code) => validateUscc(code).valid));
    });
  });

  describe('the organisation code (characters 9–17) carries a GB 11714 check character', () => {
    it.each([
      ['80210043', '3'],
      ['M000100Y', '4'],
      ['71526726', 'X'],
    ])('%s → %s', (body, check) => {
      expect(organisationCodeCheckCharacter(body)).toBe(check);
    });

    it("writes 11 as '0' and 10 as 'X'", () => {
      expect(organisationCodeCheckCharacter('00000000')).toBe('0'); // sum 0: 11 - 0 = 11
      expect(organisationCodeCheckCharacter('10000001')).toBe('6'); // sum 5: 11 - 5 = 6
      expect(organisationCodeCheckCharacter('71526726')).toBe('X'); // sum 199 ≡ 1: 11 - 1 = 10
    });

    it('values letters as GB 11714 does (A = 10 … Z = 35), not by their place in the USCC alphabet', () => {
      // M, N, P … stand at a lower place in the USCC alphabet (it skips I and O);
      // these real codes pass only with the GB 11714 values.
      for (const code of ['91341000MA2N0ABGXX', '52610500MJU60350X1', '91350211M00013FA1N']) {
        expect(organisationCodeCheckCharacter(code.slice(8, 16))).toBe(code[16]);
      }
    });

    it('refuses a code whose organisation check character is wrong, even if character 18 fits it', () => {
      const first17 = '91110000802100434';
      const code = first17 + usccCheckCharacter(first17);
      expect(validateUscc(code)).toEqual({ valid: false, reason: USCC_REASONS.organisationCode });
    });

    it('refuses 911101087226115468: its organisation code 72261154 checks to 0, not 6', () => {
      // Handed to us as a real sample; it fails both checks (character 18 should be Q), so it
      // is a corrupted or invented number, not a flaw of the algorithm that passes the others.
      expect(organisationCodeCheckCharacter('72261154')).toBe('0');
      expect(usccCheckCharacter('91110108722611546')).toBe('Q');
      expect(validateUscc('911101087226115468')).toEqual({
        valid: false,
        reason: USCC_REASONS.organisationCode,
      });
    });
  });

  describe('character 18 is the GB 32100 check character over characters 1–17', () => {
    it.each([
      ['91110000802100433', 'B'],
      ['91350100M000100Y4', '3'],
      ['9144030071526726X', 'G'],
    ])('%s → %s', (first17, check) => {
      expect(usccCheckCharacter(first17)).toBe(check);
    });

    it('refuses a code whose check character is wrong', () => {
      expect(validateUscc('91110000802100433C')).toEqual({
        valid: false,
        reason: USCC_REASONS.checkCharacter,
      });
    });

    it('refuses the early Xiamen pilot code 91350211M00013FA1N (its check character would be 3)', () => {
      expect(usccCheckCharacter('91350211M00013FA1')).toBe('3');
      expect(validateUscc('91350211M00013FA1N')).toEqual({
        valid: false,
        reason: USCC_REASONS.checkCharacter,
      });
    });

    it('catches every single-character substitution', () => {
      fc.assert(
        fc.property(wellFormedUscc, fc.nat(17), fc.nat(29), (code, position, shift) => {
          const replaced = USCC_ALPHABET[(USCC_ALPHABET.indexOf(code[position]) + 1 + shift) % 31];
          const altered = code.slice(0, position) + replaced + code.slice(position + 1);
          return !isValidUscc(altered);
        }),
      );
    });

    it('catches every swap of two different neighbours among characters 1–17', () => {
      fc.assert(
        fc.property(wellFormedUscc, fc.nat(15), (code, position) => {
          fc.pre(code[position] !== code[position + 1]);
          const swapped =
            code.slice(0, position) +
            code[position + 1] +
            code[position] +
            code.slice(position + 2);
          return !isValidUscc(swapped);
        }),
      );
    });
  });

  describe('a code taken unverified is still checked for shape', () => {
    it('accepts the pilot code 91350211M00013FA1N', () => {
      expect(validateUsccFormat('91350211M00013FA1N')).toEqual({ valid: true });
    });

    it.each([
      ['91350211M00013FA1', USCC_REASONS.length],
      ['91350211M00013FA1n', USCC_REASONS.alphabet],
      ['913502X1M00013FA1N', USCC_REASONS.division],
    ])('refuses %s', (code, reason) => {
      expect(validateUsccFormat(code)).toEqual({ valid: false, reason });
    });
  });

  describe('the check character functions refuse what they cannot compute', () => {
    it.each(['9111000080210043', '911100008021004333', '9111000080210043I'])(
      'usccCheckCharacter(%j)',
      (first17) => {
        expect(() => usccCheckCharacter(first17)).toThrow(RangeError);
      },
    );

    it.each(['8021004', '802100433', '8021004O'])('organisationCodeCheckCharacter(%j)', (body) => {
      expect(() => organisationCodeCheckCharacter(body)).toThrow(RangeError);
    });
  });
});
