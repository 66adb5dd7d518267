/**
 * Bad input over HTTP, route by route (API.md, Conventions: Errors): each refused with 400
 * (413, 415 where the body cannot be read), in the API's error shape, each message starting
 * with the field's path, never a 500, and nothing appended to the stream; a refused
 * registration leaves no agency behind. Then the headers, and `acceptUnverifiedCode`.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, CODES, registrationBody, startTestApp, type TestApp } from './support/app';
import { asAuditor, asBeijing, freshResidentId, freshUscc, Ledger } from './support/fixtures';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

type Body = Record<string, unknown>;

/** The agency (and its person and equipment) a command is sent about. */
interface Targets {
  uscc: string;
  personId: string;
  equipmentId: string;
}

interface CommandRoute {
  name: string;
  path(t: Targets): string;
  /** Who sends it: someone who may. */
  token(t: Targets): string;
  /** A body the route accepts (the control case proves it), fresh for each call. */
  body(t: Targets): Body;
  /** The agency whose stream must not change: the body's for a registration. */
  uscc(t: Targets, body: Body): string;
}

const agencies = '/api/v1/agencies';
const asOwnAgency = (t: Targets) => bearer(actors.agency(t.uscc));
const onAgency = (
  suffix: string,
  body: (t: Targets) => Body,
  token: (t: Targets) => string = () => asBeijing,
): CommandRoute => ({
  name: `POST ${agencies}/:uscc/${suffix}`,
  path: (t) =>
    `${agencies}/${t.uscc}/${suffix.replace(/:(personId|equipmentId)/g, (_m, key: keyof Targets) => t[key])}`,
  token,
  body,
  uscc: (t) => t.uscc,
});

const ROUTES = {
  register: {
    name: `POST ${agencies}`,
    path: () => agencies,
    token: () => asBeijing,
    body: () => registrationBody(freshUscc()),
    uscc: (_t, body) => body.uscc as string,
  },
  review: onAgency('review', () => ({ outcome: 'returned', reason: '材料不全' })),
  changes: onAgency('changes', () => ({
    changes: {
      addresses: { registered: '北京市海淀区', workplace: '北京市海淀区某路2号' },
      category: 'other',
    },
    changedAt: '2026-11-20',
  })),
  personnel: onAgency('personnel', () => ({
    idNumber: freshResidentId(),
    name: '李四',
    role: 'field-testing',
    technical: true,
    joinedAt: '2026-03-01',
  })),
  departure: onAgency('personnel/:personId/departure', () => ({
    leftAt: '2026-11-01',
    proof: '离职证明编号 2026-118',
  })),
  status: onAgency('personnel/:personId/status', () => ({
    status: 'non-technical',
    changedAt: '2026-11-10',
  })),
  equipment: onAgency(
    'equipment',
    () => ({ name: '采样器', model: 'KB-6120', acquiredAt: '2026-01-10' }),
    asOwnAgency,
  ),
  scrap: onAgency(
    'equipment/:equipmentId/scrap',
    () => ({ scrappedAt: '2026-11-15' }),
    asOwnAgency,
  ),
  inspections: onAgency('inspections', () => ({
    inspectedAt: '2026-11-12',
    method: 'on-site',
    findings: [{ code: 'record-keeping', description: '原始记录不完整' }],
    measures: ['written-notice'],
  })),
  penalties: onAgency('penalties', () => ({
    decisionNumber: '京环罚〔2026〕118号',
    decidedAt: '2026-11-13',
    violationType: 'untrue-report',
    legalBasis: '《生态环境监测条例》第三十九条',
    content: '罚款人民币五万元',
    fineYuan: 50000,
    // The person responsible, banned from practising (seed 000 Art. 9(2), ADR 020).
    responsiblePersons: [{ idNumber: freshResidentId(), name: '张三', bannedUntil: '2031-11-12' }],
  })),
  creditFindings: onAgency('credit-findings', () => ({
    kind: 'credit-bad',
    article: 'beijing-9-3',
    decidedAt: '2026-11-13',
  })),
  deregistration: onAgency('deregistration', () => ({ reason: 'voluntary' })),
} satisfies Record<string, CommandRoute>;
type RouteKey = keyof typeof ROUTES;

/** A copy of `body` with the value at `path` (`a.b.0.c`) replaced, or removed when `undefined`. */
function withValue(body: Body, path: string, value: unknown): Body {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const KINDS = ['missing', 'wrong type', 'unknown field', 'nested', 'bad enum', 'bad date'] as const;

interface BadCase {
  route: RouteKey;
  /** One of KINDS, or a case of its own (`invalid resident ID`, …). */
  kind: string;
  /** The path whose value is replaced (`undefined`: removed). */
  at: string;
  value: unknown;
  /** What the answer must say: the message starting with the field's path. */
  says: RegExp;
}

const missing = undefined;
const bad = (
  route: RouteKey,
  kind: BadCase['kind'],
  at: string,
  value: unknown,
  says: RegExp,
): BadCase => ({ route, kind, at, value, says });

/**
 * Every command route × the kinds of bad input that apply to it. Routes without a required
 * field, a nested object or an enum have no such case; every body carries `occurredAt`, the
 * bad date of the routes that have no date of their own.
 */
const CASES: BadCase[] = [
  bad('register', 'missing', 'name', missing, /^name: should not be empty$/),
  bad('register', 'wrong type', 'name', 42, /^name: must be a string$/),
  bad(
    'register',
    'wrong type',
    'serviceTypes',
    'self-monitoring',
    /^serviceTypes: must be an array$/,
  ),
  bad('register', 'unknown field', 'licence', 'CMA-1', /^licence: is not allowed$/),
  bad(
    'register',
    'nested',
    'legalRepresentative.name',
    missing,
    /^legalRepresentative\.name: should not be empty$/,
  ),
  bad(
    'register',
    'nested',
    'legalRepresentative.phone',
    13812345678,
    /^legalRepresentative\.phone: must be a string$/,
  ),
  bad(
    'register',
    'nested',
    'contact.email',
    'lab-at-example.cn',
    /^contact\.email: must be an e-mail address$/,
  ),
  bad(
    'register',
    'nested unknown field',
    'addresses.branch',
    '上海',
    /^addresses\.branch: is not allowed$/,
  ),
  bad('register', 'nested', 'commitment', 'signed', /^commitment: must be an object$/),
  bad(
    'register',
    'bad enum',
    'category',
    'laboratory',
    /^category: must be one of comprehensive, /,
  ),
  bad(
    'register',
    'bad enum',
    'jurisdiction',
    'shanghai',
    /^jurisdiction: must be one of beijing, chongqing, jiaxing, urumqi$/,
  ),
  bad(
    'register',
    'bad enum',
    'serviceTypes',
    ['public-monitoring', 'research'],
    /^serviceTypes: each value must be one of /,
  ),
  bad(
    'register',
    'bad date',
    'commitment.signedAt',
    '2026-02-30',
    /^commitment\.signedAt: must be a date in YYYY-MM-DD form/,
  ),
  bad(
    'register',
    'bad date',
    'occurredAt',
    '2026-03-01T09:30:00',
    /^occurredAt: must be a date \(YYYY-MM-DD\) or a date-time with an offset/,
  ),
  bad('register', 'null', 'ownership', null, /^ownership: must be a string$/),

  bad('review', 'missing', 'outcome', missing, /^outcome: should not be empty$/),
  bad('review', 'wrong type', 'reason', 7, /^reason: must be a string$/),
  bad('review', 'unknown field', 'approvedBy', '张三', /^approvedBy: is not allowed$/),
  bad('review', 'bad enum', 'outcome', 'accepted', /^outcome: must be one of approved, returned$/),
  bad('review', 'bad date', 'occurredAt', '2026-11-31', /^occurredAt: must be a date/),

  bad('changes', 'missing', 'changedAt', missing, /^changedAt: should not be empty$/),
  bad('changes', 'wrong type', 'changes', 'addresses', /^changes: must be an object$/),
  bad('changes', 'unknown field', 'note', '迁址', /^note: is not allowed$/),
  bad(
    'changes',
    'nested',
    'changes.addresses.registered',
    5,
    /^changes\.addresses\.registered: must be a string$/,
  ),
  bad(
    'changes',
    'nested unknown field',
    'changes.licence',
    'x',
    /^changes\.licence: is not allowed$/,
  ),
  bad('changes', 'nested', 'changes', {}, /^changes: must name at least one field that changed$/),
  bad('changes', 'cannot change', 'changes.uscc', CODES.B, /^changes\.uscc: cannot change$/),
  bad(
    'changes',
    'cannot change',
    'changes.jurisdiction',
    'chongqing',
    /^changes\.jurisdiction: cannot change$/,
  ),
  bad(
    'changes',
    'bad enum',
    'changes.category',
    'laboratory',
    /^changes\.category: must be one of /,
  ),
  bad(
    'changes',
    'bad date',
    'changedAt',
    '2026/11/20',
    /^changedAt: must be a date in YYYY-MM-DD form/,
  ),
  bad(
    'changes',
    'nested bad date',
    'changes.cmaCertificate',
    { validUntil: '2029-13-01' },
    /^changes\.cmaCertificate\.validUntil: must be a date/,
  ),

  bad('personnel', 'missing', 'idNumber', missing, /^idNumber: should not be empty$/),
  bad('personnel', 'wrong type', 'technical', 'yes', /^technical: must be true or false$/),
  bad('personnel', 'unknown field', 'salary', 9000, /^salary: is not allowed$/),
  bad('personnel', 'bad enum', 'role', 'chemist', /^role: must be one of technical-management, /),
  bad(
    'personnel',
    'bad date',
    'joinedAt',
    '20260301',
    /^joinedAt: must be a date in YYYY-MM-DD form/,
  ),
  bad(
    'personnel',
    'invalid resident ID',
    'idNumber',
    '110105194912310021',
    /^idNumber: check character does not match$/,
  ),
  bad(
    'personnel',
    'invalid resident ID',
    'idNumber',
    '110105194902300021',
    /^idNumber: birth date \(characters 7–14\) is not a real calendar date$/,
  ),
  bad(
    'personnel',
    'invalid resident ID',
    'idNumber',
    '11010519491231002x',
    /^idNumber: must be 17 digits followed by a digit or X$/,
  ),

  bad('departure', 'missing', 'leftAt', missing, /^leftAt: should not be empty$/),
  bad('departure', 'wrong type', 'proof', ['证明'], /^proof: must be a string$/),
  bad('departure', 'unknown field', 'reason', '个人原因', /^reason: is not allowed$/),
  bad(
    'departure',
    'bad date',
    'leftAt',
    '2026-11-01T00:00:00+08:00',
    /^leftAt: must be a date in YYYY-MM-DD form/,
  ),

  bad('status', 'missing', 'status', missing, /^status: should not be empty$/),
  bad(
    'status',
    'wrong type',
    'changedAt',
    20261110,
    /^changedAt: must be a date in YYYY-MM-DD form/,
  ),
  bad('status', 'unknown field', 'post', '行政', /^post: is not allowed$/),
  bad('status', 'bad enum', 'status', 'retired', /^status: must be one of non-technical$/),
  bad(
    'status',
    'bad date',
    'changedAt',
    '2026-02-29',
    /^changedAt: must be a date in YYYY-MM-DD form/,
  ),

  bad('equipment', 'missing', 'name', missing, /^name: should not be empty$/),
  bad('equipment', 'wrong type', 'model', 6120, /^model: must be a string$/),
  bad('equipment', 'unknown field', 'price', 12000, /^price: is not allowed$/),
  bad(
    'equipment',
    'bad date',
    'acquiredAt',
    '2026-1-10',
    /^acquiredAt: must be a date in YYYY-MM-DD form/,
  ),

  bad('scrap', 'wrong type', 'scrappedAt', true, /^scrappedAt: must be a date in YYYY-MM-DD form/),
  bad('scrap', 'unknown field', 'reason', '损坏', /^reason: is not allowed$/),
  bad(
    'scrap',
    'bad date',
    'scrappedAt',
    '2026-11-00',
    /^scrappedAt: must be a date in YYYY-MM-DD form/,
  ),

  bad('inspections', 'missing', 'findings', missing, /^findings: should not be empty$/),
  bad('inspections', 'wrong type', 'findings', 'none', /^findings: must be an array$/),
  bad('inspections', 'unknown field', 'inspector', '王五', /^inspector: is not allowed$/),
  bad(
    'inspections',
    'nested',
    'findings.0.code',
    'late-report',
    /^findings\.0\.code: must be one of non-standard-monitoring, /,
  ),
  bad(
    'inspections',
    'nested',
    'findings.0.code',
    missing,
    /^findings\.0\.code: should not be empty$/,
  ),
  bad(
    'inspections',
    'nested unknown field',
    'findings.0.severity',
    'high',
    /^findings\.0\.severity: is not allowed$/,
  ),
  bad('inspections', 'nested', 'findings', ['record-keeping'], /^findings\.0: must be an object$/),
  bad(
    'inspections',
    'nested (array in an array)',
    'findings',
    [[{ code: 'record-keeping' }]],
    /^findings\.0: must be an object$/,
  ),
  bad(
    'inspections',
    'nested (array in an array)',
    'findings',
    [[]],
    /^findings\.0: must be an object$/,
  ),
  bad('inspections', 'bad enum', 'method', 'telephone', /^method: must be one of on-site, /),
  bad(
    'inspections',
    'bad enum',
    'measures',
    ['fine'],
    /^measures: each value must be one of written-notice, /,
  ),
  bad(
    'inspections',
    'bad date',
    'inspectedAt',
    'yesterday',
    /^inspectedAt: must be a date in YYYY-MM-DD form/,
  ),

  bad('penalties', 'missing', 'legalBasis', missing, /^legalBasis: should not be empty$/),
  bad('penalties', 'wrong type', 'fineYuan', '50000', /^fineYuan: must be a number$/),
  bad('penalties', 'unknown field', 'paid', true, /^paid: is not allowed$/),
  bad(
    'penalties',
    'bad enum',
    'violationType',
    'late-filing',
    /^violationType: must be one of data-fraud, /,
  ),
  bad(
    'penalties',
    'bad date',
    'decidedAt',
    '2026-13-13',
    /^decidedAt: must be a date in YYYY-MM-DD form/,
  ),
  bad('penalties', 'bad date (year 0)', 'occurredAt', '0000-06-01T00:00:00Z', /^occurredAt: /),
  bad('penalties', 'bad amount', 'fineYuan', 0.001, /^fineYuan: must have at most 2 decimals$/),
  bad('penalties', 'nested', 'responsiblePersons', 'someone', /^responsiblePersons: /),
  bad(
    'penalties',
    'nested',
    'responsiblePersons.0.idNumber',
    '110105194912310021',
    /^responsiblePersons\.0\.idNumber: /,
  ),
  bad(
    'penalties',
    'nested',
    'responsiblePersons.0.name',
    undefined,
    /^responsiblePersons\.0\.name: /,
  ),
  bad(
    'penalties',
    'bad date',
    'responsiblePersons.0.bannedUntil',
    '2031-02-30',
    /^responsiblePersons\.0\.bannedUntil: must be a date/,
  ),

  bad('creditFindings', 'missing', 'kind', missing, /^kind: should not be empty$/),
  bad('creditFindings', 'wrong type', 'article', 9, /^article: must be a string$/),
  bad('creditFindings', 'unknown field', 'score', -5, /^score: is not allowed$/),
  bad('creditFindings', 'bad enum', 'kind', 'blacklisted', /^kind: must be one of credit-bad, /),
  bad(
    'creditFindings',
    'bad date',
    'decidedAt',
    '13/11/2026',
    /^decidedAt: must be a date in YYYY-MM-DD form/,
  ),
  bad('creditFindings', 'bad date (year 1)', 'occurredAt', '0001-01-01', /^occurredAt: /),
  bad(
    'creditFindings',
    'bad pattern',
    'article',
    'Art. 9(3)',
    /^article: must be a rule id such as beijing-9-3$/,
  ),

  bad('deregistration', 'missing', 'reason', missing, /^reason: should not be empty$/),
  bad(
    'deregistration',
    'wrong type',
    'reason',
    ['voluntary'],
    /^reason: must be one of voluntary, /,
  ),
  bad(
    'deregistration',
    'unknown field',
    'effectiveOn',
    '2026-12-01',
    /^effectiveOn: is not allowed$/,
  ),
  bad(
    'deregistration',
    'bad enum',
    'reason',
    'bankrupt',
    /^reason: must be one of voluntary, legal-person-terminated, qualification-lost$/,
  ),
  bad(
    'deregistration',
    'bad date',
    'occurredAt',
    '2026-11-20T25:00:00+08:00',
    /^occurredAt: must be a date \(YYYY-MM-DD\) or a date-time with an offset/,
  ),
];

/** Each message names its field: `<path>: <what is wrong>`. */
const FIELD_MESSAGE = /^[A-Za-z_][\w.-]*: \S/;

describe('bad input', () => {
  let t: TestApp;
  let http: App;
  let ledger: Ledger;
  let targets: Targets;

  beforeAll(async () => {
    t = await startTestApp('bad_input');
    http = t.app.getHttpServer();
    ledger = new Ledger(http);
    const uscc = await ledger.agency({ approve: false });
    targets = {
      uscc,
      personId: await ledger.person(uscc),
      equipmentId: await ledger.equipment(uscc),
    };
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  /** The API's error shape, the status, and every message naming its field. */
  function expectError(res: request.Response, status: number, says: RegExp) {
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({
      status,
      body: { statusCode: status, error: expect.any(String), message: expect.any(Array) },
    });
    const messages = res.body.message as unknown[];
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(message).toMatch(FIELD_MESSAGE);
    expect(messages).toContainEqual(expect.stringMatching(says));
  }

  /**
   * Sends `send` and expects the error; then that the stream of `uscc` is as it was (absent
   * stays absent).
   */
  async function refused(
    uscc: string,
    send: () => Promise<request.Response>,
    status: number,
    says: RegExp,
  ) {
    const before = await ledger.events(uscc);
    const res = await send();
    expectError(res, status, says);
    const after = await ledger.events(uscc);
    expect(after?.length).toBe(before?.length);
    expect(after).toEqual(before);
    if (before === undefined) {
      // A refused registration: no agency, not even for its regulator (a code of the wrong
      // shape cannot even be asked for: 400 from the path's ParseUsccPipe).
      const entry = await request(http).get(`${agencies}/${uscc}`).set('Authorization', asBeijing);
      expect([404, 400]).toContain(entry.status);
    }
    return res;
  }

  it('covers every command route with each kind of bad input that applies to it', () => {
    for (const route of Object.keys(ROUTES) as RouteKey[]) {
      const kinds = new Set(CASES.filter((c) => c.route === route).map((c) => c.kind));
      expect([route, ...KINDS.filter((kind) => kinds.has(kind))]).toEqual([
        route,
        ...KINDS.filter((kind) => {
          if (kind === 'missing') return route !== 'scrap'; // scrappedAt is optional
          if (kind === 'nested')
            return ['register', 'changes', 'inspections', 'penalties'].includes(route);
          if (kind === 'bad enum') return !['departure', 'equipment', 'scrap'].includes(route);
          return true;
        }),
      ]);
    }
  });

  describe.each(Object.keys(ROUTES) as RouteKey[])('%s', (key) => {
    const route: CommandRoute = ROUTES[key];

    it.each(CASES.filter((c) => c.route === key))(
      `${route.name}, $kind: $at → 400`,
      async ({ at, value, says }) => {
        const body = route.body(targets);
        const res = await refused(
          route.uscc(targets, body),
          () =>
            request(http)
              .post(route.path(targets))
              .set('Authorization', route.token(targets))
              .send(withValue(body, at, value)),
          400,
          says,
        );
        expect(res.body.error).toBe('Bad Request');
      },
    );

    it(`${route.name}: the same body, unchanged, is accepted (201), so each 400 is the bad field's`, async () => {
      const uscc = await ledger.agency({ approve: key !== 'review' });
      const fresh: Targets = {
        uscc,
        personId: await ledger.person(uscc),
        equipmentId: await ledger.equipment(uscc),
      };
      const body = route.body(fresh);
      await request(http)
        .post(route.path(fresh))
        .set('Authorization', route.token(fresh))
        .send(body)
        .expect(201);
    });
  });

  describe('the body as a whole', () => {
    const review = () => `${agencies}/${targets.uscc}/review`;

    it('malformed JSON → 400 naming body', async () => {
      await refused(
        targets.uscc,
        () =>
          request(http)
            .post(review())
            .set('Authorization', asBeijing)
            .set('Content-Type', 'application/json')
            .send('{"outcome": "approved",'),
        400,
        /^body: malformed JSON$/,
      );
    });

    it('a JSON array instead of an object → 400 naming body', async () => {
      await refused(
        targets.uscc,
        () =>
          request(http)
            .post(review())
            .set('Authorization', asBeijing)
            .send([{ outcome: 'approved' }]),
        400,
        /^body: must be a JSON object$/,
      );
    });

    it('a body over 1 MB → 413', async () => {
      await refused(
        targets.uscc,
        () =>
          request(http)
            .post(review())
            .set('Authorization', asBeijing)
            .send({ outcome: 'returned', reason: 'x'.repeat(1024 * 1024 + 1) }),
        413,
        /^body: larger than the 1 MB limit$/,
      );
    });

    it.each([
      ['an unknown field', 'x', 2000, '[', ']', /^(x|body): /],
      ['a known field', 'findings', 2000, '[', ']', /^(findings|body): /],
      ['an unknown field, objects', 'x', 5000, '{"a":', '}', /^(x|body): /],
    ])(
      'JSON nested deeply in %s (%s, %i levels) → 400, not 500',
      async (_where, field, depth, open, close, says) => {
        const nested = `${open.repeat(depth)}${open === '[' ? '' : '1'}${close.repeat(depth)}`;
        await refused(
          targets.uscc,
          () =>
            request(http)
              .post(`${agencies}/${targets.uscc}/inspections`)
              .set('Authorization', asBeijing)
              .set('Content-Type', 'application/json')
              .send(
                field === 'findings'
                  ? `{"inspectedAt":"2026-11-12","method":"on-site","findings":${nested}}`
                  : `{"inspectedAt":"2026-11-12","method":"on-site","findings":[],"x":${nested}}`,
              ),
          400,
          says,
        );
      },
    );

    it.each(['gzip', 'deflate'])(
      'Content-Encoding: %s over a body that is not compressed → 400, not 500',
      async (encoding) => {
        await refused(
          targets.uscc,
          () =>
            request(http)
              .post(review())
              .set('Authorization', asBeijing)
              .set('Content-Type', 'application/json')
              .set('Content-Encoding', encoding)
              .send('{"outcome":"approved"}'),
          400,
          /^(body|Content-Encoding): /,
        );
      },
    );

    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
      'an unknown field named as a property of every object, %s → 400, not dropped',
      async (name) => {
        await refused(
          targets.uscc,
          () =>
            request(http)
              .post(`${agencies}/${targets.uscc}/equipment`)
              .set('Authorization', bearer(actors.agency(targets.uscc)))
              .set('Content-Type', 'application/json')
              .send(`{"name":"采样器","${name}":{"model":"x"}}`),
          400,
          new RegExp(`^${name}: is not allowed$`),
        );
      },
    );

    it('a form body → 415', async () => {
      await refused(
        targets.uscc,
        () =>
          request(http)
            .post(review())
            .set('Authorization', asBeijing)
            .type('form')
            .send('outcome=approved'),
        415,
        /^Content-Type: must be application\/json$/,
      );
    });

    it('a text/plain body that is JSON → 415', async () => {
      await refused(
        targets.uscc,
        () =>
          request(http)
            .post(review())
            .set('Authorization', asBeijing)
            .set('Content-Type', 'text/plain')
            .send('{"outcome":"approved"}'),
        415,
        /^Content-Type: must be application\/json$/,
      );
    });
  });

  describe('codes and identifiers', () => {
    it('a USCC whose check character fails, in the body → 400 uscc: check character does not match', async () => {
      const uscc = `${CODES.A.slice(0, 17)}C`;
      await refused(
        uscc,
        () =>
          request(http).post(agencies).set('Authorization', asBeijing).send(registrationBody(uscc)),
        400,
        /^uscc: check character does not match$/,
      );
    });

    it.each([
      ['too short', 'NOT-A-CODE', /^uscc: must be 18 characters$/],
      ['outside the alphabet', '91110000802100433b', /^uscc: contains a character outside/],
      [
        'a division that is not digits',
        '91A10000802100433B',
        /^uscc: administrative division code/,
      ],
    ])('a USCC in the path, %s → 400 naming uscc', async (_what, uscc, says) => {
      const res = await request(http)
        .post(`${agencies}/${uscc}/review`)
        .set('Authorization', asBeijing)
        .send({ outcome: 'approved' });
      expectError(res, 400, says);
    });

    it.each([
      ['uscc', () => `${agencies}/%ZZ/review`, /^(uscc|path): /],
      [
        'personId',
        () => `${agencies}/${targets.uscc}/personnel/%E4%BD/departure`,
        /^(personId|path): /,
      ],
    ])(
      'a malformed percent-encoding in the path, in %s → 400 naming it',
      async (_param, path, says) => {
        await refused(
          targets.uscc,
          () =>
            request(http)
              .post(path())
              .set('Authorization', asBeijing)
              .send({ outcome: 'approved', leftAt: '2026-11-01' }),
          400,
          says,
        );
      },
    );

    it('a resident ID number whose check character fails → 400 idNumber, the number not echoed', async () => {
      const idNumber = '110105194912310021';
      const res = await refused(
        targets.uscc,
        () =>
          request(http)
            .post(`${agencies}/${targets.uscc}/personnel`)
            .set('Authorization', asBeijing)
            .send({ idNumber, name: '张三', role: 'field-sampling' }),
        400,
        /^idNumber: check character does not match$/,
      );
      expect(JSON.stringify(res.body)).not.toContain(idNumber);
    });
  });

  describe('headers', () => {
    const send = (headers: Record<string, string>) => () => {
      const req = request(http)
        .post(`${agencies}/${targets.uscc}/equipment`)
        .set('Authorization', bearer(actors.agency(targets.uscc)));
      for (const [name, value] of Object.entries(headers)) req.set(name, value);
      return req.send({ name: '采样器' });
    };

    it.each(['abc', '*', '-1', '5, 6', '"5'])('If-Match: %j → 400', async (value) => {
      await refused(
        targets.uscc,
        send({ 'If-Match': value }),
        400,
        /^If-Match: must be a stream version such as 5$/,
      );
    });

    it('a stale If-Match → 409 naming If-Match, with the current version', async () => {
      const length = await ledger.streamLength(targets.uscc);
      const res = await refused(
        targets.uscc,
        send({ 'If-Match': `"${length - 1}"` }),
        409,
        /^If-Match: stream is at version /,
      );
      expect(res.body.currentVersion).toBe(length);
    });

    it.each([
      ['201 characters', 'k'.repeat(201)],
      ['blank', '   '],
      ['a tab inside', 'key\tone'],
    ])('Idempotency-Key, %s → 400', async (_what, value) => {
      await refused(
        targets.uscc,
        send({ 'Idempotency-Key': value }),
        400,
        /^Idempotency-Key: must be 1 to 200 printable ASCII characters$/,
      );
    });
  });

  describe('acceptUnverifiedCode (an early pilot code that fails its check character)', () => {
    const pilot = CODES.pilot;
    const asPilotAgency = bearer(actors.agency(pilot));
    const pilotBody = (overrides: Body = {}) =>
      registrationBody(pilot, { name: '厦门试点监测有限公司', ...overrides });

    it('refuses the code from the agency itself without the flag (400 uscc)', async () => {
      await refused(
        pilot,
        () => request(http).post(agencies).set('Authorization', asPilotAgency).send(pilotBody()),
        400,
        /^uscc: check character does not match$/,
      );
    });

    it('refuses the flag from an agency (403 acceptUnverifiedCode)', async () => {
      await refused(
        pilot,
        () =>
          request(http)
            .post(agencies)
            .set('Authorization', asPilotAgency)
            .send(pilotBody({ acceptUnverifiedCode: true })),
        403,
        /^acceptUnverifiedCode: only a regulator or an admin/,
      );
    });

    it('refuses the code from a regulator without the flag (400 uscc)', async () => {
      await refused(
        pilot,
        () => request(http).post(agencies).set('Authorization', asBeijing).send(pilotBody()),
        400,
        /^uscc: check character does not match$/,
      );
    });

    it('refuses a flag that is not a boolean (400)', async () => {
      await refused(
        pilot,
        () =>
          request(http)
            .post(agencies)
            .set('Authorization', asBeijing)
            .send(pilotBody({ acceptUnverifiedCode: 'true' })),
        400,
        /^acceptUnverifiedCode: must be true or false$/,
      );
    });

    it('still refuses a code of the wrong shape with the flag (400 uscc)', async () => {
      const uscc = `${pilot.slice(0, 17)}I`;
      await refused(
        uscc,
        () =>
          request(http)
            .post(agencies)
            .set('Authorization', asBeijing)
            .send(registrationBody(uscc, { acceptUnverifiedCode: true })),
        400,
        /^uscc: contains a character outside/,
      );
    });

    it('accepts it from the beijing regulator with the flag, and records codeVerified: false', async () => {
      const res = await request(http)
        .post(agencies)
        .set('Authorization', asBeijing)
        .send(pilotBody({ acceptUnverifiedCode: true }))
        .expect(201);
      expect(res.body).toMatchObject({ uscc: pilot, version: 1 });
      const events = await request(http)
        .get(`${agencies}/${pilot}/events`)
        .set('Authorization', asAuditor)
        .expect(200);
      expect(events.body).toHaveLength(1);
      expect(events.body[0]).toMatchObject({
        type: 'AgencyRegistered',
        data: { uscc: pilot, codeVerified: false },
      });
      expect(events.body[0].data).not.toHaveProperty('acceptUnverifiedCode');

      // Addressable by its code in the path (shape only), by its regulator and by itself.
      await request(http)
        .post(`${agencies}/${pilot}/review`)
        .set('Authorization', asBeijing)
        .send({ outcome: 'approved' })
        .expect(201);
      await request(http)
        .post(`${agencies}/${pilot}/equipment`)
        .set('Authorization', asPilotAgency)
        .send({ name: '采样器' })
        .expect(201);
    });

    it('records a verified code as codeVerified: true', async () => {
      const uscc = freshUscc();
      await request(http)
        .post(agencies)
        .set('Authorization', asBeijing)
        .send(registrationBody(uscc, { acceptUnverifiedCode: true }))
        .expect(201);
      const events = await ledger.events(uscc);
      expect(events?.[0].data.codeVerified).toBe(true);
    });
  });
});
