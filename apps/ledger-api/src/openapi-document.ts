import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { readConfig } from './config';
import { openApiDocument } from './create-app';

/**
 * The OpenAPI document as committed in docs/openapi.json: the app's controllers read in Nest's
 * preview mode (no provider runs, so no database is reached), rendered as stable JSON.
 */
export async function renderOpenApiDocument(): Promise<string> {
  Logger.overrideLogger(false);
  const config = readConfig({}, 'postgresql://unused@127.0.0.1:1/unused');
  const app = await NestFactory.create(AppModule.forRoot(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return `${JSON.stringify(openApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
