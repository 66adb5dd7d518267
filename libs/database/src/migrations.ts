import { Client } from 'pg';
import { DataSource, type MixedList } from 'typeorm';
import { EventStore1763850000000 } from '@ledger/event-store/postgres/migrations/1763850000000-event-store';
import { Projections1763850200000 } from '@ledger/projections/migrations/1763850200000-projections';
import { GradeHistory1763850250000 } from '@ledger/projections/migrations/1763850250000-grade-history';
import { CreditRecord1763850300000 } from '@ledger/projections/migrations/1763850300000-credit-record';
import { LedgerTsStable1763850400000 } from '@ledger/event-store/postgres/migrations/1763850400000-ledger-ts-stable';
import { LedgerReadHorizon1763850500000 } from '@ledger/event-store/postgres/migrations/1763850500000-ledger-read-horizon';
import { LedgerReadPage1763870360000 } from '@ledger/event-store/postgres/migrations/1763870360000-ledger-read-page';
import { LedgerAppendEnvelopes1763870360100 } from '@ledger/event-store/postgres/migrations/1763870360100-ledger-append-envelopes';
import { LedgerAppendBatch1763870360200 } from '@ledger/event-store/postgres/migrations/1763870360200-ledger-append-batch';
import { LedgerStreamOrderEnvelopes1763870360300 } from '@ledger/event-store/postgres/migrations/1763870360300-ledger-stream-order-envelopes';
import { LedgerReservations1763850900000 } from '@ledger/event-store/postgres/migrations/1763850900000-ledger-reservations';
import { LedgerStreamOrder1763862000000 } from '@ledger/event-store/postgres/migrations/1763862000000-ledger-stream-order';
import { ProjectionErrors1763850700000 } from '@ledger/projections/migrations/1763850700000-projection-errors';
import { GradePeriodsCycle1763851300000 } from '@ledger/projections/migrations/1763851300000-grade-periods-cycle';
import { InspectionPlans1763851350000 } from '@ledger/projections/migrations/1763851350000-inspection-plans';
import { RegistryLifecycle1763851400000 } from '@ledger/projections/migrations/1763851400000-registry-lifecycle';
import { CreditRecordDisplay1763851500000 } from '@ledger/projections/migrations/1763851500000-credit-record-display';
import { RegistryUscc1763861800000 } from '@ledger/projections/migrations/1763861800000-registry-uscc';
import { Notifications1763861900000 } from '@ledger/projections/migrations/1763861900000-notifications';
import { GradeHistoryReevaluations1763852100000 } from '@ledger/projections/migrations/1763852100000-grade-history-reevaluations';
import { Users1763851600000 } from '@ledger/projections/migrations/1763851600000-users';
import { ExportFeed1763852028000 } from '@ledger/projections/migrations/1763852028000-export-feed';
import { PersonCredit1763852110000 } from '@ledger/projections/migrations/1763852110000-person-credit';
import { WriteModel1763850100000 } from './migrations/1763850100000-write-model';
import { PiiKeysPending1763851100000 } from './migrations/1763851100000-pii-keys-pending';
import { MerkleLog1763852627000 } from '@ledger/projections/migrations/1763852627000-merkle-log';
import { LedgerCheckpoints1763852627100 } from './migrations/1763852627100-ledger-checkpoints';
import { ExportFeedParties1763862000100 } from '@ledger/projections/migrations/1763862000100-export-feed-parties';
import { RegistrySearchIndexes1763880000000 } from '@ledger/projections/migrations/1763880000000-registry-search-indexes';
import { ExportFeedBoundedDocuments1763880001000 } from '@ledger/projections/migrations/1763880001000-export-feed-bounded-documents';

/** Every schema migration of the ledger, in order. Projections add theirs here. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const LEDGER_MIGRATIONS: MixedList<Function> = [
  EventStore1763850000000,
  WriteModel1763850100000,
  Projections1763850200000,
  GradeHistory1763850250000,
  CreditRecord1763850300000,
  LedgerTsStable1763850400000,
  LedgerReadHorizon1763850500000,
  ProjectionErrors1763850700000,
  LedgerReservations1763850900000,
  PiiKeysPending1763851100000,
  GradePeriodsCycle1763851300000,
  InspectionPlans1763851350000,
  RegistryLifecycle1763851400000,
  CreditRecordDisplay1763851500000,
  RegistryUscc1763861800000,
  Notifications1763861900000,
  GradeHistoryReevaluations1763852100000,
  Users1763851600000,
  MerkleLog1763852627000,
  LedgerCheckpoints1763852627100,
  ExportFeed1763852028000,
  PersonCredit1763852110000,
  LedgerStreamOrder1763862000000,
  ExportFeedParties1763862000100,
  LedgerReadPage1763870360000,
  LedgerAppendEnvelopes1763870360100,
  LedgerAppendBatch1763870360200,
  LedgerStreamOrderEnvelopes1763870360300,
  RegistrySearchIndexes1763880000000,
  ExportFeedBoundedDocuments1763880001000,
];

/** Brings a database's schema up to date. Safe to run on every start, from several processes. */
export async function migrate(url: string): Promise<void> {
  // One migrator at a time per database, even when several instances start together.
  const lock = new Client({ connectionString: url });
  lock.on('error', () => undefined); // a dropped session fails the query below, not the process
  await lock.connect();
  await lock.query('SELECT pg_advisory_lock(7308604937434072136)');
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: LEDGER_MIGRATIONS,
    migrationsTableName: 'ledger_migrations',
    logging: false,
  });
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await lock.end(); // ends the session, and with it the lock
  }
}
