/**
 * Accounts and sign-in (API.md v1.1, issue 12 item 1; ADR 022): the first administrator from
 * LEDGER_ADMIN_PASSWORD, sign-in and sign-out, the session cookie and its CSRF token, the
 * failed-sign-in limit, an agency's main account and its sub-accounts (seed 002 §七.10), and
 * a disabled account whose sessions end at once.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, CODES, startTestApp, type TestApp } from './support/app';
import { freshUscc } from './support/fixtures';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

const ADMIN_PASSWORD = 'first-admin-password-2026';
const asAdmin = bearer(actors.admin);

interface LoginAnswer {
  token: string;
  expiresAt: string;
  csrfToken: string;
  user: { userId: string; username: string; role: string; uscc?: string };
}

/** The cookies a response sets, as `name=value` pairs for a Cookie header. */
function cookiesOf(res: request.Response): Record<string, string> {
  const set = res.headers['set-cookie'] as unknown as string[] | undefined;
  return Object.fromEntries(
    (set ?? []).map((line) => {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

describe('accounts and sign-in', () => {
  let t: TestApp;
  let http: App;

  const login = (username: string, password: string) =>
    request(http).post('/api/v1/auth/login').send({ username, password });

  /** Signs in (waiting for the first administrator's row on a fresh app). */
  async function signIn(username: string, password: string): Promise<request.Response> {
    for (let attempt = 0; ; attempt++) {
      const res = await login(username, password);
      if (res.status === 200 || attempt >= 50) return res;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const createUser = (token: string, body: object) =>
    request(http).post('/api/v1/users').set('Authorization', token).send(body);

  beforeAll(async () => {
    t = await startTestApp('accounts', {
      env: {
        LEDGER_ADMIN_PASSWORD: ADMIN_PASSWORD,
        LEDGER_FAILED_LOGINS_PER_USERNAME: '3',
        LEDGER_FAILED_LOGINS_PER_ADDRESS: '1000',
      },
    });
    http = t.app.getHttpServer();
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('creates the first administrator from LEDGER_ADMIN_PASSWORD, who signs in', async () => {
    const res = await signIn('admin', ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    const body = res.body as LoginAnswer;
    expect(body.user).toEqual({
      userId: 'admin',
      username: 'admin',
      role: 'admin',
      displayName: 'Administrator',
    });
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    const cookies = res.headers['set-cookie'] as unknown as string[];
    const session = cookies.find((line) => line.startsWith('ledger_session='));
    const csrf = cookies.find((line) => line.startsWith('ledger_csrf='));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(session).toMatch(/Path=\//);
    expect(session).not.toMatch(/Secure/i); // plain http here
    expect(csrf).not.toMatch(/HttpOnly/i);
    expect(csrf).toMatch(/SameSite=Strict/i);
    expect(cookiesOf(res).ledger_csrf).toBe(body.csrfToken);
  });

  it('answers 401 for a wrong password and for an unknown username, telling neither apart', async () => {
    const wrong = await login('admin', 'not-the-password');
    const unknown = await login('nobody-here', 'whatever-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('answers 400 naming the field for a sign-in without a password', async () => {
    const res = await request(http).post('/api/v1/auth/login').send({ username: 'admin' });
    expect(res.status).toBe(400);
    expect((res.body as { message: string[] }).message.join()).toMatch(/^password:/);
  });

  it('answers 429 after repeated failures for one username, even with the right password', async () => {
    const { status } = await createUser(asAdmin, {
      username: 'guessed-user',
      password: 'the-right-password',
      role: 'auditor',
    });
    expect(status).toBe(201);
    for (let i = 0; i < 3; i++)
      expect((await login('guessed-user', `wrong-${i}-password`)).status).toBe(401);
    const blocked = await login('guessed-user', 'the-right-password');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Another username from the same address is not blocked.
    expect((await login('admin', ADMIN_PASSWORD)).status).toBe(200);
  });

  describe('a browser session (cookie)', () => {
    let cookie: string;
    let csrf: string;

    beforeAll(async () => {
      const res = await signIn('admin', ADMIN_PASSWORD);
      const cookies = cookiesOf(res);
      cookie = `ledger_session=${cookies.ledger_session}; ledger_csrf=${cookies.ledger_csrf}`;
      csrf = (res.body as LoginAnswer).csrfToken;
    });

    it('reads with the cookie alone: GET /auth/me', async () => {
      const res = await request(http).get('/api/v1/auth/me').set('Cookie', cookie).expect(200);
      expect(res.body).toEqual({
        userId: 'admin',
        username: 'admin',
        role: 'admin',
        displayName: 'Administrator',
      });
    });

    it('refuses a write without X-CSRF-Token (403) and records nothing', async () => {
      const res = await request(http)
        .post('/api/v1/users')
        .set('Cookie', cookie)
        .send({ username: 'csrf-victim', password: 'some-long-password', role: 'auditor' });
      expect(res.status).toBe(403);
      expect((res.body as { message: string[] }).message.join()).toMatch(/x-csrf-token/i);
      const wrong = await request(http)
        .post('/api/v1/users')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', `${csrf}x`)
        .send({ username: 'csrf-victim', password: 'some-long-password', role: 'auditor' });
      expect(wrong.status).toBe(403);
      const list = await request(http).get('/api/v1/users').set('Cookie', cookie).expect(200);
      expect((list.body as { username: string }[]).map((u) => u.username)).not.toContain(
        'csrf-victim',
      );
    });

    it('accepts the write with the header', async () => {
      const res = await request(http)
        .post('/api/v1/users')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', csrf)
        .send({ username: 'csrf-ok', password: 'some-long-password', role: 'auditor' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ userId: expect.any(String) as string });
    });

    it('lets Bearer clients write without a CSRF header', async () => {
      const { token } = (await signIn('admin', ADMIN_PASSWORD)).body as LoginAnswer;
      const res = await createUser(`Bearer ${token}`, {
        username: 'bearer-made',
        password: 'some-long-password',
        role: 'reviewer',
      });
      expect(res.status).toBe(201);
    });

    it('409 for a taken username, in any case', async () => {
      const res = await createUser(asAdmin, {
        username: 'CSRF-OK',
        password: 'some-long-password',
        role: 'auditor',
      });
      expect(res.status).toBe(409);
      expect((res.body as { message: string[] }).message.join()).toMatch(/^username:/);
    });
  });

  it('signs out: 204, both cookies cleared, and the session token stops working', async () => {
    const res = await signIn('admin', ADMIN_PASSWORD);
    const { token, csrfToken } = res.body as LoginAnswer;
    const cookies = cookiesOf(res);
    const cookie = `ledger_session=${cookies.ledger_session}; ledger_csrf=${cookies.ledger_csrf}`;
    // Sign-out is a write: with the cookie it needs the CSRF token too.
    await request(http).post('/api/v1/auth/logout').set('Cookie', cookie).expect(403);
    const out = await request(http)
      .post('/api/v1/auth/logout')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrfToken)
      .expect(204);
    const cleared = out.headers['set-cookie'] as unknown as string[];
    expect(cleared.find((l) => l.startsWith('ledger_session=;'))).toMatch(
      /Expires=Thu, 01 Jan 1970/,
    );
    expect(cleared.find((l) => l.startsWith('ledger_csrf=;'))).toBeDefined();
    await request(http).get('/api/v1/auth/me').set('Cookie', cookie).expect(401);
    await request(http).get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  describe('passwords (seed 002 §七.10–11)', () => {
    const changePassword = (session: string, body: object) =>
      request(http)
        .post('/api/v1/auth/password')
        .set('Authorization', `Bearer ${session}`)
        .send(body);

    it('a user changes their own: the current one is asked for, every earlier session ends', async () => {
      const name = `pw-${freshUscc().toLowerCase()}`;
      expect(
        (
          await createUser(asAdmin, {
            username: name,
            password: 'first-password-1',
            role: 'auditor',
          })
        ).status,
      ).toBe(201);
      const first = ((await signIn(name, 'first-password-1')).body as LoginAnswer).token;
      const second = ((await login(name, 'first-password-1')).body as LoginAnswer).token;
      // The wrong current password changes nothing.
      const wrong = await changePassword(first, {
        currentPassword: 'not-it-at-all',
        newPassword: 'second-password-2',
      });
      expect(wrong.status).toBe(401);
      expect((wrong.body as { message: string[] }).message.join()).toMatch(/^currentPassword/);
      // A new password too short is a 400 naming the field.
      const short = await changePassword(first, {
        currentPassword: 'first-password-1',
        newPassword: 'x',
      });
      expect(short.status).toBe(400);
      expect((short.body as { message: string[] }).message.join()).toMatch(/newPassword/);
      await request(http)
        .get('/api/v1/auth/me')
        .set('Authorization', `Bearer ${first}`)
        .expect(200);

      const done = await changePassword(first, {
        currentPassword: 'first-password-1',
        newPassword: 'second-password-2',
      });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ sessionsEnded: true, eventIds: [expect.any(String)] });
      const cleared = done.headers['set-cookie'] as unknown as string[];
      expect(cleared.find((l) => l.startsWith('ledger_session=;'))).toBeDefined();
      for (const session of [first, second]) {
        await request(http)
          .get('/api/v1/auth/me')
          .set('Authorization', `Bearer ${session}`)
          .expect(401);
      }
      expect((await login(name, 'first-password-1')).status).toBe(401);
      expect((await login(name, 'second-password-2')).status).toBe(200);
    });

    it('a machine token names no account: no password to change (403)', async () => {
      await request(http)
        .post('/api/v1/auth/password')
        .set('Authorization', asAdmin)
        .send({ currentPassword: 'whatever-it-is', newPassword: 'second-password-2' })
        .expect(403);
    });

    it("an administrator resets another's password; the account's sessions end; never one's own", async () => {
      const name = `reset-${freshUscc().toLowerCase()}`;
      const made = await createUser(asAdmin, {
        username: name,
        password: 'forgotten-password',
        role: 'reviewer',
      });
      const { userId } = made.body as { userId: string };
      const session = ((await signIn(name, 'forgotten-password')).body as LoginAnswer).token;
      const adminSession = ((await signIn('admin', ADMIN_PASSWORD)).body as LoginAnswer).token;
      const reset = (by: string, id: string, password: string) =>
        request(http)
          .post(`/api/v1/users/${id}/password`)
          .set('Authorization', by)
          .send({ password });
      // The reviewer manages no account.
      await reset(`Bearer ${session}`, userId, 'not-allowed-here').expect(403);
      await reset(`Bearer ${adminSession}`, 'admin', 'admin-new-password').expect(403);
      await reset(`Bearer ${adminSession}`, userId, 'x').expect(400);
      const done = await reset(`Bearer ${adminSession}`, userId, 'reset-by-admin-1').expect(201);
      expect(done.body).toMatchObject({ userId, sessionsEnded: true });
      await request(http)
        .get('/api/v1/auth/me')
        .set('Authorization', `Bearer ${session}`)
        .expect(401);
      expect((await login(name, 'forgotten-password')).status).toBe(401);
      expect((await login(name, 'reset-by-admin-1')).status).toBe(200);
      // A disabled account gets no new password: 422 with its article.
      await request(http)
        .post(`/api/v1/users/${userId}/disable`)
        .set('Authorization', asAdmin)
        .send({ reason: '调岗' })
        .expect(201);
      const refused = await reset(`Bearer ${adminSession}`, userId, 'reset-by-admin-2');
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ article: 'ledger-account-disabled' });
    });
  });

  it('serves the OpenAPI document committed as docs/openapi.json', async () => {
    const { readFileSync } = await import('node:fs');
    const served = (await request(http).get('/api/docs-json').expect(200)).body as object;
    expect(served).toEqual(JSON.parse(readFileSync(`${__dirname}/../docs/openapi.json`, 'utf8')));
  });

  it('/auth/me without a session or token is 401', async () => {
    await request(http).get('/api/v1/auth/me').expect(401);
  });

  describe("an agency's main account and its sub-accounts (seed 002 §七.10)", () => {
    const uscc = freshUscc();
    let main: string;
    let subId: string;

    beforeAll(async () => {
      const created = await createUser(asAdmin, {
        username: `main-${uscc}`,
        password: 'agency-main-password',
        role: 'agency',
        uscc,
        displayName: '备案主账号',
      });
      expect(created.status).toBe(201);
      main = `Bearer ${((await signIn(`main-${uscc}`, 'agency-main-password')).body as LoginAnswer).token}`;
    });

    it('says main: true in /auth/me', async () => {
      const res = await request(http).get('/api/v1/auth/me').set('Authorization', main).expect(200);
      expect(res.body).toMatchObject({ role: 'agency', uscc, main: true });
    });

    it('a second main account for the agency is 409', async () => {
      const res = await createUser(asAdmin, {
        username: `main2-${uscc}`,
        password: 'agency-main-password',
        role: 'agency',
        uscc,
      });
      expect(res.status).toBe(409);
    });

    it('creates a sub-account of its own USCC', async () => {
      const res = await createUser(main, {
        username: `sub-${uscc}`,
        password: 'agency-sub-password',
        role: 'agency',
      });
      expect(res.status).toBe(201);
      subId = (res.body as { userId: string }).userId;
      const me = await signIn(`sub-${uscc}`, 'agency-sub-password');
      expect((me.body as LoginAnswer).user).toMatchObject({ role: 'agency', uscc });
    });

    it('may not create an account of another USCC, another role or another main one (403)', async () => {
      for (const body of [
        { role: 'agency', uscc: CODES.C },
        { role: 'regulator', jurisdiction: 'beijing' },
        { role: 'admin' },
        { role: 'agency', uscc, main: true },
      ]) {
        const res = await createUser(main, {
          username: `x-${Math.random().toString(36).slice(2, 10)}`,
          password: 'some-long-password',
          ...body,
        });
        expect({ body, status: res.status }).toEqual({ body, status: 403 });
      }
    });

    it('lists its own agency accounts only', async () => {
      const res = await request(http).get('/api/v1/users').set('Authorization', main).expect(200);
      const listed = res.body as { uscc: string; username: string; passwordHash?: string }[];
      expect(listed.map((u) => u.username).sort()).toEqual([`main-${uscc}`, `sub-${uscc}`]);
      expect(listed.every((u) => u.passwordHash === undefined)).toBe(true);
    });

    it('a sub-account manages nothing (403)', async () => {
      const sub = `Bearer ${((await signIn(`sub-${uscc}`, 'agency-sub-password')).body as LoginAnswer).token}`;
      await request(http).get('/api/v1/users').set('Authorization', sub).expect(403);
      const res = await createUser(sub, {
        username: `subsub-${uscc}`,
        password: 'some-long-password',
        role: 'agency',
      });
      expect(res.status).toBe(403);
    });

    it('a machine agency token (no account) is no main account (403)', async () => {
      await request(http)
        .get('/api/v1/users')
        .set('Authorization', bearer(actors.agency(uscc)))
        .expect(403);
    });

    it("another agency's main account may not disable this one's sub-account (403)", async () => {
      const other = freshUscc();
      await createUser(asAdmin, {
        username: `main-${other}`,
        password: 'agency-main-password',
        role: 'agency',
        uscc: other,
      }).expect(201);
      const otherMain = `Bearer ${((await signIn(`main-${other}`, 'agency-main-password')).body as LoginAnswer).token}`;
      await request(http)
        .post(`/api/v1/users/${subId}/disable`)
        .set('Authorization', otherMain)
        .send({})
        .expect(403);
    });

    it('disables its sub-account: the sub-account session stops at once, sign-in too', async () => {
      const session = ((await signIn(`sub-${uscc}`, 'agency-sub-password')).body as LoginAnswer)
        .token;
      await request(http)
        .get('/api/v1/auth/me')
        .set('Authorization', `Bearer ${session}`)
        .expect(200);
      const res = await request(http)
        .post(`/api/v1/users/${subId}/disable`)
        .set('Authorization', main)
        .send({ reason: '员工离职' });
      expect(res.status).toBe(201);
      const me = await request(http)
        .get('/api/v1/auth/me')
        .set('Authorization', `Bearer ${session}`);
      expect(me.status).toBe(401);
      expect((me.body as { message: string[] }).message.join()).toMatch(/disabled/);
      expect((await login(`sub-${uscc}`, 'agency-sub-password')).status).toBe(401);
      const listed = await request(http)
        .get('/api/v1/users')
        .set('Authorization', main)
        .expect(200);
      expect(
        (listed.body as { userId: string; disabled: boolean }[]).find((u) => u.userId === subId),
      ).toMatchObject({
        disabled: true,
      });
    });
  });

  it('lets exactly one of concurrent creations of one username win; the others are 409', async () => {
    const statuses = await Promise.all(
      ['Race-Name', 'race-name', 'RACE-NAME', 'race-name'].map(
        async (username) =>
          (
            await createUser(asAdmin, {
              username,
              password: 'some-long-password',
              role: 'auditor',
            })
          ).status,
      ),
    );
    expect(statuses.sort()).toEqual([201, 409, 409, 409]);
    const list = await request(http).get('/api/v1/users').set('Authorization', asAdmin).expect(200);
    expect(
      (list.body as { username: string }[]).filter((u) => u.username.toLowerCase() === 'race-name'),
    ).toHaveLength(1);
  });

  it('400 names the field that does not belong to the role', async () => {
    const res = await createUser(asAdmin, {
      username: 'bad-scope',
      password: 'some-long-password',
      role: 'regulator',
    });
    expect(res.status).toBe(400);
    expect((res.body as { message: string[] }).message.join()).toMatch(/^jurisdiction:/);
    const agencyWithJurisdiction = await createUser(asAdmin, {
      username: 'bad-scope',
      password: 'some-long-password',
      role: 'agency',
      uscc: CODES.A,
      jurisdiction: 'beijing',
    });
    expect(agencyWithJurisdiction.status).toBe(400);
  });

  it('a regulator account signs in with its jurisdiction and authority', async () => {
    await createUser(asAdmin, {
      username: 'urumqi-market',
      password: 'regulator-password',
      role: 'regulator',
      jurisdiction: 'urumqi',
      authority: 'market-regulation',
    }).expect(201);
    const res = await signIn('urumqi-market', 'regulator-password');
    expect((res.body as LoginAnswer).user).toMatchObject({
      role: 'regulator',
      jurisdiction: 'urumqi',
    });
    const me = await request(http)
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${(res.body as LoginAnswer).token}`)
      .expect(200);
    expect(me.body).toMatchObject({ authority: 'market-regulation' });
  });

  it('records every account change as an event of its stream, with who made it', async () => {
    const { userId } = (
      await createUser(asAdmin, {
        username: 'audited-user',
        password: 'some-long-password',
        role: 'reviewer',
      }).expect(201)
    ).body as { userId: string };
    await request(http)
      .post(`/api/v1/users/${userId}/disable`)
      .set('Authorization', asAdmin)
      .send({})
      .expect(201);
    const { Client } = await import('pg');
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{
        type: string;
        actor: string;
        data: Record<string, unknown>;
      }>(
        "SELECT type, metadata->>'actor' AS actor, data FROM ledger_events WHERE stream_id = $1 ORDER BY version",
        [`user-${userId}`],
      );
      expect(rows.map((r) => [r.type, r.actor])).toEqual([
        ['UserCreated', actors.admin.sub],
        ['UserDisabled', actors.admin.sub],
      ]);
      expect(JSON.stringify(rows)).not.toContain('some-long-password');
    } finally {
      await client.end();
    }
  });
});
