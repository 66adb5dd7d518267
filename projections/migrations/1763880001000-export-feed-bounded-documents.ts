import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The export feed's documents no longer keep the agency's inspections (issue 14, ADR 038): each
 * inspection's row of `export_feed_records` is written once from its event, and the document
 * keeps only what stamps it (the party, the jurisdiction, the publication). The rows are already
 * there; the lists are taken out of the documents, which the projection then folds as it
 * would have from position 0.
 */
export class ExportFeedBoundedDocuments1763880001000 implements MigrationInterface {
  name = 'ExportFeedBoundedDocuments1763880001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE export_feed_entries SET doc = doc - 'inspections' WHERE doc ? 'inspections'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The lists come back when the projection is rebuilt by the code that kept them.
    await queryRunner.query(`
      DELETE FROM export_feed_records;
      DELETE FROM export_feed_entries;
      DELETE FROM projection_checkpoints WHERE name = 'export-feed';
    `);
  }
}
