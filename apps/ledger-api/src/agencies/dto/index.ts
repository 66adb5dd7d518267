export { AddEquipmentDto } from './add-equipment.dto';
export { AddPersonnelDto } from './add-personnel.dto';
export {
  CHANGEABLE_FIELDS,
  ChangeRegistrationDto,
  RegistrationChangesDto,
} from './change-registration.dto';
export { CommandBodyDto } from './command-body.dto';
export {
  DeregisterAgencyDto,
  DeregisterByAuthorityDto,
  RecordCmaRevocationDto,
} from './deregister-agency.dto';
export * from './enums';
export { ImposePenaltyDto } from './impose-penalty.dto';
export { PersonnelDepartureDto } from './personnel-departure.dto';
export { PersonnelStatusDto } from './personnel-status.dto';
export { InspectionFindingDto, RecordInspectionDto } from './record-inspection.dto';
export { RecordCreditFindingDto } from './record-credit-finding.dto';
export {
  AddressesDto,
  CmaCertificateDto,
  CommitmentDto,
  ContactDto,
  KeyPersonnelDto,
  LegalRepresentativeDto,
  RegisterAgencyDto,
} from './register-agency.dto';
export { ReviewRegistrationDto } from './review-registration.dto';
export { ScrapEquipmentDto } from './scrap-equipment.dto';
export { CommandAnswerDto, ReportToJurisdictionDto } from './report-to-jurisdiction.dto';
export { CorrectRecordDto } from './correct-record.dto';
