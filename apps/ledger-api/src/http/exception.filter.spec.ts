import { HOOK_TIMEOUT_MS } from '../../../../test/support/timeouts';
import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  Headers,
  HttpCode,
  Logger,
  Param,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { deflateSync, gzipSync } from 'node:zlib';
import { ConflictError, NotFoundError, RuleViolation } from '@ledger/domain';
import { WrongExpectedVersionError } from '@ledger/event-store';
import { DeregisterAgencyDto } from '../agencies/dto';
import { toApiError } from './exception.filter';
import { parseIfMatch } from './headers';
import { configureHttp } from './index';

const INTERNALS = 'postgres://ledger:s3cret@db.internal/ledger';

@Controller('test')
class DummyController {
  @Post('deregistration')
  deregister(@Body() body: DeregisterAgencyDto) {
    return { reason: body.reason, isDto: body instanceof DeregisterAgencyDto };
  }

  @Post('agencies/:uscc/review')
  review(@Param('uscc') uscc: string) {
    return { uscc };
  }

  @Post('publish')
  @HttpCode(201)
  publish() {
    return { published: true };
  }

  @Post('upgrade')
  upgrade() {
    throw new RuleViolation('an upgrade inside the 3-year bar', 'beijing-23', 'reason');
  }

  @Post('duplicate')
  duplicate() {
    throw new ConflictError('a person is active at another agency', 'national-faq-3-6');
  }

  @Get('missing')
  missing() {
    throw new NotFoundError('the agency is not registered', 'national-faq-1-6', 'uscc');
  }

  @Post('stale')
  stale(@Headers('if-match') ifMatch?: string) {
    throw new WrongExpectedVersionError('agency-91110000802100433B', parseIfMatch(ifMatch)!, 6);
  }

  @Get('forbidden')
  forbidden() {
    throw new ForbiddenException();
  }

  @Get('unhealthy')
  unhealthy() {
    throw new ServiceUnavailableException({ status: 'error', error: { database: 'down' } });
  }

  @Get('boom')
  boom() {
    throw new Error(`connection to ${INTERNALS} refused`);
  }
}

describe('HTTP errors, as configured by configureHttp', () => {
  let app: NestExpressApplication;
  let logged: jest.SpyInstance;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [DummyController] }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    configureHttp(app);
    await app.init();
  }, HOOK_TIMEOUT_MS);
  afterAll(() => app.close(), HOOK_TIMEOUT_MS);
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  it('passes a good body to the controller as its DTO', async () => {
    const res = await http().post('/test/deregistration').send({ reason: 'voluntary' }).expect(201);
    expect(res.body).toEqual({ reason: 'voluntary', isDto: true });
  });

  it('answers a bad body with 400 naming the field', async () => {
    const res = await http()
      .post('/test/deregistration')
      .send({ reason: 'bankrupt', foo: 1 })
      .expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [
        'foo: is not allowed',
        'reason: must be one of voluntary, legal-person-terminated, qualification-lost',
      ],
    });
  });

  it('answers malformed JSON with 400 naming the body, not the parser', async () => {
    const res = await http()
      .post('/test/deregistration')
      .set('Content-Type', 'application/json')
      .send('{"reason": "voluntary",')
      .expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['body: malformed JSON'],
    });
  });

  it('answers a JSON body that is not an object with 400', async () => {
    const res = await http().post('/test/deregistration').send(['voluntary']).expect(400);
    expect(res.body.message).toEqual(['body: must be a JSON object']);
  });

  it('answers a body over 1 MB with 413', async () => {
    const res = await http()
      .post('/test/deregistration')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ reason: 'voluntary', padding: 'x'.repeat(2 * 1024 * 1024) }))
      .expect(413);
    expect(res.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: ['body: larger than the 1 MB limit'],
    });
  });

  it('answers a body that is not JSON with 415', async () => {
    for (const [type, body] of [
      ['text/plain', '{"reason":"voluntary"}'],
      ['application/x-www-form-urlencoded', 'reason=voluntary'],
    ]) {
      const res = await http()
        .post('/test/deregistration')
        .set('Content-Type', type)
        .send(body)
        .expect(415);
      expect(res.body).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: ['Content-Type: must be application/json'],
      });
    }
  });

  it('answers JSON in another charset than UTF-8 with 415', async () => {
    const res = await http()
      .post('/test/deregistration')
      .set('Content-Type', 'application/json; charset=latin1')
      .send('{"reason":"voluntary"}')
      .expect(415);
    expect(res.body.message).toEqual([
      'Content-Type: charset "latin1" is not supported; send UTF-8',
    ]);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ] as const)('reads a body sent with Content-Encoding: %s', async (encoding, compress) => {
    const res = await http()
      .post('/test/deregistration')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', encoding)
      // Sent as is: superagent would otherwise serialize the Buffer as JSON.
      .serialize((body: unknown) => body as string)
      .send(compress('{"reason":"voluntary"}'))
      .expect(201);
    expect(res.body).toEqual({ reason: 'voluntary', isDto: true });
  });

  it.each(['gzip', 'deflate'])(
    'answers a body that is not compressed as Content-Encoding: %s says with 400',
    async (encoding) => {
      const res = await http()
        .post('/test/deregistration')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send('{"reason":"voluntary"}')
        .expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: ['body: could not be decompressed as its Content-Encoding says'],
      });
      expect(logged).not.toHaveBeenCalled();
    },
  );

  it('answers an unsupported Content-Encoding with 415', async () => {
    const res = await http()
      .post('/test/deregistration')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'compress')
      .send('{"reason":"voluntary"}')
      .expect(415);
    expect(res.body.message).toEqual([
      'Content-Encoding: not supported; send identity, gzip, deflate or br',
    ]);
  });

  it.each([
    ['arrays', '[', ']'],
    ['objects', '{"a":', '}'],
  ])('answers JSON nested 5000 levels deep in %s with 400, not 500', async (_what, open, close) => {
    const nested = `${open.repeat(5000)}${open === '[' ? '' : '1'}${close.repeat(5000)}`;
    const res = await http()
      .post('/test/deregistration')
      .set('Content-Type', 'application/json')
      .send(`{"reason":"voluntary","x":${nested}}`)
      .expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['body: nested deeper than 32 levels'],
    });
    expect(logged).not.toHaveBeenCalled();
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'])(
    'refuses a key named %s instead of dropping it',
    async (key) => {
      const res = await http()
        .post('/test/deregistration')
        .set('Content-Type', 'application/json')
        .send(`{"reason":"voluntary","${key}":{"reason":"x"}}`)
        .expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: [`${key}: is not allowed`],
      });
    },
  );

  it.each(['/test/agencies/%ZZ/review', '/test/agencies/%E4%BD/review'])(
    'answers a malformed percent-encoding in the path (%s) with 400 naming the path',
    async (path) => {
      const res = await http().post(path).expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: ['path: malformed percent-encoding'],
      });
    },
  );

  it('decodes a well-formed percent-encoding in the path', async () => {
    await http().post('/test/agencies/%E4%BD%A0/review').expect(201, { uscc: '你' });
  });

  it('takes a POST without a body as an empty body', async () => {
    await http().post('/test/publish').expect(201, { published: true });
    const res = await http().post('/test/deregistration').expect(400);
    expect(res.body.message).toEqual(['reason: should not be empty']);
  });

  it('answers a refused rule with 422 and its article', async () => {
    const res = await http().post('/test/upgrade').expect(422);
    expect(res.body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: ['reason: an upgrade inside the 3-year bar'],
      article: 'beijing-23',
    });
  });

  it('answers a domain conflict with 409, naming the rule when no field is at fault', async () => {
    const res = await http().post('/test/duplicate').expect(409);
    expect(res.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: ['national-faq-3-6: a person is active at another agency'],
      article: 'national-faq-3-6',
    });
  });

  it('answers an unknown resource with 404', async () => {
    const res = await http().get('/test/missing').expect(404);
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: ['uscc: the agency is not registered'],
      article: 'national-faq-1-6',
    });
  });

  it('answers a stale If-Match with 409 and the current version', async () => {
    const res = await http().post('/test/stale').set('If-Match', '"5"').expect(409);
    expect(res.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: ['If-Match: stream is at version 6, not 5'],
      currentVersion: 6,
    });
  });

  it('answers a malformed If-Match with 400', async () => {
    const res = await http().post('/test/stale').set('If-Match', '*').expect(400);
    expect(res.body.message).toEqual(['If-Match: must be a stream version such as 5']);
  });

  it('keeps the status of an HttpException and gives its message as an array', async () => {
    const res = await http().get('/test/forbidden').expect(403);
    expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: ['Forbidden'] });
  });

  it('keeps a body of its own (a health report) whole', async () => {
    const res = await http().get('/test/unhealthy').expect(503);
    expect(res.body).toEqual({ status: 'error', error: { database: 'down' } });
  });

  it('answers an unknown route with 404 naming the path', async () => {
    const res = await http().get('/test/nowhere').expect(404);
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: ['path: no route for GET /test/nowhere'],
    });
  });

  it('answers an unexpected error with a generic 500 and logs it with its stack', async () => {
    const res = await http().get('/test/boom').expect(500);
    expect(res.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: ['server: an unexpected error occurred; it has been logged'],
    });
    expect(JSON.stringify(res.body)).not.toContain('s3cret');
    expect(logged).toHaveBeenCalledTimes(1);
    const [message, stack] = logged.mock.calls[0] as [string, string];
    expect(message).toContain('GET /test/boom');
    expect(message).toContain(INTERNALS);
    expect(stack).toMatch(/^Error: connection to .*\n\s+at /);
  });

  it('does not log what it expects', async () => {
    await http().post('/test/upgrade').expect(422);
    await http().post('/test/deregistration').send({}).expect(400);
    expect(logged).not.toHaveBeenCalled();
  });
});

describe('toApiError', () => {
  it('answers a body-parser error that reached it unconverted', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), {
      type: 'entity.too.large',
      status: 413,
      expose: true,
    });
    expect(toApiError(tooLarge)).toEqual({
      status: 413,
      body: {
        statusCode: 413,
        error: 'Payload Too Large',
        message: ['body: larger than the 1 MB limit'],
      },
      unexpected: false,
    });
  });

  it("answers the router's URIError for a path it cannot decode with 400 naming the path", () => {
    const uriError = Object.assign(new URIError("Failed to decode param '%ZZ'"), { status: 400 });
    expect(toApiError(uriError)).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: ['path: malformed percent-encoding'],
      },
      unexpected: false,
    });
    expect(toApiError(new URIError('URI malformed'))).toMatchObject({ status: 500 });
  });

  it('answers a version conflict on a stream that should not exist', () => {
    expect(toApiError(new WrongExpectedVersionError('agency-x', 'no-stream', 3)).body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: ['If-Match: stream is at version 3, not no-stream'],
      currentVersion: 3,
    });
  });

  it.each([null, undefined, 'a string', 42, { type: 42 }])(
    'answers %p thrown with 500',
    (thrown) => {
      expect(toApiError(thrown)).toMatchObject({ status: 500, unexpected: true });
    },
  );
});
