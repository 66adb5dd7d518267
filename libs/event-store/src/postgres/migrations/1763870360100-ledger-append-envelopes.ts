import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ledger_append_envelopes`: `ledger_append` (ADR 002, 004, 007: the same marker, position lock,
 * first-write rule, expected version, idempotency and hash chain) with less work per event
 * (docs/adr/036-lean-reads-and-appends.md).
 *
 * - The client sends each event once, as its canonical hash envelope with `%1$s` (prevHash),
 *   `%2$s` (recordedAt) and `%3$s` (version) in it (every other `%` doubled), the envelopes
 *   joined by newlines (canonical JSON has none). The function fills the envelope in, hashes it,
 *   and takes the stored columns from that same text: the hash covers exactly what is stored,
 *   and nothing travels twice. Before, each event went as its fields and its template, inside
 *   one JSON array that the server parsed whole.
 * - One event (most appends): no arrays, no loop, one position.
 *
 * `ledger_append` stays for appends of the previous adapter.
 */
export class LedgerAppendEnvelopes1763870360100 implements MigrationInterface {
  name = 'LedgerAppendEnvelopes1763870360100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION ledger_append_envelopes(p_stream_id text, p_expected text,
        p_idempotency_key text, p_envelopes text)
      RETURNS TABLE (event_id uuid, version bigint, "position" bigint, recorded_at text, replayed boolean)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_templates text[] := string_to_array(p_envelopes, E'\\n');
        n          integer := coalesce(array_length(v_templates, 1), 0);
        v_existing ledger_idempotency%ROWTYPE;
        v_first    bigint;
        v_recorded timestamptz;
        v_recorded_text text;
        v_recorded_json text;
        v_current  bigint;
        v_last_hash text;
        v_text     text;  -- an envelope filled in, then (one event) its hash
        v_env      jsonb;
        v_envs     jsonb[];
        v_hashes   text[];
        v_prevs    text[];
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
        -- Transaction id, positions and system time, taken together under one short lock
        -- (ADR 002). Nothing else takes positions, so under the lock they are consecutive.
        PERFORM pg_advisory_lock(7308604937434072135);
        PERFORM pg_current_xact_id();
        v_first := nextval('ledger_position_seq');
        IF n > 1 THEN
          PERFORM setval('ledger_position_seq', v_first + n - 1);
        END IF;
        v_recorded := clock_timestamp();
        PERFORM pg_advisory_unlock(7308604937434072135);
        v_recorded_text := ledger_ts(v_recorded, true);
        v_recorded_json := '"' || v_recorded_text || '"';

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

        IF n = 1 THEN
          v_text := format(v_templates[1], coalesce(to_json(v_last_hash)::text, 'null'),
            v_recorded_json, (v_current + 1)::text);
          v_env := v_text::jsonb;
          IF v_env ->> 'streamId' IS DISTINCT FROM p_stream_id THEN
            RAISE EXCEPTION 'an envelope names another stream' USING ERRCODE = '22023';
          END IF;
          v_text := encode(sha256(convert_to(v_text, 'UTF8')), 'hex');
          RETURN QUERY
          INSERT INTO ledger_events AS e (position, transaction_id, event_id, stream_id, version, type,
              schema_version, data, metadata, occurred_at, recorded_at, prev_hash, hash)
          VALUES (v_first, pg_current_xact_id(), (v_env ->> 'eventId')::uuid, p_stream_id,
              v_current + 1, v_env ->> 'type', (v_env ->> 'schemaVersion')::integer, v_env -> 'data',
              v_env -> 'metadata', (v_env ->> 'occurredAt')::timestamptz, v_recorded, v_last_hash, v_text)
          RETURNING e.event_id, e.version, e.position, v_recorded_text, false;
          UPDATE ledger_streams SET version = v_current + 1, last_hash = v_text
            WHERE stream_id = p_stream_id;
          RETURN;
        END IF;

        FOR i IN 1..n LOOP
          v_text := format(v_templates[i], coalesce(to_json(v_last_hash)::text, 'null'),
            v_recorded_json, (v_current + i)::text);
          v_env := v_text::jsonb;
          IF v_env ->> 'streamId' IS DISTINCT FROM p_stream_id THEN
            RAISE EXCEPTION 'an envelope names another stream' USING ERRCODE = '22023';
          END IF;
          v_prevs[i] := v_last_hash;
          v_last_hash := encode(sha256(convert_to(v_text, 'UTF8')), 'hex');
          v_hashes[i] := v_last_hash;
          v_envs[i] := v_env;
        END LOOP;

        RETURN QUERY
        INSERT INTO ledger_events AS e (position, transaction_id, event_id, stream_id, version, type,
            schema_version, data, metadata, occurred_at, recorded_at, prev_hash, hash)
        SELECT v_first + x.i - 1, pg_current_xact_id(), (x.env ->> 'eventId')::uuid, p_stream_id,
            v_current + x.i, x.env ->> 'type', (x.env ->> 'schemaVersion')::integer, x.env -> 'data',
            x.env -> 'metadata', (x.env ->> 'occurredAt')::timestamptz, v_recorded, x.prev, x.hash
        FROM unnest(v_envs, v_prevs, v_hashes) WITH ORDINALITY AS x(env, prev, hash, i)
        ORDER BY x.i
        RETURNING e.event_id, e.version, e.position, v_recorded_text, false;

        UPDATE ledger_streams SET version = v_current + n, last_hash = v_last_hash
          WHERE stream_id = p_stream_id;
      END $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION ledger_append_envelopes(text, text, text, text)');
  }
}
