import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ledger_read_page(after, limit)`: `ledger_read_all` (same horizon, same rows, ADR 007) with
 * the two timestamps as the server's plain text output instead of `ledger_ts()`'s `to_char`,
 * which was half of the server's time for a read (BENCHMARKS.md, issue 14). The adapter turns
 * `2026-03-01 09:30:00.12` into `2026-03-01T09:30:00.120Z` (occurredAt, milliseconds) or
 * `…:00.120000Z` (recordedAt, microseconds): the same strings `ledger_ts` gives. The function
 * fixes DateStyle so no session setting can change that text; years outside 1–9999, whose text
 * has another shape, still go through `ledger_ts` (docs/adr/036-lean-reads-and-appends.md).
 */
export class LedgerReadPage1763870360000 implements MigrationInterface {
  name = 'LedgerReadPage1763870360000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION ledger_read_page(p_after bigint, p_limit integer)
      RETURNS TABLE ("position" bigint, event_id uuid, stream_id text, version bigint, type text,
        schema_version integer, data jsonb, metadata jsonb, occurred_at text, recorded_at text,
        prev_hash text, hash text)
      LANGUAGE plpgsql VOLATILE SET "DateStyle" = 'ISO, YMD' AS $$
      DECLARE
        h xid8 := ledger_read_horizon();
      BEGIN
        -- A new statement: in READ COMMITTED its snapshot is taken after the horizon's.
        RETURN QUERY SELECT e.position, e.event_id, e.stream_id, e.version, e.type,
            e.schema_version, e.data, e.metadata,
            CASE WHEN e.occurred_at >= '0001-01-01T00:00:00Z' AND e.occurred_at < '10000-01-01T00:00:00Z'
              THEN (e.occurred_at AT TIME ZONE 'UTC')::text ELSE ledger_ts(e.occurred_at, false) END,
            CASE WHEN e.recorded_at >= '0001-01-01T00:00:00Z' AND e.recorded_at < '10000-01-01T00:00:00Z'
              THEN (e.recorded_at AT TIME ZONE 'UTC')::text ELSE ledger_ts(e.recorded_at, true) END,
            e.prev_hash, e.hash
          FROM ledger_events e
          WHERE e.position > p_after AND e.transaction_id < h
          ORDER BY e.position LIMIT p_limit;
      END $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION ledger_read_page(bigint, integer)');
  }
}
