import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every record of the export feeds names its agency and legal representative as on record on
 * the record's date, with the position from which the ledger knew them so (ADR 030). The
 * values come from the agency's registration, changes and reviews, which the rows built before
 * did not fold: the projection is emptied and its runner refills it from position 0.
 */
export class ExportFeedParties1763862000100 implements MigrationInterface {
  name = 'ExportFeedParties1763862000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM export_feed_records;
      DELETE FROM export_feed_entries;
      DELETE FROM projection_checkpoints WHERE name = 'export-feed';
      ALTER TABLE export_feed_records
        ADD COLUMN party_name text,
        ADD COLUMN legal_representative text,
        ADD COLUMN party_position bigint NOT NULL DEFAULT 0;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE export_feed_records
        DROP COLUMN party_name, DROP COLUMN legal_representative, DROP COLUMN party_position;
    `);
  }
}
