import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's own credit record (seed 000 Art. 10, 11; seed 001 Art. 20(二); ADR 020): one
 * document per identity hash, and the personIds of the person's engagements that find it.
 */
export class PersonCredit1763852110000 implements MigrationInterface {
  name = 'PersonCredit1763852110000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE person_credit_entries (
        key            text PRIMARY KEY,
        doc            jsonb NOT NULL,
        last_position  bigint NOT NULL
      );
      CREATE TABLE person_credit_ids (
        key        text NOT NULL,
        person_id  text NOT NULL,
        PRIMARY KEY (key, person_id)
      );
      CREATE INDEX person_credit_ids_person ON person_credit_ids (person_id);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE person_credit_ids; DROP TABLE person_credit_entries;');
  }
}
