import { STATUS_CODES } from 'node:http';
import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
  type HttpServer,
} from '@nestjs/common';
import { DomainError } from '@ledger/domain';
import { WrongExpectedVersionError } from '@ledger/event-store';
import { requestBodyException } from './request-body';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-unavailable';

/** Every error answer of the API (API.md, Conventions). Some add fields, e.g. `article`. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  /** Each message names the field (or rule) it is about: `uscc: check character does not match`. */
  message: string[];
  [extra: string]: unknown;
}

export interface ApiErrorAnswer {
  status: number;
  body: ApiErrorBody | Record<string, unknown>;
  /** Unexpected: logged with its stack, answered without any of its details. */
  unexpected: boolean;
  /** Headers of the answer, e.g. `Retry-After` on a 503. */
  headers?: Record<string, string>;
}

const DOMAIN_ERROR_NAMES = {
  400: 'Bad Request',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
};

/** Said of a path that express cannot decode (`/agencies/%ZZ/review`). */
export const MALFORMED_PATH_MESSAGE = 'path: malformed percent-encoding';

/** The answer to anything a route (or the middleware before it) throws. Pure. */
export function toApiError(exception: unknown): ApiErrorAnswer {
  if (isPathDecodingError(exception)) {
    return answer(400, {
      statusCode: 400,
      error: 'Bad Request',
      message: [MALFORMED_PATH_MESSAGE],
    });
  }
  const known = exception instanceof HttpException ? exception : requestBodyException(exception);
  if (known) return fromHttpException(known);

  if (exception instanceof DomainError) {
    const status = exception.status;
    return answer(status, {
      statusCode: status,
      error: DOMAIN_ERROR_NAMES[status],
      message: [`${exception.field ?? exception.article}: ${exception.message}`],
      article: exception.article,
    });
  }

  if (exception instanceof WrongExpectedVersionError) {
    const expected =
      typeof exception.expected === 'number' ? String(exception.expected) : exception.expected;
    return answer(409, {
      statusCode: 409,
      error: 'Conflict',
      message: [`If-Match: stream is at version ${exception.actual}, not ${expected}`],
      currentVersion: exception.actual,
    });
  }

  // A connection the database dropped fails only the requests that used it (issue 9).
  if (isDatabaseUnavailable(exception)) {
    return {
      status: 503,
      body: {
        statusCode: 503,
        error: 'Service Unavailable',
        message: ['database: connection lost or unavailable; retry shortly'],
      },
      unexpected: false,
      headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
    };
  }

  return {
    status: 500,
    body: {
      statusCode: 500,
      error: 'Internal Server Error',
      message: ['server: an unexpected error occurred; it has been logged'],
    },
    unexpected: true,
  };
}

function fromHttpException(exception: HttpException): ApiErrorAnswer {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const error = STATUS_CODES[status] ?? 'Error';
  if (typeof response === 'string') {
    return answer(status, { statusCode: status, error, message: [routeMessage(response)] });
  }
  if (typeof response !== 'object' || response === null || !('message' in response)) {
    // A body of its own, not an error message (e.g. terminus' 503 health report): kept whole.
    return answer(status, response as Record<string, unknown>);
  }
  const { message, error: name, ...rest } = response as Record<string, unknown>;
  const extras = Object.fromEntries(Object.entries(rest).filter(([key]) => key !== 'statusCode'));
  const messages = (Array.isArray(message) ? (message as unknown[]) : [message]).map((text) =>
    routeMessage(typeof text === 'string' ? text : JSON.stringify(text)),
  );
  return answer(status, {
    ...extras,
    statusCode: status,
    error: typeof name === 'string' ? name : error,
    message: messages,
  });
}

/**
 * The router's URIError for a path parameter it cannot decode (`%ZZ`, `%E4%BD`), which it
 * marks with status 400: `Failed to decode param '%ZZ'`, a message that names no field.
 */
function isPathDecodingError(exception: unknown): boolean {
  return (
    exception instanceof URIError && (exception as URIError & { status?: unknown }).status === 400
  );
}

/**
 * Nest's own messages named after what they are about: "Cannot POST /x" (no such route), and
 * "Failed to decode param '%ZZ'" (the router's URIError, which Nest's express error handler
 * turns into a BadRequestException carrying its message before the filter sees it).
 */
function routeMessage(message: string): string {
  const noRoute = /^Cannot ([A-Z]+) (.*)$/s.exec(message);
  if (noRoute) return `path: no route for ${noRoute[1]} ${noRoute[2].slice(0, 200)}`;
  if (/^Failed to decode param '.*'$/s.test(message)) return MALFORMED_PATH_MESSAGE;
  return message;
}

function answer(status: number, body: ApiErrorAnswer['body']): ApiErrorAnswer {
  return { status, body, unexpected: false };
}

/**
 * The global filter: every error, whoever throws it, answers in the API's error shape.
 * Unexpected errors are logged with their stack and answered with a generic 500.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  constructor(private readonly httpAdapter: HttpServer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request: unknown = http.getRequest();
    const response: unknown = http.getResponse();
    const { status, body, unexpected, headers } = toApiError(exception);
    if (unexpected) {
      const where = `${this.httpAdapter.getRequestMethod?.(request) ?? ''} ${this.httpAdapter.getRequestUrl?.(request) ?? ''}`;
      this.logger.error(
        `${where.trim()}: ${exception instanceof Error ? exception.message : String(exception)}`,
        exception instanceof Error ? exception.stack : undefined,
      );
    }
    if (this.httpAdapter.isHeadersSent(response)) {
      // Part of the answer is out (a streamed export): cut it, so that it cannot pass for whole.
      if (!unexpected) this.logger.warn(`error after the answer began: ${JSON.stringify(body)}`);
      (response as { destroy?: () => void }).destroy?.();
      return;
    }
    if (status === 503 && headers) {
      this.logger.warn(
        `database unavailable: ${exception instanceof Error ? exception.message : String(exception)}`,
      );
    }
    for (const [name, value] of Object.entries(headers ?? {}))
      this.httpAdapter.setHeader(response, name, value);
    this.httpAdapter.reply(response, body, status);
  }
}
