import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Readers are held back only by the ledger's own appends in flight, not by every transaction on
 * the server (docs/adr/007-read-horizon-from-the-ledgers-own-appends.md).
 *
 * - `ledger_append` takes a transaction-scoped SHARED advisory lock (the "append marker",
 *   key 7308604937434072140) before its transaction id is assigned, and holds it to commit or
 *   rollback. Otherwise it is the function of migration 1763850000000, unchanged.
 * - `ledger_read_horizon()` is the transaction id below which a reader may read: the lowest
 *   transaction id of the sessions of this database that hold the marker, and never more than
 *   the xmax of a snapshot taken before the lock table was looked at.
 * - `ledger_read_all(after, limit)` and `ledger_head_position()` compute the horizon first and
 *   read the events with a snapshot taken after it (one round trip, the order matters).
 */
export class LedgerReadHorizon1763850500000 implements MigrationInterface {
  name = 'LedgerReadHorizon1763850500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION ledger_read_horizon() RETURNS xid8
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        h bigint;
      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' OR pg_is_in_recovery() THEN
          -- One snapshot for the whole transaction, taken before the lock table could be read;
          -- or a standby, whose pg_locks does not show the primary's appends: only the
          -- server-wide rule is sound there (ADR 002).
          RETURN pg_snapshot_xmin(pg_current_snapshot());
        END IF;
        -- One statement, one snapshot (its xmax is n), then one scan of the lock table: the
        -- marker's holders in this database and the transaction ids they hold. pg_locks shows a
        -- 32-bit xid; running xids are within 2^31 of n, so n plus the signed 32-bit difference
        -- is the full xid8.
        WITH s AS (
          SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS n
        ), l AS MATERIALIZED (
          SELECT locktype, database, classid, objid, objsubid, virtualtransaction, transactionid,
                 mode, granted
          FROM pg_locks WHERE locktype IN ('advisory', 'transactionid')
        ), holders AS (
          SELECT l.virtualtransaction FROM l
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
            AND l.classid = (7308604937434072140 >> 32)::oid
            AND l.objid = (7308604937434072140 & 4294967295)::oid
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        )
        SELECT least(s.n, min(s.n + ((x.transactionid::text::bigint - s.n % 4294967296
                                       + 6442450944) % 4294967296 - 2147483648)))
          INTO h
        FROM s
        LEFT JOIN (
          SELECT l.transactionid FROM l JOIN holders USING (virtualtransaction)
          WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted
        ) x ON true
        GROUP BY s.n;
        RETURN h::text::xid8;
      END $$;

      CREATE FUNCTION ledger_read_all(p_after bigint, p_limit integer) RETURNS SETOF ledger_events
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        h xid8 := ledger_read_horizon();
      BEGIN
        -- A new statement: in READ COMMITTED its snapshot is taken after the horizon's.
        RETURN QUERY SELECT * FROM ledger_events e
          WHERE e.position > p_after AND e.transaction_id < h
          ORDER BY e.position LIMIT p_limit;
      END $$;

      CREATE FUNCTION ledger_head_position() RETURNS bigint
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        h xid8 := ledger_read_horizon();
        p bigint;
      BEGIN
        SELECT max(e.position) INTO p FROM ledger_events e WHERE e.transaction_id < h;
        RETURN coalesce(p, 0);
      END $$;

      CREATE OR REPLACE FUNCTION ledger_append(p_stream_id text, p_expected text, p_idempotency_key text, p_events jsonb)
      RETURNS TABLE (event_id uuid, version bigint, "position" bigint, recorded_at text, replayed boolean)
      LANGUAGE plpgsql AS $$
      DECLARE
        n          integer := jsonb_array_length(p_events);
        v_existing ledger_idempotency%ROWTYPE;
        v_positions bigint[];
        v_recorded timestamptz;
        v_recorded_text text;
        v_current  bigint;
        v_last_hash text;
        v_hashes   text[] := '{}';
        v_prevs    text[] := '{}';
        v_event    jsonb;
        i          integer;
      BEGIN
        IF n = 0 THEN
          RAISE EXCEPTION 'an append needs at least one event' USING ERRCODE = '22023';
        END IF;
        IF p_idempotency_key IS NOT NULL THEN
          SELECT * INTO v_existing FROM ledger_idempotency k WHERE k.idempotency_key = p_idempotency_key;
          IF FOUND THEN
            RETURN QUERY SELECT e.event_id, e.version, e.position, ledger_ts(e.recorded_at, true), true
              FROM ledger_events e
              WHERE e.stream_id = v_existing.stream_id
                AND e.version BETWEEN v_existing.first_version AND v_existing.last_version
              ORDER BY e.version;
            RETURN;
          END IF;
        END IF;
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
          RAISE EXCEPTION 'ledger_append must be the first write of its transaction' USING ERRCODE = '25000';
        END IF;

        -- The append marker, held to commit: readers wait for this transaction only (ADR 007).
        -- Taken before the transaction id exists, so a reader that can see the id can see it.
        PERFORM pg_advisory_xact_lock_shared(7308604937434072140);
        -- Transaction id, positions and system time, taken together under one short lock.
        PERFORM pg_advisory_lock(7308604937434072135);
        PERFORM pg_current_xact_id();
        SELECT array_agg(nextval('ledger_position_seq')) INTO v_positions FROM generate_series(1, n);
        v_recorded := clock_timestamp();
        PERFORM pg_advisory_unlock(7308604937434072135);
        v_recorded_text := ledger_ts(v_recorded, true);

        SELECT s.version, s.last_hash INTO v_current, v_last_hash
          FROM ledger_streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
        IF NOT FOUND THEN
          INSERT INTO ledger_streams (stream_id, version, last_hash) VALUES (p_stream_id, 0, NULL)
            ON CONFLICT DO NOTHING;
          SELECT s.version, s.last_hash INTO v_current, v_last_hash
            FROM ledger_streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
        END IF;
        IF (p_expected = 'no-stream' AND v_current <> 0)
           OR (p_expected = 'stream-exists' AND v_current = 0)
           OR (p_expected ~ '^[0-9]+$' AND v_current <> p_expected::bigint) THEN
          RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'LE001', DETAIL = v_current::text;
        END IF;

        IF p_idempotency_key IS NOT NULL THEN
          INSERT INTO ledger_idempotency VALUES (p_idempotency_key, p_stream_id, v_current + 1, v_current + n)
            ON CONFLICT DO NOTHING;
          IF NOT FOUND THEN
            -- A concurrent append with the same key committed first: the caller retries and replays it.
            RAISE EXCEPTION 'idempotency key taken concurrently' USING ERRCODE = 'LE002';
          END IF;
        END IF;

        FOR i IN 1..n LOOP
          v_event := p_events -> (i - 1);
          v_prevs := array_append(v_prevs, v_last_hash);
          v_last_hash := encode(sha256(convert_to(format(v_event ->> 'template',
            coalesce(to_json(v_last_hash)::text, 'null'),
            to_json(v_recorded_text)::text,
            (v_current + i)::text), 'UTF8')), 'hex');
          v_hashes := array_append(v_hashes, v_last_hash);
        END LOOP;

        RETURN QUERY
        INSERT INTO ledger_events AS e (position, transaction_id, event_id, stream_id, version, type,
            schema_version, data, metadata, occurred_at, recorded_at, prev_hash, hash)
        SELECT v_positions[x.i], pg_current_xact_id(), (x.ev ->> 'eventId')::uuid, p_stream_id,
            v_current + x.i, x.ev ->> 'type', (x.ev ->> 'schemaVersion')::integer, x.ev -> 'data',
            x.ev -> 'metadata', (x.ev ->> 'occurredAt')::timestamptz, v_recorded,
            v_prevs[x.i], v_hashes[x.i]
        FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, i)
        ORDER BY x.i
        RETURNING e.event_id, e.version, e.position, v_recorded_text, false;

        UPDATE ledger_streams SET version = v_current + n, last_hash = v_last_hash
          WHERE stream_id = p_stream_id;
      END $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // ledger_append keeps taking the marker: harmless to readers on the server-wide rule.
    await queryRunner.query(
      'DROP FUNCTION ledger_head_position(), ledger_read_all(bigint, integer), ledger_read_horizon()',
    );
  }
}
