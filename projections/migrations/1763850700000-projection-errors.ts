import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A projection's last error, written by the instance that holds its lock (ADR 009), so that
 * every instance's `/health/ready` shows why a projection is not advancing. Cleared by the
 * next page applied.
 */
export class ProjectionErrors1763850700000 implements MigrationInterface {
  name = 'ProjectionErrors1763850700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE projection_checkpoints
        ADD COLUMN last_error     text,
        ADD COLUMN last_error_at  timestamptz;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE projection_checkpoints DROP COLUMN last_error, DROP COLUMN last_error_at;
    `);
  }
}
