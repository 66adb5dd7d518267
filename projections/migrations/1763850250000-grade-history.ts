import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bitemporal grade history: one row per grade period per version of what was known.
 * valid_from/valid_to: when the grade is in force (valid time, bare dates, [from, to)).
 * system_from/system_to: when the ledger knew it (system time, [from, to)). A late fact closes
 * rows in system time and adds new ones; nothing is overwritten. One indexed query answers
 * any (asOf, knownAt).
 */
export class GradeHistory1763850250000 implements MigrationInterface {
  name = 'GradeHistory1763850250000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE grade_history_entries (
        key            text PRIMARY KEY,
        doc            jsonb NOT NULL,
        last_position  bigint NOT NULL
      );
      CREATE TABLE grade_periods (
        key                  text NOT NULL,
        grade                text NOT NULL,
        score                numeric,
        risk_level           text,
        valid_from           date NOT NULL,
        valid_to             date,
        cause                text NOT NULL,
        decided_by_event     uuid NOT NULL,
        decided_by_position  bigint NOT NULL,
        policy_id            text NOT NULL,
        policy_jurisdiction  text NOT NULL,
        policy_version       text NOT NULL,
        explanation          jsonb NOT NULL,
        system_from          timestamptz NOT NULL,
        system_to            timestamptz
      );
      CREATE INDEX grade_periods_bitemporal ON grade_periods (key, system_from, valid_from);
      CREATE INDEX grade_periods_current ON grade_periods (key) WHERE system_to IS NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE grade_periods; DROP TABLE grade_history_entries;');
  }
}
