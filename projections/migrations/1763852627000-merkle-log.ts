import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Merkle log over every event's hash in global order (ADR 027): the perfect subtrees of
 * the RFC 6962 tree, each written once. Level 0 rows are the leaves, with the event they
 * commit to; a proof reads O(log n) rows by primary key. Rebuildable from position 0 like any
 * projection: what it may not do silently is change a leaf a checkpoint signed, and the
 * checkpoints (and their exports) are how that is caught.
 */
export class MerkleLog1763852627000 implements MigrationInterface {
  name = 'MerkleLog1763852627000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE merkle_log_nodes (
        level     smallint NOT NULL,
        idx       bigint   NOT NULL,
        hash      bytea    NOT NULL,
        position  bigint,
        event_id  uuid,
        PRIMARY KEY (level, idx),
        CHECK ((level = 0) = (position IS NOT NULL AND event_id IS NOT NULL))
      );
      CREATE UNIQUE INDEX merkle_log_leaf_event ON merkle_log_nodes (event_id) WHERE level = 0;
      CREATE UNIQUE INDEX merkle_log_leaf_position ON merkle_log_nodes (position) WHERE level = 0;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE merkle_log_nodes');
  }
}
