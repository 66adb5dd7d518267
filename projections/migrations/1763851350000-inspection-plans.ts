import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 双随机 inspection plans as drawn, with the inspections that carried them out (issue 11). */
export class InspectionPlans1763851350000 implements MigrationInterface {
  name = 'InspectionPlans1763851350000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE inspection_plans (
        key            text PRIMARY KEY,
        doc            jsonb NOT NULL,
        last_position  bigint NOT NULL,
        jurisdiction   text NOT NULL,
        period         text NOT NULL
      );
      CREATE INDEX inspection_plans_jurisdiction ON inspection_plans (jurisdiction, period);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE inspection_plans;');
  }
}
