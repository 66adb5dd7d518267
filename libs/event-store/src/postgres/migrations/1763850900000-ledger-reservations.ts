import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Unique values held across streams, behind the port's `claim`/`release` (ADR 005):
 * `ledger_reservations(scope, key)` replaces `agency_person_engagements`, which only the API's
 * personnel handler wrote, in SQL of its own. Each engaged person becomes the `person` claim
 * of their agency's stream, telling a refused claimant the agency's USCC as before.
 * Derived from the events, like the table it replaces.
 */
export class LedgerReservations1763850900000 implements MigrationInterface {
  name = 'LedgerReservations1763850900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ledger_reservations (
        scope       text NOT NULL,
        key         text NOT NULL,
        stream_id   text NOT NULL,
        holder      jsonb NOT NULL DEFAULT '{}',
        claimed_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      );
      INSERT INTO ledger_reservations (scope, key, stream_id, holder)
        SELECT 'person', id_number_hash, 'agency-' || uscc, jsonb_build_object('uscc', uscc)
        FROM agency_person_engagements;
      DROP TABLE agency_person_engagements;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE agency_person_engagements (
        id_number_hash  text PRIMARY KEY,
        uscc            text NOT NULL,
        person_id       text NOT NULL UNIQUE
      );
      INSERT INTO agency_person_engagements (id_number_hash, uscc, person_id)
        SELECT r.key, r.holder ->> 'uscc',
          (SELECT e.data ->> 'personId' FROM ledger_events e
            WHERE e.stream_id = r.stream_id AND e.type = 'PersonnelJoined'
              AND e.data ->> 'idNumberHash' = r.key
            ORDER BY e.version DESC LIMIT 1)
        FROM ledger_reservations r WHERE r.scope = 'person';
      DROP TABLE ledger_reservations;
    `);
  }
}
