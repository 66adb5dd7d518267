import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { Actor } from './auth';
import { CORRELATION_ID } from './commands/request-context';

/** A request id a proxy may set: bounded and plain, or the ledger makes its own. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type LoggedRequest = IncomingMessage & {
  actor?: Actor;
  route?: { path?: unknown };
  originalUrl?: string;
};

/** The header value when it is one plain, bounded id; anything else is not logged. */
function plainId(value: string | string[] | undefined, pattern: RegExp): string | undefined {
  return typeof value === 'string' && pattern.test(value) ? value : undefined;
}

/**
 * One JSON line per request (nestjs-pino over pino-http): request id, correlation id, actor,
 * route, status and latency, refused attempts (401/403/409/422/429) included. Never a
 * personal-data value: no body, no query string (a search may carry a name), no
 * Authorization or cookie header. Pretty output only on a terminal; quiet in tests.
 */
export function loggerParams(): Params {
  const test = process.env.NODE_ENV === 'test';
  const pretty = !test && process.stdout.isTTY === true && hasPrettyPrinter();
  return {
    pinoHttp: {
      level: process.env.LEDGER_LOG_LEVEL ?? (test ? 'error' : 'info'),
      ...(pretty && {
        transport: { target: 'pino-pretty', options: { singleLine: true, colorize: true } },
      }),
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = plainId(req.headers['x-request-id'], REQUEST_ID) ?? randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // 503 is the ledger saying "not now" (a lost connection, a projection behind): a
      // warning, not an error, or a load balancer's readiness probe floods the error log.
      customLogLevel: (_req, res, error) =>
        res.statusCode === 503
          ? 'warn'
          : error || res.statusCode >= 500
            ? 'error'
            : res.statusCode >= 400
              ? 'warn'
              : 'info',
      customSuccessMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
      customErrorMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
      customProps: (req, res) => {
        // pino-http asks at the start and at the end of a request: answer once, at the end,
        // when the route is matched and the actor known (a key twice is not valid JSON).
        if (!res.headersSent) return {};
        const { actor } = req as LoggedRequest;
        return {
          correlationId: plainId(req.headers['x-correlation-id'], CORRELATION_ID),
          route: routeOf(req),
          ...(actor && {
            actor: actor.sub,
            role: actor.role,
            ...(actor.jurisdiction && { jurisdiction: actor.jurisdiction }),
          }),
        };
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: ['req.headers', 'res.headers'],
    },
  };
}

/** The route's pattern (`/api/v1/agencies/:uscc`), never the path with its identifiers. */
function routeOf(req: LoggedRequest): string {
  const pattern = req.route?.path;
  return typeof pattern === 'string' ? pattern : (req.originalUrl ?? req.url ?? '').split('?')[0];
}

/** pino-pretty is a development dependency: a production install logs JSON even on a terminal. */
function hasPrettyPrinter(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
