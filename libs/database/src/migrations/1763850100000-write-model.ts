import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables beside the event stream that the write side needs:
 * - ledger_pii_keys: one key per data subject, outside the hash chain, destroyed on erasure
 *   (ADR 005). Mutable by design.
 * - agency_person_engagements: one person, one agency. A row per engaged person, keyed by the
 *   keyed hash of the ID number, inserted in the same transaction as PersonnelJoined and
 *   removed with PersonnelLeft; the primary key makes the second of two concurrent hirings
 *   fail (ADR 005). Derived from the events, so it can be rebuilt from them.
 */
export class WriteModel1763850100000 implements MigrationInterface {
  name = 'WriteModel1763850100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ledger_pii_keys (
        subject      text PRIMARY KEY,
        wrapped_key  bytea,
        created_at   timestamptz NOT NULL DEFAULT now(),
        erased_at    timestamptz
      );
      CREATE TABLE agency_person_engagements (
        id_number_hash  text PRIMARY KEY,
        uscc            text NOT NULL,
        person_id       text NOT NULL UNIQUE
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE agency_person_engagements; DROP TABLE ledger_pii_keys;');
  }
}
