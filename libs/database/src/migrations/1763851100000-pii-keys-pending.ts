import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A subject key made for a command the ledger then refuses must not stay behind (issue 9: a
 * refused hire left a row naming the keyed hash of someone's ID number). The key has to exist
 * before the events that use it are appended, so it is made first and settled after:
 * `pending_requests` counts the requests in flight that sealed with a key no recorded event
 * is known to use yet; NULL means settled (some command using it was recorded, or the subject
 * was erased). A refused request lowers the count and removes the key when it reaches 0. A
 * request that dies in between never lowers it, so its key is never removed: a key an appended
 * event may use is never destroyed. Rows from before this migration are settled.
 */
export class PiiKeysPending1763851100000 implements MigrationInterface {
  name = 'PiiKeysPending1763851100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ledger_pii_keys ADD COLUMN pending_requests integer`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE ledger_pii_keys DROP COLUMN pending_requests');
  }
}
