import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed tree heads of the Merkle log (ADR 027), one per tree size, append-only like the
 * events: a checkpoint is a statement the ledger signed and handed out, never rewritten. The
 * copies that count are the ones auditors keep outside the database (the export).
 */
export class LedgerCheckpoints1763852627100 implements MigrationInterface {
  name = 'LedgerCheckpoints1763852627100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ledger_checkpoints (
        tree_size   bigint PRIMARY KEY,
        root_hash   bytea NOT NULL,
        note        text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE FUNCTION ledger_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger_checkpoints is append-only' USING ERRCODE = 'LE003';
      END $$;
      CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoints
        FOR EACH ROW EXECUTE FUNCTION ledger_checkpoints_append_only();
      CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_checkpoints_append_only();
      REVOKE UPDATE, DELETE, TRUNCATE ON ledger_checkpoints FROM PUBLIC;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DROP TABLE ledger_checkpoints; DROP FUNCTION ledger_checkpoints_append_only();',
    );
  }
}
