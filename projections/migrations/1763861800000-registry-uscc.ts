import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The USCC an agency answers to, beside the one its row (and stream) is keyed by (ADR 018): the
 * two differ once an administrator corrected the code (seed 002 §七.2). No correction existed
 * before, so every row's code is its key; the lookup by the corrected code is indexed.
 */
export class RegistryUscc1763861800000 implements MigrationInterface {
  name = 'RegistryUscc1763861800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE registry_entries ADD COLUMN uscc text;
      UPDATE registry_entries SET uscc = key;
      ALTER TABLE registry_entries ALTER COLUMN uscc SET NOT NULL;
      CREATE INDEX registry_entries_uscc ON registry_entries (uscc);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE registry_entries DROP COLUMN uscc');
  }
}
