/**
 * Who may call what (API.md, Conventions: Auth), route × caller, over every route of the app.
 * No or a bad token on a protected route is 401; a role, jurisdiction or USCC that may not act
 * is 403 and changes nothing; a caller that may act gets the route's success status on a target
 * of its own (a fresh agency, person or piece of equipment), so that no call sees another's
 * changes. The agency is in Beijing: the Chongqing regulator may read its stream (masked) but
 * never write to it. An admin may do whatever a regulator may, and nothing only an agency may.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { JwtService } from '@nestjs/jwt';
import { signToken } from '../apps/ledger-api/src/auth/sign-token';
import {
  actors,
  bearer,
  CODES,
  registrationBody,
  startTestApp,
  TEST_JWT_SECRET,
  type TestApp,
} from './support/app';
import { freshResidentId, freshUscc, Ledger } from './support/fixtures';

const CALLERS = [
  'anonymous',
  'bad token',
  'admin',
  'beijing regulator',
  'chongqing regulator',
  'own agency',
  'other agency',
  'reviewer',
  'auditor',
] as const;
type Caller = (typeof CALLERS)[number];

/** The `Authorization` header of a caller acting on agency `uscc` (none when anonymous). */
function tokenOf(caller: Caller, uscc: string): string | undefined {
  switch (caller) {
    case 'anonymous':
      return undefined;
    case 'bad token':
      // A regulator who may act, but signed with another secret.
      return `Bearer ${signToken(actors.beijing, 'not-the-ledger-secret')}`;
    case 'admin':
      return bearer(actors.admin);
    case 'beijing regulator':
      return bearer(actors.beijing);
    case 'chongqing regulator':
      return bearer(actors.chongqing);
    case 'own agency':
      return bearer(actors.agency(uscc));
    case 'other agency':
      return bearer(actors.agency(CODES.C));
    case 'reviewer':
      return bearer(actors.reviewer);
    case 'auditor':
      return bearer(actors.auditor);
  }
}

/** One call: the agency it is about, where to send it and what. */
interface Target {
  uscc: string;
  path: string;
  body?: object;
}

/** The agency every refused call and every read is made against (set up in beforeAll). */
interface Shared {
  uscc: string;
  personId: string;
  equipmentId: string;
}

interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** `public`: anyone, token or not; else the callers that may (API.md, "who"). */
  access: 'public' | readonly Caller[];
  /** A target on which an allowed caller's call succeeds. */
  fresh(ledger: Ledger, shared: Shared): Promise<Target>;
  /** The target of refused calls (must not change) and of reads. */
  shared(shared: Shared): Target;
}

const REGULATOR: readonly Caller[] = ['admin', 'beijing regulator'];
const AGENCY_OR_REGULATOR: readonly Caller[] = ['admin', 'beijing regulator', 'own agency'];
const OWN_AGENCY: readonly Caller[] = ['own agency'];
const agencies = '/api/v1/agencies';

const inspection = {
  inspectedAt: '2026-11-12',
  method: 'on-site',
  findings: [{ code: 'record-keeping', description: '原始记录不完整' }],
  measures: ['written-notice'],
};
const penalty = {
  decisionNumber: '京环罚〔2026〕118号',
  decidedAt: '2026-11-13',
  violationType: 'untrue-report',
  legalBasis: '《生态环境监测条例》第三十九条',
  content: '罚款人民币五万元',
  fineYuan: 50000,
};
const creditFinding = { kind: 'credit-bad', article: 'beijing-9-3', decidedAt: '2026-11-13' };
const change = {
  changes: { addresses: { registered: '北京市海淀区', workplace: '北京市海淀区某路2号' } },
  changedAt: '2026-11-20',
};
const person = () => ({
  idNumber: freshResidentId(),
  name: '李四',
  role: 'field-sampling',
  joinedAt: '2026-03-01',
});

/** A command route on an existing agency: a fresh approved agency, or the shared one. */
function onAgency(
  suffix: string,
  access: readonly Caller[],
  body: () => object,
  options: { pending?: boolean } = {},
): Route {
  return {
    method: 'POST',
    path: `${agencies}/:uscc/${suffix}`,
    access,
    fresh: async (ledger) => {
      const uscc = await ledger.agency({ approve: !options.pending });
      return { uscc, path: `${agencies}/${uscc}/${suffix}`, body: body() };
    },
    shared: ({ uscc }) => ({ uscc, path: `${agencies}/${uscc}/${suffix}`, body: body() }),
  };
}

const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: agencies,
    access: AGENCY_OR_REGULATOR,
    fresh: () => {
      const uscc = freshUscc();
      return Promise.resolve({ uscc, path: agencies, body: registrationBody(uscc) });
    },
    shared: () => {
      const uscc = freshUscc();
      return { uscc, path: agencies, body: registrationBody(uscc) };
    },
  },
  onAgency('review', REGULATOR, () => ({ outcome: 'approved' }), { pending: true }),
  onAgency('changes', AGENCY_OR_REGULATOR, () => change),
  onAgency('personnel', AGENCY_OR_REGULATOR, person),
  {
    method: 'POST',
    path: `${agencies}/:uscc/personnel/:personId/departure`,
    access: AGENCY_OR_REGULATOR,
    fresh: async (ledger) => {
      const uscc = await ledger.agency();
      const personId = await ledger.person(uscc);
      return {
        uscc,
        path: `${agencies}/${uscc}/personnel/${personId}/departure`,
        body: { leftAt: '2026-11-01', proof: '离职证明编号 2026-118' },
      };
    },
    shared: ({ uscc, personId }) => ({
      uscc,
      path: `${agencies}/${uscc}/personnel/${personId}/departure`,
      body: { leftAt: '2026-11-01', proof: '离职证明编号 2026-118' },
    }),
  },
  {
    method: 'POST',
    path: `${agencies}/:uscc/personnel/:personId/status`,
    access: AGENCY_OR_REGULATOR,
    fresh: async (ledger) => {
      const uscc = await ledger.agency();
      const personId = await ledger.person(uscc);
      return {
        uscc,
        path: `${agencies}/${uscc}/personnel/${personId}/status`,
        body: { status: 'non-technical', changedAt: '2026-11-10' },
      };
    },
    shared: ({ uscc, personId }) => ({
      uscc,
      path: `${agencies}/${uscc}/personnel/${personId}/status`,
      body: { status: 'non-technical', changedAt: '2026-11-10' },
    }),
  },
  onAgency('equipment', OWN_AGENCY, () => ({ name: '采样器', model: 'KB-6120' })),
  {
    method: 'POST',
    path: `${agencies}/:uscc/equipment/:equipmentId/scrap`,
    access: OWN_AGENCY,
    fresh: async (ledger) => {
      const uscc = await ledger.agency();
      const equipmentId = await ledger.equipment(uscc);
      return {
        uscc,
        path: `${agencies}/${uscc}/equipment/${equipmentId}/scrap`,
        body: { scrappedAt: '2026-11-15' },
      };
    },
    shared: ({ uscc, equipmentId }) => ({
      uscc,
      path: `${agencies}/${uscc}/equipment/${equipmentId}/scrap`,
      body: { scrappedAt: '2026-11-15' },
    }),
  },
  onAgency('inspections', REGULATOR, () => inspection),
  onAgency('penalties', REGULATOR, () => penalty),
  onAgency('credit-findings', REGULATOR, () => creditFinding),
  onAgency('deregistration', AGENCY_OR_REGULATOR, () => ({ reason: 'voluntary' })),
  ...(
    [
      [agencies, 'public', () => `${agencies}?jurisdiction=beijing`],
      [`${agencies}/:uscc`, 'public', (uscc: string) => `${agencies}/${uscc}`],
      [
        `${agencies}/:uscc/events`,
        ['admin', 'beijing regulator', 'chongqing regulator', 'auditor'],
        (uscc: string) => `${agencies}/${uscc}/events`,
      ],
      // issue 4: verify is for auditor and admin.
      ['/api/v1/ledger/verify', ['auditor', 'admin'], () => '/api/v1/ledger/verify'],
      ['/health', 'public', () => '/health'],
    ] as const
  ).map(([path, access, to]): Route => ({
    method: 'GET',
    path,
    access,
    fresh: (_ledger, { uscc }) => Promise.resolve({ uscc, path: to(uscc) }),
    shared: ({ uscc }) => ({ uscc, path: to(uscc) }),
  })),
];

type Expected = 200 | 201 | 401 | 403;

function expectedOf(route: Route, caller: Caller): Expected {
  const ok = route.method === 'GET' ? 200 : 201;
  if (route.access === 'public') return ok;
  if (caller === 'anonymous' || caller === 'bad token') return 401;
  return route.access.includes(caller) ? ok : 403;
}

const CASES = ROUTES.flatMap((route) =>
  CALLERS.map((caller) => ({
    route,
    caller,
    expected: expectedOf(route, caller),
    name: `${route.method} ${route.path} × ${caller} → ${expectedOf(route, caller)}`,
  })),
);

const jwt = new JwtService();
const signed = (claims: object, algorithm: 'HS256' | 'HS512' = 'HS256') =>
  `Bearer ${jwt.sign(claims, { secret: TEST_JWT_SECRET, algorithm })}`;
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** Headers that identify nobody: each a 401 on a protected route, anonymous on a public one. */
const BAD_TOKENS: readonly [string, () => string][] = [
  ['signed with another secret', () => `Bearer ${signToken(actors.admin, 'another-secret')}`],
  ['expired', () => signed({ ...actors.beijing, exp: now() - 60 })],
  ['not valid yet', () => signed({ ...actors.beijing, nbf: now() + 3600 })],
  [
    'unsigned (alg none)',
    () => `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(actors.admin)}.`,
  ],
  ['signed with HS512', () => signed(actors.admin, 'HS512')],
  ['not a JWT', () => 'Bearer abc.def.ghi'],
  ['Basic scheme', () => `Basic ${Buffer.from('admin:admin').toString('base64')}`],
  ['Bearer without a token', () => 'Bearer'],
  ['two tokens', () => `${bearer(actors.admin)} ${bearer(actors.admin).slice(7)}`],
  ['empty', () => ''],
  ['no sub', () => signed({ role: 'admin' })],
  ['unknown role', () => signed({ sub: 'x', role: 'superuser' })],
  ['regulator without jurisdiction', () => signed({ sub: 'x', role: 'regulator' })],
  [
    'regulator of an unknown jurisdiction',
    () => signed({ sub: 'x', role: 'regulator', jurisdiction: 'shanghai' }),
  ],
  ['agency without uscc', () => signed({ sub: 'x', role: 'agency' })],
  ['agency with a malformed uscc', () => signed({ sub: 'x', role: 'agency', uscc: 'abc' })],
];

describe('auth matrix: every route × every caller', () => {
  let t: TestApp;
  let http: App;
  let ledger: Ledger;
  let shared: Shared;
  /** An agency awaiting review: its entry is not public, but its regulator sees it. */
  let pending: string;

  beforeAll(async () => {
    t = await startTestApp('auth_matrix');
    http = t.app.getHttpServer();
    ledger = new Ledger(http);
    const uscc = await ledger.agency();
    shared = {
      uscc,
      personId: await ledger.person(uscc),
      equipmentId: await ledger.equipment(uscc),
    };
    pending = await ledger.agency({ approve: false });
  });
  afterAll(() => t.close());

  const send = (route: Route, target: Target, token: string | undefined) => {
    const req =
      route.method === 'GET' ? request(http).get(target.path) : request(http).post(target.path);
    if (token !== undefined) req.set('Authorization', token);
    return route.method === 'POST' ? req.send(target.body ?? {}) : req;
  };

  it('covers every route the OpenAPI document lists, × every caller', async () => {
    const { body } = await request(http).get('/api/docs-json').expect(200);
    const documented = Object.entries(body.paths as Record<string, object>).flatMap(
      ([path, operations]) =>
        Object.keys(operations).map(
          (method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
        ),
    );
    expect(ROUTES.map((route) => `${route.method} ${route.path}`).sort()).toEqual(
      documented.sort(),
    );
    expect(CASES).toHaveLength(ROUTES.length * CALLERS.length);
  });

  it.each(CASES)('$name', async ({ route, caller, expected }) => {
    if (expected === 200 || expected === 201) {
      const target = await route.fresh(ledger, shared);
      const before = await ledger.streamLength(target.uscc);
      const res = await send(route, target, tokenOf(caller, target.uscc));
      expect({ status: res.status, body: res.body as unknown }).toMatchObject({
        status: expected,
      });
      if (route.method === 'POST') {
        expect(res.body).toMatchObject({ uscc: target.uscc, eventIds: [expect.any(String)] });
        expect(await ledger.streamLength(target.uscc)).toBeGreaterThan(before);
      }
      return;
    }

    const target = route.shared(shared);
    const before = await ledger.events(target.uscc);
    const res = await send(route, target, tokenOf(caller, target.uscc));
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({
      status: expected,
      body: {
        statusCode: expected,
        error: expected === 401 ? 'Unauthorized' : 'Forbidden',
        message: [expect.stringMatching(/^[\w.-]+: \S/)],
      },
    });
    if (expected === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    // Refused: nothing recorded (a refused registration leaves no agency behind).
    expect(await ledger.events(target.uscc)).toEqual(before);
  });

  it.each(BAD_TOKENS)(
    'a bad token, %s: 401 on a protected route, and anonymous on a public one',
    async (_what, token) => {
      const before = await ledger.events(pending);
      const res = await request(http)
        .post(`/api/v1/agencies/${pending}/review`)
        .set('Authorization', token())
        .send({ outcome: 'approved' });
      expect({ status: res.status, body: res.body as unknown }).toMatchObject({
        status: 401,
        body: {
          statusCode: 401,
          error: 'Unauthorized',
          message: [expect.stringMatching(/^(authorization|token): \S/)],
        },
      });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(await ledger.events(pending)).toEqual(before);

      await request(http)
        .get(`/api/v1/agencies/${pending}`)
        .set('Authorization', token())
        .expect(404);
      await request(http)
        .get(`/api/v1/agencies/${pending}`)
        .set('Authorization', bearer(actors.beijing))
        .expect(200);
    },
  );
});
