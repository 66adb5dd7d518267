/**
 * Unified Social Credit Code (统一社会信用代码, USCC), GB 32100-2015.
 *
 * 18 characters from a 31-character alphabet (digits and capitals without I, O, S, V, Z):
 *   1      registration authority (登记管理部门代码), e.g. 9 market regulation, 5 civil affairs
 *   2      organisation type (机构类别代码), e.g. 1 enterprise under authority 9
 *   3–8    administrative division of the registering authority (GB/T 2260), six digits
 *   9–17   organisation code (主体标识码, GB 11714): 8 characters and their own check character
 *   18     check character over characters 1–17
 *
 * Characters 1 and 2 are not checked against a list: the standard's table has grown since
 * 2015 (A, N …), and a list here would refuse codes that are real.
 */
import { IdentifierValidation, VALID, invalid } from './validation-result';

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** 3^i mod 31 for i = 0..16. */
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
/** GB 11714 weights of the organisation code's first eight characters. */
const ORGANISATION_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

const DIGITS = /^\d+$/;

export const USCC_REASONS = {
  length: 'must be 18 characters',
  alphabet: "contains a character outside GB 32100's alphabet",
  division: 'administrative division code (characters 3–8) must be digits',
  organisationCode: 'organisation code check character does not match',
  checkCharacter: 'check character does not match',
} as const;

function isInAlphabet(text: string): boolean {
  for (const character of text) if (!USCC_ALPHABET.includes(character)) return false;
  return true;
}

/**
 * The value GB 11714 gives a character of the organisation code: digits their value, letters
 * A = 10 … Z = 35. Not the letter's position in the USCC alphabet, which skips I, O, S, V and
 * so differs from J on (M is 22 here, 21 in the USCC alphabet). Using that position instead
 * makes real codes fail, e.g. 91341000MA2N0ABGXX.
 */
function organisationCodeValue(character: string): number {
  return character >= '0' && character <= '9'
    ? character.charCodeAt(0) - 48
    : character.charCodeAt(0) - 55;
}

/**
 * The GB 11714 check character of an organisation code's first eight characters:
 * 11 - (Σ value × weight mod 11), with 10 written 'X' and 11 written '0'.
 */
export function organisationCodeCheckCharacter(first8: string): string {
  if (first8.length !== 8 || !isInAlphabet(first8)) {
    throw new RangeError('an organisation code body is 8 characters of the USCC alphabet');
  }
  let sum = 0;
  for (let i = 0; i < 8; i += 1)
    sum += organisationCodeValue(first8[i]) * ORGANISATION_CODE_WEIGHTS[i];
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/**
 * The GB 32100 check character of a code's first 17 characters:
 * (31 - Σ value × 3^i mod 31) mod 31, written with the USCC alphabet.
 */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17 || !isInAlphabet(first17)) {
    throw new RangeError('the first 17 characters of a USCC must come from its alphabet');
  }
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += USCC_ALPHABET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/**
 * Shape only: 18 characters of the alphabet with a numeric division code. The check
 * characters are not verified. For a code taken on an explicit `acceptUnverifiedCode`
 * (some early pilot codes, e.g. 91350211M00013FA1N, fail the check character).
 */
export function validateUsccFormat(code: string): IdentifierValidation {
  if (typeof code !== 'string' || code.length !== 18) return invalid(USCC_REASONS.length);
  if (!isInAlphabet(code)) return invalid(USCC_REASONS.alphabet);
  if (!DIGITS.test(code.slice(2, 8))) return invalid(USCC_REASONS.division);
  return VALID;
}

/**
 * Full check: the shape, the organisation code's GB 11714 check character (character 17),
 * then the GB 32100 check character (character 18). Case matters: lower case is refused,
 * since the code is the agency's stream key and must have one spelling.
 */
export function validateUscc(code: string): IdentifierValidation {
  const format = validateUsccFormat(code);
  if (!format.valid) return format;
  if (organisationCodeCheckCharacter(code.slice(8, 16)) !== code[16]) {
    return invalid(USCC_REASONS.organisationCode);
  }
  if (usccCheckCharacter(code.slice(0, 17)) !== code[17]) {
    return invalid(USCC_REASONS.checkCharacter);
  }
  return VALID;
}

export function isValidUscc(code: string): boolean {
  return validateUscc(code).valid;
}
