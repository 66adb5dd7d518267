/**
 * Bad input never answers 500 (issue 9, item 3): a seeded fuzz over every route of the served
 * OpenAPI document (`/api/docs-json`), plus the hostile cases the attack found (NUL and unpaired
 * surrogates in any text, `%00` in a path or `q`, `page=1e20`, `fromVersion=1e20`, bodies of
 * 50,000 keys). Every answer must be below 500, and every refused request (4xx) must leave the
 * ledger as it was: no event, no personal-data key.
 *
 * One app, one request at a time over a keep-alive connection, so that each answer is checked
 * against the ledger right before and right after it. `FUZZ_SEED` and `FUZZ_RUNS` replay or
 * widen a run; the seed is printed with the count.
 */
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { Client } from 'pg';
import request from 'supertest';
import { actors, bearer, CODES, startTestApp, type TestApp } from './support/app';
import { approvedAgency, assess, newUscc, regulatorOf } from './support/grading';
import { freshResidentId } from './support/fixtures';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
/** The whole fuzz, on a loaded two-core machine. */
const FUZZ_TIMEOUT_MS = 15 * 60_000;

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  example?: unknown;
  minimum?: number;
  maximum?: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}

interface Operation {
  method: 'get' | 'post' | 'put';
  path: string;
  parameters: Parameter[];
  body?: Schema;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content?: { 'application/json'?: { schema?: Schema } } };
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
}

/** A request as sent: path and query already encoded. */
interface FuzzRequest {
  method: Operation['method'];
  route: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** A body sent as it is, not as JSON (malformed JSON). */
  raw?: string;
}

/** Texts PostgreSQL, terminals or spreadsheets choke on. */
const HOSTILE_TEXTS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\udc00\ud800',
  '北京\u202e司公',
  '\u2066x\u2069',
  '\u0007',
  '\u009b',
  '\u007f',
  '\r\n',
  '\t',
  '=HYPERLINK("http://x","y")',
  '+1',
  '-1',
  '@SUM(1)',
  '',
  ' ',
  "'; DROP TABLE ledger_events; --",
  '%00',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  '1e20',
  'NaN',
  '9'.repeat(40),
  '😀'.repeat(3),
  'a'.repeat(5000),
];

/** Path segments as sent on the wire, already percent-encoded (some not decodable). */
const HOSTILE_SEGMENTS = [
  '%00',
  'a%00b',
  '91110000802100433B%00',
  '%ED%A0%80', // an encoded surrogate: not UTF-8
  '%E2%80%AE', // U+202E
  '%C2%9B',
  '%ZZ',
  '%E4%BD',
  '1e20',
  '-1',
  '0',
  '%2e%2e',
  'a%2Fb',
  '__proto__',
  'x'.repeat(3000),
];

/** Query values as sent on the wire. */
const HOSTILE_QUERY_VALUES = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%E2%80%AE',
  '%C2%9B',
  '%ZZ',
  '1e20',
  '-1e20',
  '99999999999999999999',
  '-1',
  '0',
  '1.5',
  'NaN',
  'Infinity',
  '0x10',
  '',
  '%20',
  'x'.repeat(3000),
];

/** Encodes a generated text for a URL: unpaired surrogates cannot be, so they become U+FFFD. */
const encode = (text: string) =>
  encodeURIComponent(
    text.replace(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      '\ufffd',
    ),
  );

function resolve(schema: Schema | undefined, doc: OpenApiDocument): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    return resolve(doc.components.schemas[name], doc);
  }
  if (schema.allOf?.length) {
    const { allOf, ...rest } = schema;
    return { ...resolve(allOf[0], doc), ...rest };
  }
  return schema;
}

const hostileText = fc.oneof(
  fc.constantFrom(...HOSTILE_TEXTS),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...HOSTILE_TEXTS))
    .map(([text, hostile]) => text + hostile),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** A value that no field of the schema wants, or wants only in a hostile form. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      0,
      -1,
      1e20,
      -1e20,
      2 ** 53,
      0.000001,
      [],
      {},
      [null],
      JSON.parse('{"__proto__":1}') as unknown,
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const DATE_LIKE = [
  '2026-03-01',
  '2026-11-20',
  '2025-01-06',
  '2026-02-30',
  '2026-03-01T09:30:00+08:00',
  '2026-03-01T09:30:00',
  '0000-01-01',
  '9999-12-31T23:00:00-08:00',
  '2099-01-01',
];

/** Values for `schema`: mostly of its shape (so requests go deep), some hostile. */
function valueFor(
  schema: Schema | undefined,
  doc: OpenApiDocument,
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  let shaped: fc.Arbitrary<unknown>;
  if (s.enum?.length) {
    shaped = fc.constantFrom(...s.enum);
  } else if (s.type === 'object' || s.properties) {
    const properties = s.properties ?? {};
    if (depth > 4) return fc.constant({});
    const record = fc.record(
      Object.fromEntries(
        Object.entries(properties).map(([key, property]) => [
          key,
          valueFor(property, doc, depth + 1),
        ]),
      ),
      { requiredKeys: [] },
    );
    shaped = fc
      .tuple(
        record,
        fc.option(fc.dictionary(fc.string({ maxLength: 10 }), hostileValue, { maxKeys: 3 }), {
          freq: 8,
        }),
      )
      .map(([known, extra]) => ({ ...(extra ?? {}), ...known }));
  } else if (s.type === 'array') {
    shaped = fc.array(valueFor(s.items, doc, depth + 1), { maxLength: 4 });
  } else if (s.type === 'string') {
    const example = typeof s.example === 'string' ? [s.example] : [];
    shaped = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(...example, ...DATE_LIKE.slice(0, example.length ? 0 : 3)),
      },
      { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
      { weight: 1, arbitrary: fc.constantFrom(...DATE_LIKE) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    );
  } else if (s.type === 'number' || s.type === 'integer') {
    shaped = fc.oneof(
      fc.integer({ min: s.minimum ?? -10, max: Math.min(s.maximum ?? 3000, 3000) }),
      fc.double({ noNaN: true }),
      fc.constantFrom(2025, 2026, 90.5),
    );
  } else if (s.type === 'boolean') {
    shaped = fc.boolean();
  } else {
    shaped = fc.jsonValue({ maxDepth: 2 });
  }
  return fc.oneof({ weight: 6, arbitrary: shaped }, { weight: 1, arbitrary: hostileValue });
}

/** Bodies no DTO is made for: too deep, too wide, too long, not an object, not JSON. */
const JUNK_BODIES: fc.Arbitrary<{ body?: unknown; raw?: string }> = fc.constantFrom(
  { body: [] },
  { body: 'text' },
  { body: 42 },
  { raw: 'null' },
  { raw: '{"a":' },
  { raw: '{"name":"\\u0000"}' },
  { raw: '{"name":"\\ud800"}' },
  { raw: '{"__proto__":{"admin":true}}' },
  { body: JSON.parse('['.repeat(40) + ']'.repeat(40)) as unknown },
  { body: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, i])) },
  { body: { scope: Array.from({ length: 1500 }, (_, i) => `s${i}`) } },
  {
    body: Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [
        `o${i}`,
        Object.fromEntries(Array.from({ length: 90 }, (_, j) => [`k${j}`, j])),
      ]),
    ),
  },
);

function describeRequest(fuzz: FuzzRequest, status: number, text: string): string {
  const body = JSON.stringify(fuzz.body ?? fuzz.raw ?? null) ?? '';
  return `${fuzz.method.toUpperCase()} ${fuzz.url.slice(0, 200)} ${body.slice(0, 300)} → ${status} ${text.slice(0, 300)}`;
}

describe('fuzzing every route (issue 9: bad input never answers 500)', () => {
  let t: TestApp;
  let baseUrl: string;
  let ledger: Client;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let doc: OpenApiDocument;
  let operations: Operation[];
  /** Values that name something that exists, by path-parameter name. */
  const known: Record<string, string[]> = {};
  let tokens: string[];

  beforeAll(async () => {
    // Rate limits off: the fuzz is to reach every route's validation, not the 429 (tested in
    // disclosure.e2e-spec.ts).
    t = await startTestApp('fuzz', {
      env: { LEDGER_FAILED_AUTH_PER_MINUTE: '1000000', LEDGER_SEARCHES_PER_MINUTE: '1000000' },
    });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    ledger = new Client({ connectionString: t.db.url });
    await ledger.connect();
    const http = t.app.getHttpServer();

    // A small ledger with one of everything a path can name.
    const uscc = await approvedAgency(http, 'beijing');
    const agency = bearer(actors.agency(uscc));
    const beijing = regulatorOf('beijing');
    const person = await request(http)
      .post(`/api/v1/agencies/${uscc}/personnel`)
      .set('Authorization', agency)
      .send({
        idNumber: freshResidentId(),
        name: '张三',
        role: 'field-testing',
        joinedAt: '2025-02-01',
      })
      .expect(201);
    const equipment = await request(http)
      .post(`/api/v1/agencies/${uscc}/equipment`)
      .set('Authorization', agency)
      .send({ name: '采样器', model: 'KB-6120', acquiredAt: '2025-01-10' })
      .expect(201);
    const penalty = await request(http)
      .post(`/api/v1/agencies/${uscc}/penalties`)
      .set('Authorization', beijing)
      .send({
        decisionNumber: '京环罚〔2026〕9号',
        decidedAt: '2026-03-01',
        // Ordinary dishonesty: repairable after 3 months (NDRC Order No. 58).
        violationType: 'other',
        legalBasis: '《生态环境监测条例》第三十九条',
        content: '罚款',
        fineYuan: 10000,
      })
      .expect(201);
    await assess(http, uscc, 'beijing', { score: 88 });
    await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', beijing)
      .send({ jurisdiction: 'beijing', year: 2025, occurredAt: '2026-01-12' })
      .expect(201);
    const objection = await request(http)
      .post(`/api/v1/agencies/${uscc}/objections`)
      .set('Authorization', agency)
      .send({ cycleId: 'beijing-2025', reason: '评分有误', occurredAt: '2026-01-13' })
      .expect(201);
    const repair = await request(http)
      .post(`/api/v1/agencies/${uscc}/credit-repairs`)
      .set('Authorization', agency)
      .send({
        recordEventId: (penalty.body as { eventIds: string[] }).eventIds[0],
        reason: '已整改',
        occurredAt: '2026-06-15',
      })
      .expect(201);
    Object.assign(known, {
      uscc: [uscc, CODES.A, newUscc('chongqing'), CODES.pilot],
      personId: [(person.body as { personId: string }).personId],
      equipmentId: [(equipment.body as { equipmentId: string }).equipmentId],
      cycleId: ['beijing-2025', 'beijing-2024', 'chongqing-2025'],
      objectionId: [(objection.body as { objectionId: string }).objectionId],
      repairId: [(repair.body as { repairId: string }).repairId],
      year: ['2026', '2027', '2004', '2101'],
    });
    tokens = [
      bearer(actors.admin),
      beijing,
      beijing,
      agency,
      agency,
      bearer(actors.auditor),
      bearer(actors.reviewer),
      regulatorOf('chongqing'),
      bearer(actors.agency(CODES.B)),
      'Bearer not-a-token',
      '',
    ];

    doc = (await request(http).get('/api/docs-json').expect(200)).body as OpenApiDocument;
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method as Operation['method'],
        path,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema,
      })),
    );
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    agent.destroy();
    await ledger?.end();
    await t?.close();
  }, HOOK_TIMEOUT_MS);

  /** What a refused request must not change: events, the head, personal-data keys. */
  async function fingerprint(): Promise<string> {
    const { rows } = await ledger.query<{ events: string; head: string; keys: string }>(
      `SELECT (SELECT count(*) FROM ledger_events)::text AS events,
              (SELECT coalesce(max(position), 0) FROM ledger_events)::text AS head,
              (SELECT count(*) FROM ledger_pii_keys)::text AS keys`,
    );
    return JSON.stringify(rows[0]);
  }

  function requestFor(operation: Operation): fc.Arbitrary<FuzzRequest> {
    const pathParameters = operation.parameters.filter((p) => p.in === 'path');
    const queryParameters = operation.parameters.filter((p) => p.in === 'query');
    const segment = (name: string) =>
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...(known[name] ?? ['x'])) },
        { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
        { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map(encode) },
      );
    const queryValue = (parameter: Parameter) => {
      const schema = resolve(parameter.schema, doc);
      const shaped = schema.enum?.length
        ? fc.constantFrom(...schema.enum.map(String))
        : schema.type === 'integer' || schema.type === 'number'
          ? fc.integer({ min: -5, max: 300 }).map(String)
          : fc.oneof(fc.constantFrom(...DATE_LIKE), fc.string({ maxLength: 20 }));
      return fc.oneof(
        { weight: 4, arbitrary: shaped.map((value) => encode(value)) },
        { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_QUERY_VALUES) },
        { weight: 1, arbitrary: hostileText.map((value) => encode(value)) },
      );
    };
    const query = fc
      .tuple(
        ...queryParameters.map((parameter) =>
          fc.option(
            fc
              .tuple(queryValue(parameter), fc.constantFrom('', '', '', '[]', '[a]'), fc.boolean())
              .map(([value, suffix, twice]) => {
                const pair = `${parameter.name}${suffix}=${value}`;
                return twice ? `${pair}&${pair}` : pair;
              }),
            { freq: 2 },
          ),
        ),
      )
      .map((pairs) => pairs.filter((pair): pair is string => pair !== null).join('&'));
    const body: fc.Arbitrary<{ body?: unknown; raw?: string }> = operation.body
      ? fc.oneof(
          {
            weight: 12,
            arbitrary: valueFor(operation.body, doc).map((value) => ({ body: value })),
          },
          { weight: 1, arbitrary: JUNK_BODIES },
        )
      : fc.oneof({ weight: 6, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: JUNK_BODIES });
    const headers = fc
      .tuple(
        fc.constantFrom(...tokens),
        fc.option(
          fc.constantFrom('1', '"2"', '0', '-1', '99999999999999999999', '1e20', 'W/"1"', 'x'),
          {
            freq: 6,
          },
        ),
        fc.option(fc.constantFrom('k1', 'k1', 'k2', 'x'.repeat(300), 'cl\u00e9', '%00', ' '), {
          freq: 5,
        }),
      )
      .map(([authorization, ifMatch, idempotencyKey]) => ({
        ...(authorization && { Authorization: authorization }),
        ...(ifMatch !== null && { 'If-Match': ifMatch }),
        ...(idempotencyKey !== null && { 'Idempotency-Key': idempotencyKey }),
      }));
    return fc
      .tuple(fc.tuple(...pathParameters.map((p) => segment(p.name))), query, body, headers)
      .map(([segments, queryString, content, headerSet]) => {
        let path = operation.path;
        pathParameters.forEach((parameter, index) => {
          path = path.replace(`{${parameter.name}}`, segments[index]);
        });
        return {
          method: operation.method,
          route: `${operation.method.toUpperCase()} ${operation.path}`,
          url: queryString ? `${path}?${queryString}` : path,
          headers: headerSet,
          ...content,
        };
      });
  }

  async function send(fuzz: FuzzRequest): Promise<{ status: number; text: string }> {
    let test = request(baseUrl)[fuzz.method](fuzz.url).agent(agent);
    for (const [name, value] of Object.entries(fuzz.headers)) test = test.set(name, value);
    const raw =
      fuzz.raw ??
      (fuzz.body !== undefined && fuzz.method !== 'get' ? JSON.stringify(fuzz.body) : undefined);
    if (raw !== undefined) test = test.set('Content-Type', 'application/json').send(raw);
    const res = await test;
    return { status: res.status, text: res.text };
  }

  it(
    'answers every fuzzed and hostile request below 500, and a refused one changes nothing',
    async () => {
      const hostile: FuzzRequest[] = [];
      for (const operation of operations) {
        const route = `${operation.method.toUpperCase()} ${operation.path}`;
        const withSegment = (name: string, value: string) =>
          operation.parameters
            .filter((p) => p.in === 'path')
            .reduce(
              (path, p) =>
                path.replace(`{${p.name}}`, p.name === name ? value : (known[p.name]?.[0] ?? 'x')),
              operation.path,
            );
        const base = withSegment('', '');
        for (const parameter of operation.parameters.filter((p) => p.in === 'path')) {
          for (const value of HOSTILE_SEGMENTS) {
            hostile.push({
              method: operation.method,
              route,
              url: withSegment(parameter.name, value),
              headers: { Authorization: bearer(actors.admin) },
              body: {},
            });
          }
        }
        for (const parameter of operation.parameters.filter((p) => p.in === 'query')) {
          for (const value of HOSTILE_QUERY_VALUES) {
            hostile.push({
              method: operation.method,
              route,
              url: `${base}?${parameter.name}=${value}`,
              headers: { Authorization: bearer(actors.admin) },
            });
          }
        }
        if (operation.body) {
          // Every field of the body at once, as each hostile text.
          const fields = Object.keys(resolve(operation.body, doc).properties ?? {});
          for (const text of HOSTILE_TEXTS.slice(0, 12)) {
            hostile.push({
              method: operation.method,
              route,
              url: base,
              headers: { Authorization: bearer(actors.admin) },
              body: Object.fromEntries(fields.map((field) => [field, text])),
            });
          }
          // The attack's 539 KB body of 50,000 unknown keys.
          hostile.push({
            method: operation.method,
            route,
            url: base,
            headers: { Authorization: bearer(actors.admin) },
            body: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, 1])),
          });
        }
      }

      const fuzzed = fc.sample(fc.oneof(...operations.map((operation) => requestFor(operation))), {
        seed: SEED,
        numRuns: RUNS,
      });

      const failures: string[] = [];
      const byStatus = new Map<number, number>();
      let before = await fingerprint();
      let sent = 0;
      for (const fuzz of [...hostile, ...fuzzed]) {
        const { status, text } = await send(fuzz);
        sent += 1;
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        // A read cannot write; a write is checked against the ledger right before and after.
        if (fuzz.method === 'get') {
          if (status >= 500) failures.push(`5xx: ${describeRequest(fuzz, status, text)}`);
          continue;
        }
        const after = await fingerprint();
        if (status >= 500) failures.push(`5xx: ${describeRequest(fuzz, status, text)}`);
        if (status >= 400 && after !== before) {
          failures.push(
            `refused but the ledger changed (${before} → ${after}): ${describeRequest(fuzz, status, text)}`,
          );
        }
        before = after;
      }
      const statuses = [...byStatus.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}×${count}`)
        .join(' ');
      const fiveHundreds = [...byStatus.entries()]
        .filter(([status]) => status >= 500)
        .reduce((sum, [, count]) => sum + count, 0);
      console.log(
        `fuzz: ${sent} requests (${hostile.length} hostile, ${fuzzed.length} fuzzed, seed ${SEED}) over ${operations.length} routes: ${fiveHundreds}×5xx; ${statuses}`,
      );
      expect(failures.slice(0, 20)).toEqual([]);
      expect(sent).toBeGreaterThanOrEqual(10_000);
    },
    FUZZ_TIMEOUT_MS,
  );
});
