/**
 * Reusable class-validator decorators for request bodies.
 *
 * Each decorator reports one precise message per field (a number sent for a text field is
 * "must be a string", not three messages about strings). Messages never start with the
 * property name, nor echo the value: the pipe (validation.ts) prefixes the field's path, and
 * some values (resident ID numbers, phones) are personal data.
 */
import { Transform, Type, type TransformFnParams } from 'class-transformer';
import {
  IsNotEmpty,
  IsObject,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { isIsoDate, toShanghaiDate } from '@ledger/domain/calendar';
import { validateResidentId, validateUscc, validateUsccFormat } from '@ledger/domain/identity';
import { forbiddenCharacter, lineBreakOrTab } from './text';

/** `YYYY-MM-DDTHH:mm[:ss[.sss]]` followed by `Z` or an offset of at most ±14:00. */
const DATE_TIME_WITH_OFFSET =
  /^(\d{4}-\d{2}-\d{2})T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,3})?)?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)$/;

/** The years a date may fall in: PostgreSQL and the calendar code go wrong around year 0. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;

export const DATE_MESSAGE = 'must be a date in YYYY-MM-DD form (a real calendar date)';
export const DATE_OR_DATE_TIME_MESSAGE =
  'must be a date (YYYY-MM-DD) or a date-time with an offset (e.g. 2026-03-01T09:30:00+08:00)';
export const DATE_RANGE_MESSAGE = `must be a date between ${MIN_YEAR} and ${MAX_YEAR} (YYYY-MM-DD)`;
export const DATE_OR_DATE_TIME_RANGE_MESSAGE = `must be a date between ${MIN_YEAR} and ${MAX_YEAR} (YYYY-MM-DD, or a date-time with an offset that falls on such a day in Asia/Shanghai)`;

/** `YYYY-MM-DD…` whose year is MIN_YEAR–MAX_YEAR. */
function inYearRange(date: string): boolean {
  const year = Number(date.slice(0, 4));
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

/** What is wrong with a bare date, or undefined. */
function bareDateProblem(value: unknown): string | undefined {
  if (!isIsoDate(value)) return DATE_MESSAGE;
  return inYearRange(value) ? undefined : DATE_RANGE_MESSAGE;
}

/**
 * What is wrong with a date or date-time, or undefined. A date-time is in range when both the
 * date it is written with and the day it falls on in Asia/Shanghai (the day the ledger files it
 * under) are: `9999-12-31T23:00:00-08:00` is already year 10000 there.
 */
function dateOrDateTimeProblem(value: unknown): string | undefined {
  if (isIsoDate(value)) return inYearRange(value) ? undefined : DATE_OR_DATE_TIME_RANGE_MESSAGE;
  if (typeof value !== 'string') return DATE_OR_DATE_TIME_MESSAGE;
  const match = DATE_TIME_WITH_OFFSET.exec(value);
  if (match === null || !isIsoDate(match[1])) return DATE_OR_DATE_TIME_MESSAGE;
  if (!inYearRange(match[1])) return DATE_OR_DATE_TIME_RANGE_MESSAGE;
  let shanghaiDate: string;
  try {
    shanghaiDate = toShanghaiDate(value);
  } catch {
    return DATE_OR_DATE_TIME_RANGE_MESSAGE;
  }
  return inYearRange(shanghaiDate) ? undefined : DATE_OR_DATE_TIME_RANGE_MESSAGE;
}

/** True for a real `YYYY-MM-DD` date in years 1900–9999. */
export function isBareDateInRange(value: unknown): value is string {
  return bareDateProblem(value) === undefined;
}

/**
 * True for a real `YYYY-MM-DD` date or an ISO 8601 date-time that states its offset (or Z),
 * in years 1900–9999.
 */
export function isIsoDateOrDateTime(value: unknown): value is string {
  return dateOrDateTimeProblem(value) === undefined;
}

/**
 * Present, but possibly absent: skips validation when the field is missing. Unlike
 * `@IsOptional()`, JSON `null` is not taken for "absent": it is validated, and refused.
 */
export function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: unknown, value: unknown) => value !== undefined);
}

/** A required field: missing, null or '' is `<field>: should not be empty` (and only that). */
export function IsRequired(): PropertyDecorator {
  return IsNotEmpty({ message: 'should not be empty' });
}

/**
 * A nested object of class `type`: `@IsObject` refuses arrays and scalars, `@ValidateNested`
 * validates (and whitelists) its fields. Errors read `legalRepresentative.name: …`.
 */
export function IsNestedObject(type: () => new () => object): PropertyDecorator {
  const message = { message: 'must be an object' };
  return (target, key) => {
    IsObject(message)(target, key);
    ValidateNested(message)(target, key);
    Type(type)(target, key);
  };
}

/** An object as JSON.parse makes it: not an array, not null, not a class instance. */
function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * An array of objects of class `type`, at most `max` of them: `findings.0.code: …`.
 *
 * Each item must be a plain object: `findings.0: must be an object`. `@ValidateNested` alone
 * would walk into an array in the array (`[[{…}]]`, `[[]]`) and accept it. So an item that was
 * not a plain object in the body is swapped for `null`, which `@ValidateNested` refuses at the
 * item's own path. This happens only in an instance that is going to be refused anyway.
 */
export function IsNestedArray(type: () => new () => object, size: ArrayOptions): PropertyDecorator {
  return (target, key) => {
    IsArrayOfSize(size)(target, key);
    ValidateNested({ each: true, message: 'must be an object' })(target, key);
    Type(type)(target, key);
    Transform(
      ({ value, obj, key: name }: TransformFnParams): unknown => {
        const sent = (obj as Record<string, unknown>)[name];
        if (!Array.isArray(value) || !Array.isArray(sent)) return value;
        return value.map((item: unknown, index) => (isPlainObject(sent[index]) ? item : null));
      },
      { toClassOnly: true },
    )(target, key);
  };
}

/** A bare date, `YYYY-MM-DD`, that exists in the calendar (not 2026-02-30), in 1900–9999. */
export function IsBareDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBareDate',
      validator: {
        validate: isBareDateInRange,
        defaultMessage: (args) => bareDateProblem(args?.value) ?? DATE_MESSAGE,
      },
    },
    options,
  );
}

/**
 * A bare date (that day in Asia/Shanghai) or a date-time with `Z` or an offset, in years
 * 1900–9999. A date-time without an offset is refused: its instant would depend on the
 * server's time zone.
 */
export function IsIsoDateOrDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoDateOrDateTime',
      validator: {
        validate: isIsoDateOrDateTime,
        defaultMessage: (args) => dateOrDateTimeProblem(args?.value) ?? DATE_OR_DATE_TIME_MESSAGE,
      },
    },
    options,
  );
}

/**
 * The shape of a USCC (GB 32100): 18 characters of its alphabet, a numeric division code.
 * The check characters are not verified: see `IsUscc` for that.
 */
export function IsUsccFormat(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUsccFormat',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && validateUsccFormat(value).valid,
        defaultMessage: (args) => identifierReason(args?.value, validateUsccFormat),
      },
    },
    options,
  );
}

/**
 * A USCC with both check characters verified, unless `acceptUnverifiedWhen(body)` says the
 * caller explicitly took the code unverified (`acceptUnverifiedCode: true`): then the shape
 * alone. Whether the caller may say so (regulator or admin only) is for the handler.
 */
export function IsUscc(
  acceptUnverifiedWhen: (body: object) => boolean = () => false,
  options?: ValidationOptions,
): PropertyDecorator {
  const check = (body: object) => (acceptUnverifiedWhen(body) ? validateUsccFormat : validateUscc);
  return ValidateBy(
    {
      name: 'isUscc',
      validator: {
        validate: (value: unknown, args) =>
          typeof value === 'string' && check(args?.object ?? {})(value).valid,
        defaultMessage: (args) => identifierReason(args?.value, check(args?.object ?? {})),
      },
    },
    options,
  );
}

/**
 * A resident identity number (公民身份号码, GB 11643): 18 characters, a real birth date, the
 * check character. The message says what is wrong, never what was sent.
 */
export function IsResidentIdNumber(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isResidentIdNumber',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && validateResidentId(value).valid,
        defaultMessage: (args) => identifierReason(args?.value, validateResidentId),
      },
    },
    options,
  );
}

function identifierReason(
  value: unknown,
  validate: (text: string) => { valid: true } | { valid: false; reason: string },
): string {
  if (typeof value !== 'string') return 'must be a string';
  const result = validate(value);
  return result.valid ? 'is not valid' : result.reason;
}

export interface TextOptions {
  /** Most characters (UTF-16 code units, as `String.length`). */
  max: number;
  pattern?: RegExp;
  /** Said when `pattern` does not match, e.g. 'must be a rule id such as beijing-9-3'. */
  patternMessage?: string;
  /**
   * Whether the text may break lines (and hold tabs). Default: prose, longer than
   * SINGLE_LINE_MAX characters (a reason, a penalty's content), may; names, numbers and
   * addresses may not.
   */
  multiline?: boolean;
}

/** Texts this long at most are names, numbers, addresses: one line (`TextOptions.multiline`). */
export const SINGLE_LINE_MAX = 200;

/**
 * What is wrong with a text's characters, or undefined: those no text may carry (NUL, unpaired
 * surrogates, controls, bidirectional overrides; the body check refuses them first, this
 * keeps the rule where the DTO is read), and tab or line breaks in a single-line text.
 */
function textCharacterProblem(value: string, multiline: boolean): string | undefined {
  return forbiddenCharacter(value) ?? (multiline ? undefined : lineBreakOrTab(value));
}

/**
 * A string that is not blank, at most `max` long, matching `pattern` when given, without
 * control or bidirectional-override characters (nor line breaks unless `multiline`).
 */
export function IsText(
  { max, pattern, patternMessage, multiline = max > SINGLE_LINE_MAX }: TextOptions,
  options?: ValidationOptions,
): PropertyDecorator {
  const problem = (value: unknown): string | undefined => {
    if (typeof value !== 'string') return 'must be a string';
    if (!/\S/.test(value)) return 'must not be blank';
    if (value.length > max) return `must be at most ${max} characters`;
    const characters = textCharacterProblem(value, multiline);
    if (characters) return characters;
    if (pattern && !pattern.test(value)) return patternMessage ?? `must match ${String(pattern)}`;
    return undefined;
  };
  return ValidateBy(
    {
      name: 'isText',
      constraints: [max],
      validator: {
        validate: (value: unknown) => problem(value) === undefined,
        defaultMessage: (args) => problem(args?.value) ?? 'is not valid',
      },
    },
    options,
  );
}

/** One of `values`, e.g. `must be one of approved, returned`. */
export function IsOneOf(values: readonly string[], options?: ValidationOptions): PropertyDecorator {
  const message = `must be one of ${values.join(', ')}`;
  return ValidateBy(
    {
      name: 'isOneOf',
      constraints: [values],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && values.includes(value),
        defaultMessage: () => message,
      },
    },
    options,
  );
}

export interface ArrayOptions {
  /** Fewest items; default 0. */
  min?: number;
  max: number;
}

/** An array of distinct values of `values`, with between `min` and `max` items. */
export function IsArrayOf(
  values: readonly string[],
  { min = 0, max }: ArrayOptions,
  options?: ValidationOptions,
): PropertyDecorator {
  const problem = (value: unknown): string | undefined => {
    if (!Array.isArray(value)) return 'must be an array';
    if (value.length < min) return `must have at least ${min} item${min === 1 ? '' : 's'}`;
    if (value.length > max) return `must have at most ${max} items`;
    if (!value.every((item) => typeof item === 'string' && values.includes(item))) {
      return `each value must be one of ${values.join(', ')}`;
    }
    if (new Set(value).size !== value.length) return 'must not repeat a value';
    return undefined;
  };
  return arrayValidator('isArrayOf', problem, options);
}

/** An array of at most `max` texts, each as `IsText` with `item`. */
export function IsTextArray(
  { min = 0, max }: ArrayOptions,
  item: TextOptions,
  options?: ValidationOptions,
): PropertyDecorator {
  const problem = (value: unknown): string | undefined => {
    if (!Array.isArray(value)) return 'must be an array';
    if (value.length < min) return `must have at least ${min} item${min === 1 ? '' : 's'}`;
    if (value.length > max) return `must have at most ${max} items`;
    if (!value.every((text) => typeof text === 'string' && /\S/.test(text))) {
      return 'each value must be a string that is not blank';
    }
    if (value.some((text: string) => text.length > item.max)) {
      return `each value must be at most ${item.max} characters`;
    }
    const multiline = item.multiline ?? item.max > SINGLE_LINE_MAX;
    for (const text of value as string[]) {
      const characters = textCharacterProblem(text, multiline);
      if (characters) return `each value ${characters}`;
    }
    return undefined;
  };
  return arrayValidator('isTextArray', problem, options);
}

/**
 * An array of at most `max` items, whatever they are: pair it with
 * `@ValidateNested({ each: true })` and `@Type(...)` for arrays of objects.
 */
export function IsArrayOfSize(
  { min = 0, max }: ArrayOptions,
  options?: ValidationOptions,
): PropertyDecorator {
  const problem = (value: unknown): string | undefined => {
    if (!Array.isArray(value)) return 'must be an array';
    if (value.length < min) return `must have at least ${min} item${min === 1 ? '' : 's'}`;
    if (value.length > max) return `must have at most ${max} items`;
    return undefined;
  };
  return arrayValidator('isArrayOfSize', problem, options);
}

function arrayValidator(
  name: string,
  problem: (value: unknown) => string | undefined,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown) => problem(value) === undefined,
        defaultMessage: (args) => problem(args?.value) ?? 'is not valid',
      },
    },
    options,
  );
}

/** `true` or `false`: not `"true"`, `1` or `null`. */
export function IsStrictBoolean(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStrictBoolean',
      validator: {
        validate: (value: unknown) => typeof value === 'boolean',
        defaultMessage: () => 'must be true or false',
      },
    },
    options,
  );
}

/** An amount of yuan: a finite number ≥ 0 and ≤ `max`, with at most 2 decimals (fen). */
export function IsYuanAmount(max = 1e12, options?: ValidationOptions): PropertyDecorator {
  const problem = (value: unknown): string | undefined => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
    if (value < 0) return 'must not be negative';
    if (value > max) return `must be at most ${max}`;
    if (Math.abs(Math.round(value * 100) - value * 100) > 1e-6) {
      return 'must have at most 2 decimals';
    }
    return undefined;
  };
  return ValidateBy(
    {
      name: 'isYuanAmount',
      validator: {
        validate: (value: unknown) => problem(value) === undefined,
        defaultMessage: (args) => problem(args?.value) ?? 'is not valid',
      },
    },
    options,
  );
}

/**
 * A finite number with at most `places` decimals: `90.5`, not `90.125` nor `8e-323`. Instead of
 * class-validator's `IsNumber({ maxDecimalPlaces })`, which throws a TypeError (a 500) on a
 * number JavaScript writes in exponent form (`1e-7`: `toString()` has no '.').
 */
export function IsNumberWithDecimals(
  places: number,
  options?: ValidationOptions,
): PropertyDecorator {
  const message = `must be a number with at most ${places} decimals`;
  return ValidateBy(
    {
      name: 'isNumberWithDecimals',
      constraints: [places],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' &&
          Number.isFinite(value) &&
          Number(value.toFixed(places)) === value,
        defaultMessage: () => message,
      },
    },
    options,
  );
}

/** An object with at least one field set (not `{}`); anything else is left to `IsNestedObject`. */
export function HasAField(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasAField',
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'object' ||
          value === null ||
          Array.isArray(value) ||
          Object.values(value).some((field) => field !== undefined),
        defaultMessage: () => 'must have at least one field',
      },
    },
    options,
  );
}

/** A field that the body may name only to be told it cannot change (`uscc: cannot change`). */
export function CannotChange(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'cannotChange',
      validator: {
        validate: (value: unknown) => value === undefined,
        defaultMessage: () => 'cannot change',
      },
    },
    options,
  );
}

/** Phone numbers as people write them: 010-12345678, +86 138 0000 0000, 0571-8888888 转 123. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]{2,29}(?:\s*(?:转|ext\.?|x)\s*[0-9]{1,6})?$/i;

/** A loose e-mail shape: the address is only for contact, never an identity. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A rule id as DomainError's `article`: `beijing-9-3`, `national-faq-3-5`. */
export const ARTICLE_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/;
