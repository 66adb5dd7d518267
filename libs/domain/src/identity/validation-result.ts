/** The answer of an identifier check; `reason` is a short English phrase fit for an API error. */
export type IdentifierValidation = { valid: true } | { valid: false; reason: string };

export const VALID: IdentifierValidation = Object.freeze({ valid: true });

export function invalid(reason: string): IdentifierValidation {
  return { valid: false, reason };
}
