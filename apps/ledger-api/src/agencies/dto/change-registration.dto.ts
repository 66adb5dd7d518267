import {
  ApiHideProperty,
  ApiProperty,
  ApiPropertyOptional,
  OmitType,
  PartialType,
} from '@nestjs/swagger';
import {
  CannotChange,
  HasAField,
  IsBareDate,
  IsNestedObject,
  IsRequired,
  OptionalNotNull,
} from '../../http/validators';
import { CommandBodyDto } from './command-body.dto';
import { CommitmentDto, RegisterAgencyDto } from './register-agency.dto';

/** The registration fields a change may carry: a changed nested field comes with its whole new value. */
export const CHANGEABLE_FIELDS = [
  'name',
  'category',
  'serviceTypes',
  'legalRepresentative',
  'monitoringTypes',
  'scope',
  'addresses',
  'contact',
  'ownership',
  'cmaCertificate',
  'keyPersonnel',
] as const;

/**
 * Any registration field, each validated as at registration, none required, `null` refused.
 * `uscc` and `jurisdiction` are named only to be refused: `changes.uscc: cannot change`.
 * The commitment is not a field of the registration: it comes beside `changes`.
 */
export class RegistrationChangesDto extends PartialType(
  OmitType(RegisterAgencyDto, [
    'uscc',
    'jurisdiction',
    'commitment',
    'acceptUnverifiedCode',
    'occurredAt',
  ] as const),
  { skipNullProperties: false },
) {
  /** 统一社会信用代码 never changes; a wrong one is corrected only by an administrator (seed 002 §七.2). */
  @ApiHideProperty()
  @CannotChange()
  uscc?: never;

  /** An agency moving to another jurisdiction deregisters and registers there. */
  @ApiHideProperty()
  @CannotChange()
  jurisdiction?: never;
}

/** 信息变更 (seed 000 Art. 6, seed 001 Art. 5): `POST /api/v1/agencies/:uscc/changes`. */
export class ChangeRegistrationDto extends CommandBodyDto {
  @ApiProperty({
    description:
      '变更内容: the registration fields that changed, each with its whole new value, e.g. { "addresses": { "registered": "…", "workplace": "…" } }. uscc and jurisdiction cannot change.',
    type: () => RegistrationChangesDto,
  })
  @IsRequired()
  @HasAField({ message: 'must name at least one field that changed' })
  @IsNestedObject(() => RegistrationChangesDto)
  changes!: RegistrationChangesDto;

  @ApiProperty({
    description:
      '变更日期: the date of the change in the world (to be filed within one month), YYYY-MM-DD',
    example: '2026-03-01',
  })
  @IsRequired()
  @IsBareDate()
  changedAt!: string;

  @ApiPropertyOptional({
    description:
      '重新签署的书面承诺: required when the name or the legal representative changes (seed 002 §二.5)',
    type: () => CommitmentDto,
  })
  // Whether it is required depends on whether the name or representative really differs from
  // the record: the decider's rule (422, national-faq-2-5), not a shape check.
  @OptionalNotNull()
  @IsNestedObject(() => CommitmentDto)
  commitment?: CommitmentDto;
}
