/**
 * Request headers of the write API (API.md, Conventions), parsed without side effects: a
 * controller passes the raw header and gets a value or a 400 in the API's error shape.
 */
import { BadRequestException } from '@nestjs/common';

/** `5`, `"5"` or `W/"5"`: the agency stream version a writer read (versions count from 1; 0 is "no stream"). */
const STREAM_VERSION = /^(?:(0|[1-9]\d*)|"(0|[1-9]\d*)"|W\/"(0|[1-9]\d*)")$/;
/** 1–200 printable ASCII characters, space included (HTTP trims it at either end). */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,200}$/;

export const IF_MATCH_MESSAGE = 'If-Match: must be a stream version such as 5';
export const IDEMPOTENCY_KEY_MESSAGE =
  'Idempotency-Key: must be 1 to 200 printable ASCII characters';

function badRequest(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [message] });
}

/** One value: a header sent twice arrives as an array (or joined with commas) and is refused. */
function single(header: string | string[] | undefined, message: string): string | undefined {
  if (Array.isArray(header)) {
    if (header.length !== 1) throw badRequest(message);
    return header[0];
  }
  return header;
}

/**
 * The expected stream version from `If-Match`, or undefined when the header is absent (the
 * handler then appends against the version it read). `*`, lists and other ETags are refused.
 */
export function parseIfMatch(header?: string | string[]): number | undefined {
  const value = single(header, IF_MATCH_MESSAGE);
  if (value === undefined) return undefined;
  const match = STREAM_VERSION.exec(value.trim());
  const digits = match?.[1] ?? match?.[2] ?? match?.[3];
  const version = digits === undefined ? NaN : Number(digits);
  if (!Number.isSafeInteger(version)) throw badRequest(IF_MATCH_MESSAGE);
  return version;
}

/** The `Idempotency-Key`, or undefined when absent. Compared as sent (case matters). */
export function parseIdempotencyKey(header?: string | string[]): string | undefined {
  const value = single(header, IDEMPOTENCY_KEY_MESSAGE);
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(value) || value.trim() === '') {
    throw badRequest(IDEMPOTENCY_KEY_MESSAGE);
  }
  return value;
}

/** The `ETag` of an answer at stream `version`, which `parseIfMatch` reads back. */
export function versionETag(version: number): string {
  return `"${version}"`;
}
