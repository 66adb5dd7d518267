/**
 * `npm run ledger -- evidence <uscc>`, `verify-bundle <file>`, `checkpoint` and
 * `verify --against <file>` (ADR 026, 027): evidence bundles and the Merkle log's checkpoints
 * from the command line. verify-bundle needs no database and no server.
 */
import { readFileSync } from 'node:fs';
import type { Pool } from 'pg';
import type { EventStore } from '@ledger/event-store';
import {
  openCheckpoint,
  parseVerifierKey,
  verifierOf,
  type LedgerSigningKey,
} from '@ledger/event-store/transparency/note';
import { merkleLogProjection, ProjectionRunner } from '@ledger/projections';
import { DEFAULT_LOG_ORIGIN } from '../../apps/ledger-api/src/config';
import {
  serializeBundle,
  verifyBundle,
  type BundleVerification,
} from '../../apps/ledger-api/src/evidence/bundle';
import { buildEvidenceBundle } from '../../apps/ledger-api/src/evidence/build-bundle';
import { createCheckpoint } from '../../apps/ledger-api/src/transparency/checkpoints';
import { loadSigningKey } from '../../apps/ledger-api/src/transparency/signing-key';
import {
  verifyAgainstCheckpoint,
  type CheckpointVerification,
} from '../../apps/ledger-api/src/transparency/verify-against';

/** The ledger's key as the API loads it (LEDGER_SIGNING_KEY, else the key file). */
export const ledgerKey = (env: NodeJS.ProcessEnv = process.env): LedgerSigningKey =>
  loadSigningKey({
    signingKey: env.LEDGER_SIGNING_KEY,
    signingKeyFile: env.LEDGER_SIGNING_KEY_FILE,
    logOrigin: env.LEDGER_LOG_ORIGIN ?? DEFAULT_LOG_ORIGIN,
  });

/** Brings the Merkle log up to the store's head (taking turns with a running API, ADR 009). */
async function catchUpLog(store: EventStore, pool: Pool): Promise<void> {
  const runner = new ProjectionRunner(merkleLogProjection, store, pool);
  await runner.start();
  try {
    if (!(await runner.waitFor(await store.headPosition(), 120_000)))
      throw new Error('the Merkle log did not catch up with the ledger in 120 s');
  } finally {
    await runner.stop();
  }
}

export async function evidenceBundle(
  store: EventStore,
  pool: Pool,
  uscc: string,
  asOf: string,
  knownAt: string,
): Promise<string> {
  await catchUpLog(store, pool);
  const bundle = await buildEvidenceBundle(
    { store, pool, key: ledgerKey() },
    uscc,
    asOf,
    knownAt,
    new Date().toISOString(),
  );
  return serializeBundle(bundle);
}

export async function signCheckpointNow(store: EventStore, pool: Pool): Promise<string> {
  await catchUpLog(store, pool);
  return (await createCheckpoint(pool, ledgerKey())).note;
}

/** verify --against: the checkpoint file is opened with `--key`, else the ledger's own key. */
export async function verifyAgainstFile(
  store: EventStore,
  pool: Pool,
  file: string,
  key?: string,
): Promise<CheckpointVerification> {
  const verifier = key === undefined ? verifierOf(ledgerKey()) : parseVerifierKey(key);
  const opened = openCheckpoint(readFileSync(file, 'utf8'), verifier);
  if (!opened.ok) throw new Error(`${file}: not a checkpoint of this ledger (${opened.reason})`);
  return verifyAgainstCheckpoint(store, pool, opened.checkpoint);
}

/** What verify-bundle prints: the decision and its grounds, or where the bundle fails. */
export function describeVerification(report: BundleVerification, file: string): string {
  const lines = [`evidence bundle ${file}`];
  if (report.uscc)
    lines.push(`agency ${report.uscc}, as of ${report.asOf}, known at ${report.knownAt}`);
  if (report.checkpoint)
    lines.push(
      `checkpoint ${report.checkpoint.origin} of ${report.checkpoint.treeSize} events, root ${report.checkpoint.rootHash}`,
    );
  if (report.events !== undefined)
    lines.push(`${report.events} events: hashes, stream links and inclusion proofs checked`);
  if (report.decision) {
    const { grade, policy, effectiveFrom, rules } = report.decision;
    lines.push(
      `decision: ${grade} (policy ${policy.jurisdiction} ${policy.version}${effectiveFrom ? `, in force from ${effectiveFrom}` : ''}), replayed from the events`,
    );
    for (const { rule, article, facts } of rules)
      lines.push(
        `  rule ${rule}, article ${article}, facts: ${facts.length ? facts.join(', ') : 'none'}`,
      );
  }
  for (const check of report.calendar ?? [])
    lines.push(
      `calendar: ${check.what} recorded ${check.recorded}, replayed ${check.replayed} (${check.eventId})`,
    );
  if (report.ok) lines.push('VERIFIED');
  else {
    lines.push('FAILED');
    for (const { where, reason } of report.failures) lines.push(`  at ${where}: ${reason}`);
  }
  return lines.join('\n');
}

export function verifyBundleFile(file: string, key?: string): BundleVerification {
  return verifyBundle(readFileSync(file, 'utf8'), key);
}
