import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry and the grade history read the lifecycle as the texts write it (issue 10,
 * items 1–4): a key change of a registered agency waits for its review instead of unpublishing
 * the entry, a deregistration ends the grade in force. Their rows were computed by the old
 * reading, so both are rebuilt from position 0 (an ordinary operation, ADR 009): the rows and
 * their checkpoints go, and the runners replay the ledger into them on the next start.
 */
export class RegistryLifecycle1763851400000 implements MigrationInterface {
  name = 'RegistryLifecycle1763851400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM grade_periods;
      DELETE FROM grade_history_entries;
      DELETE FROM registry_entries;
      DELETE FROM projection_checkpoints WHERE name IN ('registry', 'grade-history');
    `);
  }

  async down(): Promise<void> {
    // Nothing to undo: the rows are derived, and rebuilt by the runners from the ledger.
  }
}
