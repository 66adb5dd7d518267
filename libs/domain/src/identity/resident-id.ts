/**
 * PRC resident identity card number (公民身份号码), GB 11643-1999.
 *
 * 18 characters: 6-digit address code, 8-digit birth date (YYYYMMDD), 3-digit sequence
 * (odd for men, even for women), and a check character that is a digit or 'X' (ISO 7064
 * MOD 11-2). The number is personal information: nothing here echoes it in an error.
 */
import { isCalendarDate } from '../calendar/iso-date';
import { IdentifierValidation, VALID, invalid } from './validation-result';

/** 2^(17-i) mod 11 for i = 1..17. */
const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character for each value of Σ digit × weight mod 11. */
const RESIDENT_ID_CHECK_CHARACTERS = '10X98765432';

const SEVENTEEN_DIGITS_AND_CHECK = /^\d{17}[\dX]$/;

export const RESIDENT_ID_REASONS = {
  length: 'must be 18 characters',
  characters: 'must be 17 digits followed by a digit or X',
  birthDate: 'birth date (characters 7–14) is not a real calendar date',
  checkCharacter: 'check character does not match',
} as const;

/** The check character of an ID number's first 17 digits: '10X98765432'[Σ digit × weight mod 11]. */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new RangeError('the first 17 characters of a resident ID number are digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * RESIDENT_ID_WEIGHTS[i];
  return RESIDENT_ID_CHECK_CHARACTERS[sum % 11];
}

/**
 * Length, characters, birth date, then check character. A lower-case 'x' is refused: the
 * number feeds a keyed hash (one person, one agency), so it must have one spelling.
 */
export function validateResidentId(id: string): IdentifierValidation {
  if (typeof id !== 'string' || id.length !== 18) return invalid(RESIDENT_ID_REASONS.length);
  if (!SEVENTEEN_DIGITS_AND_CHECK.test(id)) return invalid(RESIDENT_ID_REASONS.characters);
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (!isCalendarDate(year, month, day)) return invalid(RESIDENT_ID_REASONS.birthDate);
  if (residentIdCheckCharacter(id.slice(0, 17)) !== id[17]) {
    return invalid(RESIDENT_ID_REASONS.checkCharacter);
  }
  return VALID;
}

export function isValidResidentId(id: string): boolean {
  return validateResidentId(id).valid;
}

/**
 * The form shown to anyone but the agency's regulator and admins: the first 6 and last 4
 * characters around 8 asterisks, e.g. 110105********002X. Masks any 18-character string,
 * valid or not; anything else is refused rather than shown.
 */
export function maskResidentId(id: string): string {
  if (typeof id !== 'string' || id.length !== 18) {
    throw new RangeError('a resident ID number to mask must be 18 characters');
  }
  return `${id.slice(0, 6)}********${id.slice(14)}`;
}
