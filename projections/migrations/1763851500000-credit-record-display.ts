import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each credit record's display period (NDRC Order No. 58, ADR 012): the first day a repair may
 * be applied for and the last day it is displayed (公示截止期). The rows are emptied and the
 * checkpoint reset, so the runner rebuilds them from position 0 with the new columns filled.
 */
export class CreditRecordDisplay1763851500000 implements MigrationInterface {
  name = 'CreditRecordDisplay1763851500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM credit_records;
      DELETE FROM credit_record_entries;
      DELETE FROM projection_checkpoints WHERE name = 'credit-record';
      ALTER TABLE credit_records
        ADD COLUMN repairable_from date NOT NULL,
        ADD COLUMN display_until   date NOT NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE credit_records DROP COLUMN repairable_from, DROP COLUMN display_until',
    );
  }
}
