import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Within a stream, positions follow versions (ADR 034). `ledger_append` took its positions
 * before it locked the stream's row, so two appends to one stream without an expected version
 * could take positions 10 and 11 and then versions in the other order: the stream's fold (by
 * version) and the projections (by position) then saw its events in different orders, and a
 * projection applied in the append's transaction could not be exact. It now takes a
 * transaction-level advisory lock on the stream (two-int key: 0x4c53, hashtext of the stream
 * id) after the append marker and before the position lock: one append of a stream at a time,
 * from before its positions to its commit. Otherwise the function of migration 1763850500000,
 * unchanged; the lock assigns no transaction id, so ADR 002's "first write" rule and ADR 007's
 * marker order hold as they were.
 */
export class LedgerStreamOrder1763862000000 implements MigrationInterface {
  name = 'LedgerStreamOrder1763862000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
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
        -- One append of a stream at a time from here to commit (ADR 034): positions are then
        -- taken in the stream's version order. An advisory lock assigns no transaction id, so
        -- this is still before the first write; the two-int form (space 0x4c53, "LS") never
        -- meets the store's, the migrator's or the projections' keys (0x4c50).
        PERFORM pg_advisory_xact_lock(19539, hashtext(p_stream_id));
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
    await queryRunner.query(`
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
}
