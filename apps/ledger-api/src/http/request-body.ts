/**
 * The request body before Nest sees it: express middleware that refuses non-JSON bodies and
 * turns body-parser's errors into the API's error answers.
 *
 * Body-parser runs before Nest's routing, so its errors reach Nest only through the express
 * error handler Nest installs last, which rewrites a JSON `SyntaxError` into a
 * BadRequestException carrying the parser's own message. `convertBodyParserErrors` runs right
 * after the parser and hands Nest an HttpException instead, which the filter answers as is.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { HttpException, HttpStatus } from '@nestjs/common';

export const BODY_LIMIT = '1mb';

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

/** Express error middleware (4 arguments) placed right after the body parser. */
export function convertBodyParserErrors(
  error: unknown,
  _request: IncomingMessage,
  _response: ServerResponse,
  next: Next,
): void {
  next(requestBodyException(error) ?? error);
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
