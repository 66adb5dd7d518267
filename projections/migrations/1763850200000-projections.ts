import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Checkpoints of every projection, and the registry's table. */
export class Projections1763850200000 implements MigrationInterface {
  name = 'Projections1763850200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projection_checkpoints (
        name        text PRIMARY KEY,
        position    bigint NOT NULL,
        updated_at  timestamptz NOT NULL
      );
      CREATE TABLE registry_entries (
        key            text PRIMARY KEY,
        doc            jsonb NOT NULL,
        last_position  bigint NOT NULL,
        name           text NOT NULL,
        jurisdiction   text NOT NULL,
        status         text NOT NULL,
        updated_at     timestamptz NOT NULL
      );
      CREATE INDEX registry_entries_listing ON registry_entries (jurisdiction, status, name);
      CREATE INDEX registry_entries_name ON registry_entries USING btree (lower(name) text_pattern_ops);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE registry_entries; DROP TABLE projection_checkpoints;');
  }
}
