import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ACCOUNT_ROLES,
  JURISDICTIONS,
  REGULATOR_AUTHORITIES,
  USERNAME_PATTERN,
} from '@ledger/domain';
import {
  IsOneOf,
  IsRequired,
  IsStrictBoolean,
  IsText,
  IsUsccFormat,
  OptionalNotNull,
} from '../http/validators';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords';

const USERNAME = {
  max: 64,
  pattern: USERNAME_PATTERN,
  patternMessage: 'must be 3 to 64 letters, digits or . _ @ -, starting with a letter or digit',
};

export class LoginDto {
  @ApiProperty({ example: 'admin', maxLength: 64 })
  @IsRequired()
  @IsText({ max: 64 })
  username!: string;

  @ApiProperty({ format: 'password', maxLength: PASSWORD_MAX })
  @IsRequired()
  @IsText({ max: PASSWORD_MAX, multiline: false })
  password!: string;
}

/** A password being set (at creation, a change or a reset): its bounds. */
const NEW_PASSWORD = {
  max: PASSWORD_MAX,
  multiline: false,
  pattern: new RegExp(`^[\\s\\S]{${PASSWORD_MIN},}$`),
  patternMessage: `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`,
};

/** `POST /auth/password`: the signed-in user changes their own password. */
export class ChangeOwnPasswordDto {
  @ApiProperty({ format: 'password', maxLength: PASSWORD_MAX })
  @IsRequired()
  @IsText({ max: PASSWORD_MAX, multiline: false })
  currentPassword!: string;

  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsRequired()
  @IsText(NEW_PASSWORD)
  newPassword!: string;
}

/** `POST /users/:userId/password`: a manager of the account sets a new one (a reset). */
export class ResetPasswordDto {
  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsRequired()
  @IsText(NEW_PASSWORD)
  password!: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'bj-reviewer-1', ...USERNAME })
  @IsRequired()
  @IsText(USERNAME)
  username!: string;

  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsRequired()
  @IsText(NEW_PASSWORD)
  password!: string;

  @ApiProperty({ enum: ACCOUNT_ROLES })
  @IsRequired()
  @IsOneOf(ACCOUNT_ROLES)
  role!: (typeof ACCOUNT_ROLES)[number];

  @ApiPropertyOptional({ enum: JURISDICTIONS, description: 'a regulator only' })
  @OptionalNotNull()
  @IsOneOf(JURISDICTIONS)
  jurisdiction?: (typeof JURISDICTIONS)[number];

  @ApiPropertyOptional({
    enum: REGULATOR_AUTHORITIES,
    description: 'a regulator only: its recording authority (default ecology; seed 004 Art. 2)',
  })
  @OptionalNotNull()
  @IsOneOf(REGULATOR_AUTHORITIES)
  authority?: (typeof REGULATOR_AUTHORITIES)[number];

  @ApiPropertyOptional({
    description: "an agency only: the agency's USCC",
    example: '91110000802100433B',
  })
  @OptionalNotNull()
  @IsUsccFormat()
  uscc?: string;

  @ApiPropertyOptional({
    description:
      "an agency only: its main account (主账号, seed 002 §七.10). Default true when an administrator creates the account, false (and only false) when the agency's main account does",
  })
  @OptionalNotNull()
  @IsStrictBoolean()
  main?: boolean;

  @ApiPropertyOptional({ description: 'a name to show, e.g. the post (岗位)', maxLength: 100 })
  @OptionalNotNull()
  @IsText({ max: 100 })
  displayName?: string;
}

export class DisableUserDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @OptionalNotNull()
  @IsText({ max: 2000 })
  reason?: string;
}

/** The signed-in user (GET /auth/me, and in the sign-in answer). */
export class SignedInUserDto {
  @ApiProperty() userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ACCOUNT_ROLES }) role!: string;
  @ApiPropertyOptional({ enum: JURISDICTIONS }) jurisdiction?: string;
  @ApiPropertyOptional({ enum: REGULATOR_AUTHORITIES }) authority?: string;
  @ApiPropertyOptional() uscc?: string;
  @ApiPropertyOptional() displayName?: string;
  @ApiPropertyOptional({ description: "true for an agency's main account" }) main?: boolean;
}

export class LoginAnswerDto {
  @ApiProperty({ description: 'the session token, also usable as a Bearer token' })
  token!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({
    description: 'send it as the X-CSRF-Token header on every write made with the session cookie',
  })
  csrfToken!: string;
  @ApiProperty({ type: () => SignedInUserDto }) user!: SignedInUserDto;
}

export class UserDto extends SignedInUserDto {
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiPropertyOptional({ format: 'date-time' }) disabledAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'when the password last changed' })
  passwordChangedAt?: string;
  @ApiPropertyOptional({ description: 'who set it: the holder, or a manager resetting it' })
  passwordChangedBy?: string;
}

export class UserCreatedDto {
  @ApiProperty() userId!: string;
  @ApiProperty() version!: number;
  @ApiProperty() position!: number;
  @ApiProperty({ type: [String] }) eventIds!: string[];
}

export class PasswordChangedDto extends UserCreatedDto {
  @ApiProperty({
    description: 'true: every session of the account signed in before the change has ended',
  })
  sessionsEnded!: boolean;
}

export class UserDisabledDto extends UserCreatedDto {
  @ApiProperty() disabled!: boolean;
}
