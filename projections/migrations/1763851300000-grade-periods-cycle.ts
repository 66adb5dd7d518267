import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each grade period names the cycle whose published grade it is, or corrects (an objection
 * upheld after publication, a direct downgrade that revokes it), with that cycle's year and
 * publication date: the grade export reads the grade in force for each published cycle from
 * here, in one query, instead of reading every cycle stream (issue 11, item 6).
 *
 * The new columns are filled by the projection: its rows and checkpoint are dropped, so that
 * the runner rebuilds it from position 0 on start (an ordinary, supported operation).
 */
export class GradePeriodsCycle1763851300000 implements MigrationInterface {
  name = 'GradePeriodsCycle1763851300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE grade_periods
        ADD COLUMN cycle_id           text,
        ADD COLUMN cycle_year         integer,
        ADD COLUMN cycle_published_on date;
      CREATE INDEX grade_periods_published ON grade_periods (policy_jurisdiction, cycle_year)
        WHERE system_to IS NULL AND cycle_id IS NOT NULL;
      DELETE FROM grade_periods;
      DELETE FROM grade_history_entries;
      DELETE FROM projection_checkpoints WHERE name = 'grade-history';
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX grade_periods_published;
      ALTER TABLE grade_periods
        DROP COLUMN cycle_id, DROP COLUMN cycle_year, DROP COLUMN cycle_published_on;
    `);
  }
}
