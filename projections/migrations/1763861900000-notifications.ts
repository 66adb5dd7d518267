import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notification outbox (ADR 019). `notification_agencies` is the projection's table (each
 * agency's addressees), `notification_outbox` its child rows (every notification due, written
 * with the checkpoint), and `notification_deliveries` what the dispatcher did with each: the
 * runner and a rebuild never touch it.
 */
export class Notifications1763861900000 implements MigrationInterface {
  name = 'Notifications1763861900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notification_agencies (
        key            text PRIMARY KEY,
        doc            jsonb NOT NULL,
        last_position  bigint NOT NULL,
        uscc           text NOT NULL,
        jurisdiction   text NOT NULL
      );
      CREATE TABLE notification_outbox (
        key              text NOT NULL,
        notification_id  text PRIMARY KEY,
        ordinal          integer NOT NULL,
        kind             text NOT NULL,
        recipient        text NOT NULL,
        channel          text NOT NULL,
        address          jsonb NOT NULL,
        event_id         text NOT NULL,
        position         bigint NOT NULL,
        created_at       timestamptz NOT NULL,
        subject          text NOT NULL,
        text             text NOT NULL
      );
      CREATE INDEX notification_outbox_key ON notification_outbox (key, position);
      CREATE TABLE notification_deliveries (
        notification_id  text PRIMARY KEY,
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        last_attempt_at  timestamptz,
        last_error       text,
        delivered_at     timestamptz,
        delivered_by     text
      );
      CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at)
        WHERE delivered_at IS NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE notification_deliveries;
      DROP TABLE notification_outbox;
      DROP TABLE notification_agencies;
      DELETE FROM projection_checkpoints WHERE name = 'notifications';
    `);
  }
}
