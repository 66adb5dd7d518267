import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The credit-record projection: one document per agency, and one row per credit record with
 * its valid time (occurred_on), its system time (recorded_at) and its latest repair, so that
 * `creditRecordAt` is one indexed query for any (asOf, knownAt).
 */
export class CreditRecord1763850300000 implements MigrationInterface {
  name = 'CreditRecord1763850300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE credit_record_entries (
        key            text PRIMARY KEY,
        doc            jsonb NOT NULL,
        last_position  bigint NOT NULL,
        record_count   integer NOT NULL,
        updated_at     timestamptz NOT NULL
      );
      CREATE TABLE credit_records (
        key                  text NOT NULL,
        record_event_id      text NOT NULL,
        kind                 text NOT NULL
          CHECK (kind IN ('penalty', 'credit-finding', 'late-change', 'inspection-finding')),
        occurred_on          date NOT NULL,
        recorded_at          timestamptz NOT NULL,
        summary              jsonb NOT NULL,
        repair_id            text,
        repair_status        text CHECK (repair_status IN ('pending', 'approved', 'rejected')),
        repair_requested_on  date,
        repair_requested_at  timestamptz,
        repair_decided_on    date,
        repair_recorded_at   timestamptz,
        repairs              jsonb NOT NULL,
        PRIMARY KEY (key, record_event_id)
      );
      CREATE INDEX credit_records_bitemporal ON credit_records (key, occurred_on, recorded_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE credit_records; DROP TABLE credit_record_entries;');
  }
}
