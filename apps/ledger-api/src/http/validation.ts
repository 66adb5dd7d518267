import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { queryProblems } from './text';

/** More messages than this help nobody and make a large bad body a large answer. */
export const MAX_VALIDATION_MESSAGES = 50;
/** A client-chosen property name is echoed in the path; a long one is cut. */
const MAX_PROPERTY_ECHO = 64;

/**
 * The pipe every route uses: the body becomes an instance of its DTO, fields the DTO does not
 * declare are refused (not silently dropped), nothing is coerced ("5" stays a string), and
 * every refusal is reported, each message starting with the field's path.
 */
export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    // The values stay out of the errors: some are personal data (resident ID numbers).
    validationError: { target: false, value: false },
    exceptionFactory: validationException,
  });
}

/**
 * Nest's pipe, except that a JSON body that is not an object (an array, a string) is refused
 * as such: class-transformer would otherwise turn an array into an array of DTOs and report
 * each of its indexes as an unknown field. And before any route-level pipe (ParseUsccPipe) or
 * DTO sees them, path and query parameters with a character no text may carry (NUL from
 * `%00`, an unpaired surrogate, controls: text.ts) are refused naming the parameter: the body's
 * strings are checked as it is parsed (request-body.ts), these only once routed.
 */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param' || metadata.type === 'query') {
      const problems =
        metadata.data === undefined
          ? queryProblems(value)
          : queryProblems(value, echoProperty(metadata.data));
      if (problems.length > 0) {
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: problems.slice(0, MAX_VALIDATION_MESSAGES),
        });
      }
    }
    if (
      metadata.type === 'body' &&
      this.toValidate(metadata) &&
      value !== undefined &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw validationException([
        { property: 'body', constraints: { isObject: 'must be a JSON object' }, children: [] },
      ]);
    }
    return super.transform(value, metadata);
  }
}

/** The 400 of the API: `{ statusCode, error, message: ['legalRepresentative.name: ...'] }`. */
export function validationException(errors: ValidationError[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: validationMessages(errors),
  });
}

/**
 * One message per refusal, `<path>: <what is wrong>`: `findings.0.code: must be one of …`.
 * A field that is missing gets only `should not be empty`, not also every rule its absent
 * value fails.
 */
export function validationMessages(errors: readonly ValidationError[]): string[] {
  const messages: string[] = [];
  collect(errors, '', messages);
  if (messages.length <= MAX_VALIDATION_MESSAGES) return messages;
  const omitted = messages.length - MAX_VALIDATION_MESSAGES;
  return [
    ...messages.slice(0, MAX_VALIDATION_MESSAGES),
    `body: ${omitted} more error${omitted === 1 ? '' : 's'} not shown`,
  ];
}

function collect(errors: readonly ValidationError[], parentPath: string, into: string[]): void {
  for (const error of errors) {
    const property = echoProperty(String(error.property ?? ''));
    const path = parentPath && property ? `${parentPath}.${property}` : property || parentPath;
    const constraints = error.constraints ?? {};
    const names = 'isNotEmpty' in constraints ? ['isNotEmpty'] : Object.keys(constraints);
    const texts = new Set(names.map((name) => describe(name, constraints[name], error.property)));
    for (const text of texts) into.push(`${path || 'body'}: ${text}`);
    if (error.children?.length) collect(error.children, path, into);
  }
}

/** class-validator's own messages start with the property name, which the path already says. */
function describe(constraint: string, message: string, property: string): string {
  if (constraint === 'whitelistValidation') return 'is not allowed';
  if (/^nested property .* must be either object or array$/.test(message)) {
    return 'must be an object';
  }
  if (message.startsWith(`each value in ${property} `)) {
    return `each value ${message.slice(`each value in ${property} `.length)}`;
  }
  if (message.startsWith(`${property} `)) return message.slice(property.length + 1);
  return message;
}

/** Controls, bidirectional overrides and unpaired surrogates: never echoed (text.ts). */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A client-chosen property name as a path may echo it: printable, at most 64 characters. */
export function echoProperty(property: string): string {
  const printable = property.replace(UNPRINTABLE, '?');
  return printable.length > MAX_PROPERTY_ECHO
    ? `${printable.slice(0, MAX_PROPERTY_ECHO)}…`
    : printable;
}
