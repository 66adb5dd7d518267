import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts for sign-in (ADR 022): the users projection, and the sessions ended before their
 * expiry (sign-out). A revoked session is kept until its token would have expired anyway.
 */
export class Users1763851600000 implements MigrationInterface {
  name = 'Users1763851600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ledger_users (
        key            text PRIMARY KEY,
        doc            jsonb NOT NULL,
        last_position  bigint NOT NULL,
        username       text NOT NULL UNIQUE,
        role           text NOT NULL,
        uscc           text,
        status         text NOT NULL
      );
      CREATE INDEX ledger_users_uscc ON ledger_users (uscc);
      CREATE TABLE ledger_revoked_sessions (
        jti         text PRIMARY KEY,
        user_id     text NOT NULL,
        expires_at  timestamptz NOT NULL
      );
      CREATE INDEX ledger_revoked_sessions_expiry ON ledger_revoked_sessions (expires_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ledger_revoked_sessions; DROP TABLE ledger_users;');
  }
}
