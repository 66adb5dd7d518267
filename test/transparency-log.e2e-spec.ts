/**
 * The verifiable log over HTTP (issue 13 item 6, ADR 027): signed checkpoints of a Merkle tree
 * over every event, inclusion and consistency proofs that pass RFC 9162's own verification
 * algorithms (test/support/rfc9162.ts, written apart from the ledger's code), and a superuser
 * who rewrites a whole stream with every hash of its chain recomputed (what ADR 004 cannot
 * catch) caught against an earlier checkpoint, the rewritten event named.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client, Pool } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { agencyStreamId } from '@ledger/domain';
import { eventHash, PostgresEventStore } from '@ledger/event-store';
import { openCheckpoint, parseVerifierKey } from '@ledger/event-store/transparency/note';
import { merkleLogProjection, ProjectionRunner } from '@ledger/projections';
import { actors, bearer, startTestApp, type TestApp } from './support/app';
import { Ledger } from './support/fixtures';
import { H, rfcVerifyConsistency, rfcVerifyInclusion, ZERO } from './support/rfc9162';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const CLI_TEST_TIMEOUT_MS = 600_000;
/** A fixed test key (base64 of a 32-byte Ed25519 seed), never a real one. */
const SIGNING_KEY = Buffer.alloc(32, 42).toString('base64');

interface CheckpointAnswer {
  treeSize: number;
  rootHash: string;
  note: string;
}

describe('the verifiable log (ADR 027)', () => {
  let t: TestApp;
  let http: App;
  let ledger: Ledger;
  let verifierKey: string;
  let first: CheckpointAnswer;
  let second: CheckpointAnswer;
  let rewritten: string;
  const auditor = bearer(actors.auditor);
  const env = { LEDGER_SIGNING_KEY: SIGNING_KEY, LEDGER_LOG_ORIGIN: 'ledger.test/transparency' };
  const sign = async () =>
    (
      await request(http)
        .post('/api/v1/ledger/checkpoints')
        .set('Authorization', auditor)
        .expect(201)
    ).body as CheckpointAnswer;
  const verify = (checkpoint: string) =>
    request(http)
      .post('/api/v1/ledger/verify')
      .set('Authorization', auditor)
      .send({ checkpoint })
      .expect(200);
  const events = async (uscc: string) =>
    (
      await request(http)
        .get(`/api/v1/agencies/${uscc}/events`)
        .set('Authorization', auditor)
        .expect(200)
    ).body as { eventId: string; hash: string; type: string }[];

  beforeAll(async () => {
    t = await startTestApp('transparency', { env });
    http = t.app.getHttpServer();
    ledger = new Ledger(http);
    verifierKey = (await request(http).get('/api/v1/ledger/public-key').expect(200)).body
      .verifierKey;
    rewritten = await ledger.agency();
    await ledger.agency();
    first = await sign();
    await ledger.agency();
    await ledger.agency();
    second = await sign();
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('signs checkpoints in the C2SP tlog-checkpoint format, exported for auditors to keep', async () => {
    const opened = openCheckpoint(first.note, parseVerifierKey(verifierKey));
    expect(opened).toMatchObject({
      ok: true,
      checkpoint: { origin: 'ledger.test/transparency', treeSize: first.treeSize },
    });
    expect(first.note.split('\n').slice(0, 3)).toEqual([
      'ledger.test/transparency',
      String(first.treeSize),
      first.rootHash,
    ]);
    expect(second.treeSize).toBeGreaterThan(first.treeSize);
    // Signing again with no new event answers the checkpoint already signed.
    expect(await sign()).toMatchObject({ treeSize: second.treeSize, note: second.note });
    const exported = await request(http).get('/api/v1/exports/checkpoints').expect(200);
    expect(exported.body.map((c: CheckpointAnswer) => c.note)).toEqual([first.note, second.note]);
  });

  it("proves an event's inclusion in both checkpoints, by RFC 9162's algorithm", async () => {
    const [registered] = await events(rewritten);
    const leaf = H(ZERO, Buffer.from(registered.hash, 'hex'));
    for (const checkpoint of [first, second]) {
      const proof = await request(http)
        .get(
          `/api/v1/ledger/proofs/inclusion?eventId=${registered.eventId}&treeSize=${checkpoint.treeSize}`,
        )
        .set('Authorization', bearer(actors.reviewer))
        .expect(200);
      expect(proof.body).toMatchObject({
        treeSize: checkpoint.treeSize,
        rootHash: checkpoint.rootHash,
        checkpoint: checkpoint.note,
      });
      const path = (proof.body.inclusionPath as string[]).map((p) => Buffer.from(p, 'base64'));
      const root = Buffer.from(checkpoint.rootHash, 'base64');
      expect(rfcVerifyInclusion(proof.body.leafIndex, checkpoint.treeSize, leaf, path, root)).toBe(
        true,
      );
      expect(
        rfcVerifyInclusion(proof.body.leafIndex, checkpoint.treeSize, H(leaf), path, root),
      ).toBe(false);
    }
  });

  it("proves the later checkpoint extends the earlier, by RFC 9162's algorithm", async () => {
    const res = await request(http)
      .get(`/api/v1/ledger/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}`)
      .expect(200);
    expect(res.body).toMatchObject({ fromRoot: first.rootHash, toRoot: second.rootHash });
    const proof = (res.body.proof as string[]).map((p) => Buffer.from(p, 'base64'));
    const [r1, r2] = [first.rootHash, second.rootHash].map((r) => Buffer.from(r, 'base64'));
    expect(rfcVerifyConsistency(first.treeSize, second.treeSize, r1, r2, proof)).toBe(true);
    expect(rfcVerifyConsistency(first.treeSize, second.treeSize, H(r1), r2, proof)).toBe(false);
  });

  it('answers 400 naming the field for bad input', async () => {
    const bad = async (path: string, field: string) => {
      const res = await request(http).get(path).set('Authorization', auditor).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    };
    await bad('/api/v1/ledger/proofs/inclusion?eventId=nope', 'eventId');
    const [registered] = await events(rewritten);
    await bad(
      `/api/v1/ledger/proofs/inclusion?eventId=${registered.eventId}&treeSize=0`,
      'treeSize',
    );
    await bad(
      `/api/v1/ledger/proofs/inclusion?eventId=${registered.eventId}&treeSize=999999`,
      'treeSize',
    );
    await bad('/api/v1/ledger/proofs/consistency?from=3&to=2', 'from');
    await bad('/api/v1/ledger/proofs/consistency?from=1', 'to');
    const forged = await request(http)
      .post('/api/v1/ledger/verify')
      .set('Authorization', auditor)
      .send({ checkpoint: first.note.replace(first.rootHash, second.rootHash) })
      .expect(400);
    expect(forged.body.message[0]).toMatch(/^checkpoint: /);
  });

  it('finds the ledger extends its checkpoints while nothing was rewritten', async () => {
    expect((await verify(first.note)).body).toMatchObject({ ok: true });
    expect((await verify(second.note)).body).toMatchObject({ ok: true });
  });

  it(
    'exports the checkpoints with npm run ledger -- export checkpoints, as the API does',
    async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'checkpoints-')), 'checkpoints.ndjson');
      await run(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          'scripts/ledger.ts',
          'export',
          'checkpoints',
          '--out',
          file,
        ],
        { cwd: ROOT, env: { ...process.env, ...env, DATABASE_URL: t.db.url } },
      );
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      const api = (await request(http).get('/api/v1/exports/checkpoints').expect(200)).body;
      expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(api);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  describe('when a superuser rewrites a whole stream, every hash of its chain recomputed', () => {
    let registration: string;

    beforeAll(async () => {
      const store = new PostgresEventStore({ connectionString: t.db.url, poolSize: 1 });
      const stream = await store.readStream(agencyStreamId(rewritten));
      await store.close();
      registration = stream[0].eventId;
      const client = new Client({ connectionString: t.db.url });
      await client.connect();
      try {
        await client.query('BEGIN');
        // A superuser can switch the append-only triggers off (ADR 004).
        await client.query("SET LOCAL session_replication_role = 'replica'");
        let prevHash: string | null = null;
        for (const event of stream) {
          const data =
            event.version === 1
              ? { ...(event.data as object), name: '改写后的机构名称' }
              : event.data;
          const hash = eventHash({ ...event, data, prevHash });
          await client.query(
            'UPDATE ledger_events SET data = $2, prev_hash = $3, hash = $4 WHERE event_id = $1',
            [event.eventId, JSON.stringify(data), prevHash, hash],
          );
          prevHash = hash;
        }
        await client.query('UPDATE ledger_streams SET last_hash = $2 WHERE stream_id = $1', [
          agencyStreamId(rewritten),
          prevHash,
        ]);
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
    }, HOOK_TIMEOUT_MS);

    it('passes the hash-chain check, as ADR 004 said it would', async () => {
      const chain = await request(http)
        .get('/api/v1/ledger/verify')
        .set('Authorization', auditor)
        .expect(200);
      expect(chain.body).toMatchObject({ ok: true });
    });

    it('is caught against an earlier checkpoint, which names the rewritten event', async () => {
      for (const checkpoint of [first, second]) {
        const res = await verify(checkpoint.note);
        expect(res.body).toMatchObject({
          ok: false,
          checkpoint: { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash },
          firstBadEvent: {
            eventId: registration,
            streamId: agencyStreamId(rewritten),
            version: 1,
            reason: expect.stringContaining('rewritten'),
          },
        });
      }
    });

    it(
      'is caught by npm run ledger -- verify --against a checkpoint file',
      async () => {
        const file = join(mkdtempSync(join(tmpdir(), 'checkpoint-')), 'checkpoint.txt');
        writeFileSync(file, first.note);
        let code = 0;
        let out = '';
        try {
          ({ stdout: out } = await run(
            process.execPath,
            [
              '-r',
              'ts-node/register/transpile-only',
              '-r',
              'tsconfig-paths/register',
              'scripts/ledger.ts',
              'verify',
              '--against',
              file,
              '--key',
              verifierKey,
            ],
            { cwd: ROOT, env: { ...process.env, ...env, DATABASE_URL: t.db.url } },
          ));
        } catch (error) {
          const failed = error as { code: number; stdout: string; stderr: string };
          ({ code } = failed);
          out = failed.stdout + failed.stderr;
        }
        expect(code).toBe(1);
        expect(JSON.parse(out)).toMatchObject({
          ok: false,
          firstBadEvent: { eventId: registration },
        });
      },
      CLI_TEST_TIMEOUT_MS,
    );

    it('is still caught once the Merkle log was rebuilt from the rewritten events', async () => {
      const store = new PostgresEventStore({ connectionString: t.db.url, poolSize: 1 });
      const pool = new Pool({ connectionString: t.db.url, max: 1 });
      try {
        await new ProjectionRunner(merkleLogProjection, store, pool).rebuild();
      } finally {
        await pool.end();
        await store.close();
      }
      const res = await verify(first.note);
      expect(res.body).toMatchObject({ ok: false, reason: expect.stringContaining('rebuilt') });
      // And the ledger refuses to sign a tree that does not extend what it signed before.
      const refused = await request(http)
        .post('/api/v1/ledger/checkpoints')
        .set('Authorization', auditor)
        .expect(409);
      expect(refused.body.message[0]).toContain('refusing to sign');
    });
  });
});

describe('checkpoints on a timer (LEDGER_CHECKPOINT_INTERVAL)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('checkpoint_timer', {
      env: { LEDGER_SIGNING_KEY: SIGNING_KEY, LEDGER_CHECKPOINT_INTERVAL: '1' },
    });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  it('signs checkpoints by itself once the interval is set', async () => {
    const http = t.app.getHttpServer();
    await new Ledger(http).agency();
    const deadline = Date.now() + 60_000;
    let exported: CheckpointAnswer[] = [];
    while (!exported.some((c) => c.treeSize > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      exported = (await request(http).get('/api/v1/exports/checkpoints').expect(200)).body;
    }
    expect(exported.some((c) => c.treeSize > 0)).toBe(true);
  });
});
