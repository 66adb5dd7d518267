import { NestFactory } from '@nestjs/core';
import helmet from 'helmet';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SESSION_COOKIE } from './auth/sessions';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module';
import type { LedgerConfig } from './config';
import { CLOCK, SYSTEM_CLOCK, type Clock } from './clock';
import type { TimedRequest } from './commands/request-context';
import { configureHttp } from './http';
import { serveWebConsole } from './web-console';

/** The HTTP app as it runs in production and in the e2e tests: one place configures both. */
export async function createApp(
  config: LedgerConfig,
  options: { clock?: Clock } = {},
): Promise<NestExpressApplication> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, clock), {
    bufferLogs: true,
  });
  // Nest's own messages go through the same JSON logger as the request lines.
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // The ledger's clock is read once, as the request arrives: it defaults a command's valid
  // time and bounds it (CLOCK_TOLERANCE_MS); no decision reads it.
  const ledgerClock = app.get<Clock>(CLOCK);
  app.use((req: TimedRequest, _res: unknown, next: () => void) => {
    req.receivedAt = ledgerClock.now();
    next();
  });
  // helmet's headers (nosniff, frame-ancestors, no X-Powered-By …), and no cache may keep an
  // answer: many carry personal data, and none is meant to outlive its request.
  app.disable('x-powered-by');
  app.use(helmet());
  // The signed-in browser's session and CSRF cookies (ADR 022).
  app.use(cookieParser());
  app.use(
    (_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
  );
  configureHttp(app);
  const document = openApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  serveWebConsole(app);
  return app;
}

/**
 * The API's OpenAPI document, as `/api/docs-json` serves it and `npm run openapi` commits it
 * (docs/openapi.json). Reads only the controllers' metadata: an app created in preview mode
 * (no database) gives the same document. It is also the source of the web console's generated
 * client (`npm run openapi:types`, scripts/openapi-types.ts).
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Regulatory credit ledger')
      .setDescription(
        'Event-sourced ledger of environmental-monitoring service agencies: filings, supervision, credit grades.',
      )
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth(SESSION_COOKIE)
      .build(),
  );
}
