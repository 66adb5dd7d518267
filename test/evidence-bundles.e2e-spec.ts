/**
 * Evidence bundles for appeals over HTTP (issue 13 item 5, ADR 026): a bundle downloaded from
 * the API verifies offline (no database, no server), replays the grade decision with the
 * policy and calendar versions it recorded, and fails, saying where, when any byte is changed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import type { App } from 'supertest/types';
import { verifyBundle, type EvidenceBundle } from '../apps/ledger-api/src/evidence/bundle';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { freshResidentId } from './support/fixtures';
import { approvedAgency, assess, regulatorOf } from './support/grading';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
/** Each CLI call starts Node and ts-node: tens of seconds on a loaded two-core machine. */
const CLI_TEST_TIMEOUT_MS = 600_000;

describe('evidence bundles (ADR 026)', () => {
  let t: TestApp;
  let http: App;
  let a: string;
  let b: string;
  let idNumber: string;
  let verifierKey: string;
  const dir = mkdtempSync(join(tmpdir(), 'evidence-'));
  const keyFile = join(dir, 'keys', 'ledger-signing-key.pem');
  const regulator = regulatorOf('beijing');
  const reviewer = bearer(actors.reviewer);
  const evidence = (uscc: string, token: string, query = '?asOf=2026-02-01') =>
    request(http).get(`/api/v1/agencies/${uscc}/evidence${query}`).set('Authorization', token);

  beforeAll(async () => {
    t = await startTestApp('evidence', { env: { LEDGER_SIGNING_KEY_FILE: keyFile } });
    http = t.app.getHttpServer();
    a = await approvedAgency(http, 'beijing');
    b = await approvedAgency(http, 'beijing');
    idNumber = freshResidentId();
    await request(http)
      .post(`/api/v1/agencies/${a}/personnel`)
      .set('Authorization', regulator)
      .send({ idNumber, name: '李四', role: 'field-sampling', joinedAt: '2025-03-01' })
      .expect(201);
    await assess(http, a, 'beijing', { score: 92 });
    await assess(http, b, 'beijing', { score: 70 });
    await request(http)
      .post('/api/v1/grading-cycles')
      .set('Authorization', regulator)
      .send({ jurisdiction: 'beijing', year: 2025, occurredAt: '2026-01-12' })
      .expect(201);
    const objection = await request(http)
      .post(`/api/v1/agencies/${b}/objections`)
      .set('Authorization', bearer(actors.agency(b)))
      .send({
        cycleId: 'beijing-2025',
        reason: '质控指标漏计（B 的理由）',
        occurredAt: '2026-01-14',
      })
      .expect(201);
    await request(http)
      .post(`/api/v1/objections/${objection.body.objectionId}/decision`)
      .set('Authorization', reviewer)
      .send({ outcome: 'rejected', reason: '证据不足', occurredAt: '2026-01-16' })
      .expect(201);
    await request(http)
      .post('/api/v1/grading-cycles/beijing-2025/publish')
      .set('Authorization', regulator)
      .send({ occurredAt: '2026-01-20' })
      .expect(201);
    verifierKey = (await request(http).get('/api/v1/ledger/public-key').expect(200)).body
      .verifierKey;
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('publishes the ledger key, generated into its key file on first start', async () => {
    const key = await request(http).get('/api/v1/ledger/public-key').expect(200);
    expect(key.body).toMatchObject({ algorithm: 'Ed25519', origin: expect.any(String) });
    expect(key.body.verifierKey).toMatch(/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/);
    expect(existsSync(keyFile)).toBe(true);
  });

  it('downloads as a file that verifies offline and replays the decision the API answers', async () => {
    const res = await evidence(a, reviewer).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toContain(`evidence-${a}-2026-02-01.json`);
    const grade = await request(http)
      .get(`/api/v1/agencies/${a}/grade?asOf=2026-02-01`)
      .expect(200);
    const report = verifyBundle(res.text, verifierKey);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(grade.body.grade).not.toBe('ungraded');
    expect(report.decision).toEqual({
      grade: grade.body.grade,
      policy: grade.body.policy,
      effectiveFrom: '2026-01-20',
      rules: grade.body.explanation,
    });
    // The cycle's publicity dates, replayed with the calendar versions the start recorded.
    expect(report.calendar).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ what: 'publicityEndsOn', recorded: expect.any(String) }),
      ]),
    );
    for (const check of report.calendar!) expect(check.replayed).toBe(check.recorded);
    const bundle = JSON.parse(res.text) as EvidenceBundle;
    expect(bundle.manifest.calendar.years).toEqual(
      expect.arrayContaining([expect.objectContaining({ year: 2026, source: 'built-in' })]),
    );
  });

  it('carries no ID number in clear, and no other agency’s objection', async () => {
    const res = await evidence(a, reviewer).expect(200);
    expect(res.text).not.toContain(idNumber);
    expect(res.text).not.toContain('B 的理由');
    const types = (JSON.parse(res.text) as EvidenceBundle).events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['PersonnelJoined', 'GradingCyclePublished']));
    expect(types).not.toContain('ObjectionFiled');
    // The objecting agency's own bundle holds its objection and its decision.
    const own = await evidence(b, bearer(actors.agency(b))).expect(200);
    expect(verifyBundle(own.text, verifierKey).ok).toBe(true);
    expect((JSON.parse(own.text) as EvidenceBundle).events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['ObjectionFiled', 'ObjectionDecided']),
    );
  });

  it('fails when any one byte is changed, and says where', async () => {
    const text = (await evidence(a, reviewer).expect(200)).text;
    const bytes = Buffer.from(text, 'utf8');
    // A byte every 97 through the whole file: structure, event data, hashes, proofs, signature.
    for (let offset = 0; offset < bytes.length; offset += 97) {
      const flipped = Buffer.from(bytes);
      flipped[offset] = flipped[offset] ^ 0x01;
      const report = verifyBundle(flipped.toString('utf8'), verifierKey);
      expect({ offset, ok: report.ok }).toEqual({ offset, ok: false });
      expect(report.failures[0].where).toEqual(expect.any(String));
    }
    const bundle = JSON.parse(text) as EvidenceBundle;
    const personnel = bundle.events.findIndex((e) => e.type === 'PersonnelJoined');
    const edited = text.replace('"role": "field-sampling"', '"role": "field-samplinh"');
    expect(verifyBundle(edited, verifierKey).failures).toContainEqual({
      where: expect.stringContaining(`events[${personnel}]`),
      reason: expect.stringContaining('do not hash'),
    });
    const otherKey = verifierKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
    expect(() => verifyBundle(text, otherKey)).not.toThrow();
    expect(verifyBundle(text, otherKey).ok).toBe(false);
  });

  it('is for the reviewer, the auditor, admins, the regulator of the agency and the agency itself', async () => {
    for (const token of [
      bearer(actors.auditor),
      bearer(actors.admin),
      regulator,
      bearer(actors.agency(a)),
    ])
      await evidence(a, token).expect(200);
    for (const token of [bearer(actors.chongqing), bearer(actors.agency(b))])
      await evidence(a, token).expect(403);
    await request(http).get(`/api/v1/agencies/${a}/evidence`).expect(401);
    await evidence('91110000802100433B', reviewer).expect(404);
    const bad = await evidence(a, reviewer, '?asOf=2026-13-01').expect(400);
    expect(JSON.stringify(bad.body.message)).toContain('asOf');
  });

  it(
    'verifies with npm run ledger -- verify-bundle, without a database, and fails a changed copy',
    async () => {
      const text = (await evidence(a, reviewer).expect(200)).text;
      const good = join(dir, 'bundle.json');
      const bad = join(dir, 'tampered.json');
      writeFileSync(good, text);
      writeFileSync(bad, text.replace('"grade": "', '"grade": "X'));
      const env = { ...process.env };
      delete env.DATABASE_URL;
      const cli = async (file: string) => {
        try {
          const { stdout } = await run(
            process.execPath,
            [
              '-r',
              'ts-node/register/transpile-only',
              '-r',
              'tsconfig-paths/register',
              'scripts/ledger.ts',
              'verify-bundle',
              file,
              '--key',
              verifierKey,
            ],
            { cwd: ROOT, env },
          );
          return { code: 0, out: stdout };
        } catch (error) {
          const failed = error as { code: number; stdout: string; stderr: string };
          return { code: failed.code, out: failed.stdout + failed.stderr };
        }
      };
      const ok = await cli(good);
      expect(ok.out).toContain('VERIFIED');
      expect(ok.out).toMatch(/rule \S+, article \S+, facts: /);
      expect(ok.code).toBe(0);
      const failed = await cli(bad);
      expect(failed.code).toBe(1);
      expect(failed.out).toContain('FAILED');
      expect(failed.out).toContain('at signature');
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'is written by npm run ledger -- evidence from the database, signed with the same key',
    async () => {
      const out = join(dir, 'from-cli.json');
      await run(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          'scripts/ledger.ts',
          'evidence',
          a,
          '--as-of',
          '2026-02-01',
          '--out',
          out,
        ],
        {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: t.db.url, LEDGER_SIGNING_KEY_FILE: keyFile },
        },
      );
      const report = verifyBundle(readFileSync(out, 'utf8'), verifierKey);
      expect(report.failures).toEqual([]);
      const api = verifyBundle((await evidence(a, reviewer).expect(200)).text, verifierKey);
      expect(report.decision).toEqual(api.decision);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
