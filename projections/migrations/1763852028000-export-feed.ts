import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The export-feed projection (ADR 029): per agency, whether and from which position its entry
 * is public; per record sent to a credit platform (penalties, credit findings and the other
 * credit records, inspections), the positions of the event that recorded it and of the repair
 * that withdrew it, and its display period. Empty at first: the runner fills it from position 0.
 */
export class ExportFeed1763852028000 implements MigrationInterface {
  name = 'ExportFeed1763852028000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE export_feed_entries (
        key                 text PRIMARY KEY,
        doc                 jsonb NOT NULL,
        last_position       bigint NOT NULL,
        published_position  bigint
      );
      CREATE TABLE export_feed_records (
        key                 text NOT NULL,
        feed                text NOT NULL CHECK (feed IN ('penalties', 'credit-findings', 'inspections')),
        record_event_id     text NOT NULL,
        kind                text NOT NULL,
        jurisdiction        text,
        position            bigint NOT NULL,
        recorded_at         timestamptz NOT NULL,
        occurred_on         date NOT NULL,
        display_until       date,
        withdrawn_on        date,
        withdrawn_position  bigint,
        published_position  bigint,
        summary             jsonb NOT NULL,
        PRIMARY KEY (key, feed, record_event_id)
      );
      CREATE INDEX export_feed_records_order ON export_feed_records (feed, position, record_event_id);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE export_feed_records; DROP TABLE export_feed_entries;');
  }
}
