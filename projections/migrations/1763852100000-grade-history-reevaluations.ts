import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The grade history now reads the filing date of a registration (Beijing Art. 8: credit
 * management from one full natural year after it) and re-evaluations published between cycles
 * (Art. 22, 23). Documents built before kept neither: the rows and checkpoint are dropped, so
 * that the runner rebuilds the projection from position 0 on start (ADR 021).
 */
export class GradeHistoryReevaluations1763852100000 implements MigrationInterface {
  name = 'GradeHistoryReevaluations1763852100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM grade_periods;
      DELETE FROM grade_history_entries;
      DELETE FROM projection_checkpoints WHERE name = 'grade-history';
    `);
  }

  async down(): Promise<void> {
    // Nothing to undo: the rows are rebuilt from the ledger either way.
  }
}
