import { HOOK_TIMEOUT_MS } from '../../../../test/support/timeouts';
import { Controller, Get, Global, Module, type INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { LedgerConfig } from '../config';
import { LEDGER_CONFIG } from '../tokens';
import type { Actor } from './actor';
import { AuthModule } from './auth.module';
import { CurrentActor, Public, Roles } from './decorators';
import { signToken } from './sign-token';

const SECRET = 'guard-spec-secret';
const BEIJING_REGULATOR: Actor = { sub: 'r-1', role: 'regulator', jurisdiction: 'beijing' };
const AUDITOR: Actor = { sub: 'au-1', role: 'auditor' };

@Controller('probe')
class ProbeController {
  @Public()
  @Get('public')
  open(@CurrentActor() actor: Actor | undefined) {
    return { actor: actor ?? null };
  }

  @Get('any')
  anyRole(@CurrentActor() actor: Actor | undefined) {
    return { actor };
  }

  @Roles('regulator')
  @Get('regulators/:uscc')
  regulatorsOnly(@CurrentActor() actor: Actor | undefined) {
    return { actor };
  }
}

@Roles('auditor')
@Controller('audit')
class AuditController {
  @Get()
  read() {
    return { ok: true };
  }

  @Roles('reviewer')
  @Get('reviewers')
  reviewers() {
    return { ok: true };
  }
}

/** What AppModule.forRoot provides in the app. */
@Global()
@Module({
  providers: [{ provide: LEDGER_CONFIG, useValue: { jwtSecret: SECRET } as LedgerConfig }],
  exports: [LEDGER_CONFIG],
})
class ConfigStubModule {}

const raw = new JwtService();
const now = () => Math.floor(Date.now() / 1000);
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('AuthGuard', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigStubModule, ThrottlerModule.forRoot([]), AuthModule],
      controllers: [ProbeController, AuditController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await app.close();
  }, HOOK_TIMEOUT_MS);

  const get = (path: string, token?: string) => {
    const call = request(app.getHttpServer()).get(path);
    return token === undefined ? call : call.set('Authorization', `Bearer ${token}`);
  };

  function expectUnauthorized(body: unknown, prefix = 'authorization: ') {
    expect(body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: [expect.stringMatching(new RegExp(`^${prefix}`))],
    });
  }

  describe('on a protected route', () => {
    it('answers 401 without a token, and says Bearer', async () => {
      const response = await get('/probe/any').expect(401);
      expectUnauthorized(response.body);
      expect(response.body.message).toEqual(['authorization: a Bearer token is required']);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });

    it('answers 401 to another scheme', async () => {
      const response = await request(app.getHttpServer())
        .get('/probe/any')
        .set('Authorization', 'Basic dXNlcjpwYXNz')
        .expect(401);
      expect(response.body.message).toEqual(['authorization: must be "Bearer <token>"']);
    });

    it('answers 401 to garbage', async () => {
      const response = await get('/probe/any', 'not.a.jwt').expect(401);
      expectUnauthorized(response.body);
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    });

    it('answers 401 to a token signed with another secret', async () => {
      const response = await get('/probe/any', signToken(AUDITOR, 'another-secret')).expect(401);
      expect(response.body.message).toEqual(['authorization: invalid token (invalid signature)']);
    });

    it('answers 401 to an unsigned `alg: none` token', async () => {
      const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...AUDITOR, iat: now() })}.`;
      const response = await get('/probe/any', unsigned).expect(401);
      expectUnauthorized(response.body);
    });

    it('answers 401 to another algorithm, even with the right secret', async () => {
      const hs512 = raw.sign({ ...AUDITOR }, { secret: SECRET, algorithm: 'HS512' });
      const response = await get('/probe/any', hs512).expect(401);
      expect(response.body.message).toEqual(['authorization: invalid token (invalid algorithm)']);
    });

    it('answers 401 to an expired token', async () => {
      const expired = raw.sign({ ...AUDITOR, exp: now() - 60 }, { secret: SECRET });
      const response = await get('/probe/any', expired).expect(401);
      expect(response.body.message).toEqual([
        expect.stringMatching(/^authorization: the token expired at \d{4}-/),
      ]);
    });

    it('answers 401 to a token without exp: it would never expire', async () => {
      const forever = raw.sign({ ...AUDITOR }, { secret: SECRET, algorithm: 'HS256' });
      const response = await get('/probe/any', forever).expect(401);
      expect(response.body.message).toEqual([
        'authorization: the token must carry exp (its expiry)',
      ]);
    });

    it('answers 401 to a token that lives longer than allowed (36 h by default)', async () => {
      const long = signToken(AUDITOR, SECRET, '37h');
      const response = await get('/probe/any', long).expect(401);
      expect(response.body.message).toEqual([
        expect.stringMatching(
          /^authorization: the token lives 133200 s, longer than the 129600 s allowed$/,
        ),
      ]);
      await get('/probe/any', signToken(AUDITOR, SECRET, '36h')).expect(200);
    });

    it.each([
      ['an unknown role', { sub: 'x', role: 'superuser' }],
      ['a regulator without jurisdiction', { sub: 'x', role: 'regulator' }],
      [
        'a regulator of an unknown jurisdiction',
        { sub: 'x', role: 'regulator', jurisdiction: 'shanghai' },
      ],
      ['an agency without uscc', { sub: 'x', role: 'agency' }],
      ['no sub', { role: 'auditor' }],
    ])('answers 401 to a valid signature over %s', async (_name, claims) => {
      const token = raw.sign(claims, { secret: SECRET, algorithm: 'HS256' });
      const response = await get('/probe/any', token).expect(401);
      expectUnauthorized(response.body, 'token: ');
    });

    it('lets any authenticated role through where no @Roles is set', async () => {
      const response = await get('/probe/any', signToken(AUDITOR, SECRET)).expect(200);
      expect(response.body).toEqual({ actor: AUDITOR });
    });

    it('answers 403 to a role not in @Roles, naming the role and the route', async () => {
      const response = await get('/probe/regulators/X', signToken(AUDITOR, SECRET)).expect(403);
      expect(response.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: [
          'role: auditor may not call GET /probe/regulators/:uscc (allowed: regulator, admin)',
        ],
      });
    });

    it('lets the role in @Roles through, with its actor', async () => {
      const response = await get(
        '/probe/regulators/X',
        signToken(BEIJING_REGULATOR, SECRET),
      ).expect(200);
      expect(response.body).toEqual({ actor: BEIJING_REGULATOR });
    });

    it('lets admin through wherever regulator is allowed', async () => {
      await get('/probe/regulators/X', signToken({ sub: 'ad', role: 'admin' }, SECRET)).expect(200);
    });

    it('reads @Roles on the class, and on the method over it', async () => {
      await get('/audit', signToken(AUDITOR, SECRET)).expect(200);
      await get('/audit', signToken(BEIJING_REGULATOR, SECRET)).expect(403);
      await get('/audit/reviewers', signToken(AUDITOR, SECRET)).expect(403);
      await get('/audit/reviewers', signToken({ sub: 'rv', role: 'reviewer' }, SECRET)).expect(200);
    });
  });

  describe('on a public route', () => {
    it('answers anonymously without a token', async () => {
      const response = await get('/probe/public').expect(200);
      expect(response.body).toEqual({ actor: null });
    });

    it('still reads a valid token', async () => {
      const response = await get('/probe/public', signToken(BEIJING_REGULATOR, SECRET)).expect(200);
      expect(response.body).toEqual({ actor: BEIJING_REGULATOR });
    });

    it.each([
      ['garbage', 'not.a.jwt'],
      ['another secret', signToken(AUDITOR, 'another-secret')],
      ['an expired token', raw.sign({ ...AUDITOR, exp: now() - 60 }, { secret: SECRET })],
      ['bad claims', raw.sign({ sub: 'x', role: 'regulator' }, { secret: SECRET })],
    ])('treats %s as anonymous', async (_name, token) => {
      const response = await get('/probe/public', token).expect(200);
      expect(response.body).toEqual({ actor: null });
    });
  });
});
