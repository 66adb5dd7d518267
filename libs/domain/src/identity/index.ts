export type { IdentifierValidation } from './validation-result';
export {
  USCC_ALPHABET,
  USCC_REASONS,
  isValidUscc,
  organisationCodeCheckCharacter,
  usccCheckCharacter,
  validateUscc,
  validateUsccFormat,
} from './uscc';
export {
  RESIDENT_ID_REASONS,
  isValidResidentId,
  maskResidentId,
  residentIdCheckCharacter,
  validateResidentId,
} from './resident-id';
