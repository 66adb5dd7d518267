/**
 * The request body before Nest sees it: express middleware that refuses non-JSON bodies,
 * refuses parsed bodies that would trip class-transformer (too deep, keys of Object.prototype),
 * and turns body-parser's errors into the API's error answers.
 *
 * Body-parser runs before Nest's routing, so its errors reach Nest only through the express
 * error handler Nest installs last, which rewrites a JSON `SyntaxError` into a
 * BadRequestException carrying the parser's own message. `convertBodyParserErrors` runs right
 * after the parser and hands Nest an HttpException instead, which the filter answers as is.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { HttpException, HttpStatus } from '@nestjs/common';
import { forbiddenCharacter } from './text';
import { echoProperty, MAX_VALIDATION_MESSAGES } from './validation';

export const BODY_LIMIT = '1mb';
/** How deep objects and arrays may nest in a body; the DTOs need 4 or 5 levels. */
export const MAX_BODY_DEPTH = 32;

type Next = (error?: unknown) => void;

/** An HttpException whose answer already has the API's shape. */
export function apiHttpException(status: number, error: string, message: string): HttpException {
  return new HttpException({ statusCode: status, error, message: [message] }, status);
}

/**
 * The answer to an error raised while reading the body (body-parser / raw-body, which mark
 * theirs with a `type`), or undefined when `error` is not one.
 */
export function requestBodyException(error: unknown): HttpException | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status, charset } = error as {
    type?: unknown;
    status?: unknown;
    charset?: unknown;
  };
  if (typeof type !== 'string') return undefined;
  switch (type) {
    case 'entity.parse.failed':
      return apiHttpException(400, 'Bad Request', 'body: malformed JSON');
    case 'entity.too.large':
      return apiHttpException(413, 'Payload Too Large', 'body: larger than the 1 MB limit');
    case 'charset.unsupported':
      return apiHttpException(
        415,
        'Unsupported Media Type',
        typeof charset === 'string'
          ? `Content-Type: charset ${JSON.stringify(charset.slice(0, 40))} is not supported; send UTF-8`
          : 'Content-Type: charset is not supported; send UTF-8',
      );
    case 'encoding.unsupported':
      return apiHttpException(
        415,
        'Unsupported Media Type',
        'Content-Encoding: not supported; send identity, gzip, deflate or br',
      );
    case 'request.size.invalid':
      return apiHttpException(400, 'Bad Request', 'body: length does not match Content-Length');
    case 'request.aborted':
      return apiHttpException(400, 'Bad Request', 'body: the request was aborted');
    case 'parameters.too.many':
      return apiHttpException(413, 'Payload Too Large', 'body: too many parameters');
    default:
      // e.g. 'stream.encoding.set', 'stream.not.readable': our fault, not the client's.
      return typeof status === 'number' && status >= 400 && status < 500
        ? apiHttpException(status, STATUS_CODES[status] ?? 'Bad Request', 'body: could not be read')
        : undefined;
  }
}

/**
 * The answer to an error body-parser raised without a `type` but with a 4xx status, or
 * undefined: e.g. zlib's error for a body sent with `Content-Encoding: gzip` that is not
 * gzip, which body-parser passes on as a 400.
 */
export function untypedBodyParserException(error: unknown): HttpException | undefined {
  if (typeof error !== 'object' || error === null || error instanceof HttpException) {
    return undefined;
  }
  const { status, code } = error as { status?: unknown; code?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return apiHttpException(
    400,
    'Bad Request',
    typeof code === 'string' && code.startsWith('Z_')
      ? 'body: could not be decompressed as its Content-Encoding says'
      : 'body: could not be read',
  );
}

/**
 * Express error middleware (4 arguments) placed after the body parser: any error that reaches
 * it comes from the parser (or is already an HttpException of the middleware before).
 */
export function convertBodyParserErrors(
  error: unknown,
  _request: IncomingMessage,
  _response: ServerResponse,
  next: Next,
): void {
  if (error instanceof HttpException) {
    next(error);
    return;
  }
  next(requestBodyException(error) ?? untypedBodyParserException(error) ?? error);
}

/** A key that names a member of Object.prototype (`__proto__`, `constructor`, `toString`, …). */
export function isPrototypeKey(key: string): boolean {
  return key === 'prototype' || key in Object.prototype;
}

/** How many keys one object of a body may have; the widest DTO (a registration) has 20. */
export const MAX_BODY_OBJECT_KEYS = 100;
/** How many items one array of a body may have; the longest (a year's holidays) has < 400. */
export const MAX_BODY_ARRAY_ITEMS = 1000;
/** How many keys and items a whole body may have, all levels together. */
export const MAX_BODY_VALUES = 5000;

/**
 * What is wrong with the shape of a parsed body, one message per problem:
 * - alone, and before anything else is looked at: nesting deeper than MAX_BODY_DEPTH levels
 *   (`body: nested deeper than 32 levels`), an object with more than MAX_BODY_OBJECT_KEYS keys
 *   or an array with more than MAX_BODY_ARRAY_ITEMS items (`changes: must have at most 100
 *   keys`), more than MAX_BODY_VALUES keys and items in all. A body of 1 MB can hold 50,000
 *   unknown keys, on which class-validator would block the event loop for seconds (issue 9).
 * - keys that name a member of Object.prototype (`changes.__proto__: is not allowed`), which
 *   class-transformer would silently drop, and keys with characters `forbiddenCharacter`
 *   refuses;
 * - strings, at any depth, with a character `forbiddenCharacter` refuses (NUL, an unpaired
 *   surrogate, a control or bidirectional-override character), named by their JSON path
 *   (`findings.0.description: must not contain the NUL character (U+0000)`): PostgreSQL
 *   refuses NUL and lone surrogates in jsonb, which would otherwise be a 500.
 * Walks with a stack of its own, never recursing: a body of 1 MB can nest far deeper than the
 * call stack goes.
 */
export function bodyShapeProblems(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const problems: string[] = [];
  let refused = 0;
  let values = 0;
  const refuse = (message: string) => {
    refused += 1;
    if (refused <= MAX_VALIDATION_MESSAGES) problems.push(message);
  };
  const stack: Container[] = [{ value: body, path: '', depth: 1 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, path, depth } = next;
    if (depth > MAX_BODY_DEPTH) return [`body: nested deeper than ${MAX_BODY_DEPTH} levels`];
    const size = Array.isArray(value) ? value.length : Object.keys(value).length;
    if (Array.isArray(value) && size > MAX_BODY_ARRAY_ITEMS) {
      return [`${path || 'body'}: must have at most ${MAX_BODY_ARRAY_ITEMS} items`];
    }
    if (!Array.isArray(value) && size > MAX_BODY_OBJECT_KEYS) {
      return [`${path || 'body'}: must have at most ${MAX_BODY_OBJECT_KEYS} keys`];
    }
    values += size;
    if (values > MAX_BODY_VALUES) {
      return [`body: must hold at most ${MAX_BODY_VALUES} keys and array items in all`];
    }
    const pathTo = (key: string) => (path ? `${path}.${echoProperty(key)}` : echoProperty(key));
    const children: Container[] = [];
    // JSON.parse makes `__proto__` an own key, which Object.entries lists.
    const entries: Iterable<[string | number, unknown]> = Array.isArray(value)
      ? (value as unknown[]).entries()
      : Object.entries(value);
    for (const [key, child] of entries) {
      if (typeof key === 'string' && (isPrototypeKey(key) || forbiddenCharacter(key))) {
        refuse(`${pathTo(key)}: is not allowed`);
      } else if (typeof child === 'string') {
        const problem = forbiddenCharacter(child);
        if (problem) refuse(`${pathTo(String(key))}: ${problem}`);
      } else if (typeof child === 'object' && child !== null) {
        children.push({ value: child, path: pathTo(String(key)), depth: depth + 1 });
      }
    }
    // Reversed, so that objects are walked in the order of the body.
    for (let index = children.length - 1; index >= 0; index -= 1) stack.push(children[index]);
  }
  const omitted = refused - problems.length;
  if (omitted > 0) {
    problems.push(`body: ${omitted} more error${omitted === 1 ? '' : 's'} not shown`);
  }
  return problems;
}

interface Container {
  value: object;
  /** `changes.addresses`, `findings.0`; '' for the body. */
  path: string;
  /** 1 for the body. */
  depth: number;
}

/**
 * Express middleware placed right after the JSON body parser: refuses a body that
 * `bodyShapeProblems` finds fault with, before class-transformer overflows the stack on it
 * (a 500) or drops its `__proto__` / `constructor` keys (accepting what it should refuse).
 */
export function checkBodyShape(
  request: IncomingMessage & { body?: unknown },
  _response: ServerResponse,
  next: Next,
): void {
  const problems = bodyShapeProblems(request.body);
  if (problems.length > 0) {
    next(
      new HttpException(
        { statusCode: 400, error: 'Bad Request', message: problems },
        HttpStatus.BAD_REQUEST,
      ),
    );
    return;
  }
  next();
}

/** True for `application/json` and `application/<anything>+json`, any parameters. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[!#$&^_.+\w-]+\+json$/.test(mediaType);
}

/** A body is there when the request is chunked or declares a non-zero length. */
function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

/**
 * Refuses a body that is not JSON with 415 before any parser reads it: a form or plain-text
 * body would otherwise reach the route as "no body" and be answered with missing fields.
 * A request without a body (e.g. an action with nothing to say) passes.
 */
export function requireJsonBody(request: IncomingMessage, _response: ServerResponse, next: Next) {
  if (hasBody(request) && !isJsonMediaType(request.headers['content-type'])) {
    next(
      apiHttpException(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'Unsupported Media Type',
        'Content-Type: must be application/json',
      ),
    );
    return;
  }
  next();
}
