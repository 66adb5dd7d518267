import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiExceptionFilter } from './exception.filter';
import {
  BODY_LIMIT,
  checkBodyShape,
  convertBodyParserErrors,
  requireJsonBody,
} from './request-body';
import { createValidationPipe } from './validation';

/**
 * The HTTP conventions of API.md on an app, before `init()`: JSON bodies only (415 otherwise)
 * up to 1 MB, nested at most 32 levels deep and without keys of Object.prototype, body-parser
 * errors as API errors, the validation pipe and the error filter.
 * create-app.ts and the tests call it, so both run the same way.
 */
export function configureHttp(app: NestExpressApplication): void {
  app.use(requireJsonBody);
  app.useBodyParser('json', {
    limit: BODY_LIMIT,
    type: ['application/json', 'application/*+json'],
  });
  // Before class-transformer overflows the stack on deep JSON, or drops `__proto__` keys.
  app.use(checkBodyShape);
  // Without this, Nest turns malformed JSON into a 400 quoting JSON.parse (exception.filter.spec).
  app.use(convertBodyParserErrors);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(app.getHttpAdapter()));
}

export { ApiExceptionFilter, toApiError, type ApiErrorBody } from './exception.filter';
export {
  IDEMPOTENCY_KEY_MESSAGE,
  IF_MATCH_MESSAGE,
  parseIdempotencyKey,
  parseIfMatch,
  versionETag,
} from './headers';
export {
  ParseApplicationIdPipe,
  ParsePersonRefPipe,
  ParseReevaluationIdPipe,
  ParseCycleIdPipe,
  ParseEquipmentIdPipe,
  ParseEventIdPipe,
  ParseIdPipe,
  ParseObjectionIdPipe,
  ParsePersonIdPipe,
  ParseRepairIdPipe,
  ParseUsccPipe,
} from './params';
export {
  apiHttpException,
  bodyShapeProblems,
  isJsonMediaType,
  MAX_BODY_DEPTH,
  requestBodyException,
} from './request-body';
export { createValidationPipe, validationException, validationMessages } from './validation';
export * from './validators';
