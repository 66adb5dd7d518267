import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ledger_append_batch`: several appends, each to its own stream with its own expected version
 * and idempotency key, in one call and one transaction: the adapter gathers the appends its
 * callers make while its earlier calls are still running (docs/adr/036-lean-reads-and-appends.md).
 *
 * Each append is checked on its own. One whose expected version is wrong gets a row with
 * `error` 'LE001' and its stream's version in `detail`, stores nothing, and the others go on;
 * one whose idempotency key is stored gets its stored events back (`replayed`). Anything else
 * that fails (an idempotency key taken by a concurrent append, an event id used before) fails
 * the whole call, and the adapter makes each append again on its own.
 *
 * ADR 002's order: the marker, then every position of the call with the transaction id and the
 * system time under one hold of the position lock (positions of a refused append become gaps).
 * Heads are locked in the order of the arrays; the adapter sorts them by stream, so two calls
 * never wait for each other in a cycle.
 */
export class LedgerAppendBatch1763870360200 implements MigrationInterface {
  name = 'LedgerAppendBatch1763870360200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION ledger_append_batch(p_streams text[], p_expected text[], p_keys text[],
        p_envelopes text[])
      RETURNS TABLE (item integer, event_id uuid, version bigint, "position" bigint,
        recorded_at text, replayed boolean, error text, detail text)
      LANGUAGE plpgsql AS $$
      DECLARE
        m          integer := coalesce(array_length(p_streams, 1), 0);
        v_total    integer := 0;
        v_templates text[];
        v_existing ledger_idempotency%ROWTYPE;
        v_next     bigint;
        v_recorded timestamptz;
        v_recorded_text text;
        v_recorded_json text;
        v_current  bigint;
        v_last_hash text;
        v_prev     text;
        v_text     text;
        v_env      jsonb;
        v_stream   text;
        v_expected text;
        n          integer;
        j          integer;
        i          integer;
      BEGIN
        IF m = 0 OR array_length(p_expected, 1) IS DISTINCT FROM m
           OR array_length(p_keys, 1) IS DISTINCT FROM m
           OR array_length(p_envelopes, 1) IS DISTINCT FROM m THEN
          RAISE EXCEPTION 'a batch needs one stream, expected version, key and envelopes per append'
            USING ERRCODE = '22023';
        END IF;
        FOR j IN 1..m LOOP
          n := coalesce(array_length(string_to_array(p_envelopes[j], E'\\n'), 1), 0);
          IF n = 0 THEN
            RAISE EXCEPTION 'an append needs at least one event' USING ERRCODE = '22023';
          END IF;
          v_total := v_total + n;
        END LOOP;
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
          RAISE EXCEPTION 'ledger_append must be the first write of its transaction' USING ERRCODE = '25000';
        END IF;

        -- ADR 007's marker, then ADR 002's lock: one hold for every position of the call.
        PERFORM pg_advisory_xact_lock_shared(7308604937434072140);
        PERFORM pg_advisory_lock(7308604937434072135);
        PERFORM pg_current_xact_id();
        v_next := nextval('ledger_position_seq');
        IF v_total > 1 THEN
          PERFORM setval('ledger_position_seq', v_next + v_total - 1);
        END IF;
        v_recorded := clock_timestamp();
        PERFORM pg_advisory_unlock(7308604937434072135);
        v_recorded_text := ledger_ts(v_recorded, true);
        v_recorded_json := '"' || v_recorded_text || '"';

        FOR j IN 1..m LOOP
          v_stream := p_streams[j];
          v_expected := p_expected[j];
          v_templates := string_to_array(p_envelopes[j], E'\\n');
          n := array_length(v_templates, 1);

          IF p_keys[j] IS NOT NULL THEN
            SELECT * INTO v_existing FROM ledger_idempotency k WHERE k.idempotency_key = p_keys[j];
            IF FOUND THEN
              RETURN QUERY SELECT j, e.event_id, e.version, e.position, ledger_ts(e.recorded_at, true),
                  true, NULL::text, NULL::text
                FROM ledger_events e
                WHERE e.stream_id = v_existing.stream_id
                  AND e.version BETWEEN v_existing.first_version AND v_existing.last_version
                ORDER BY e.version;
              v_next := v_next + n;
              CONTINUE;
            END IF;
          END IF;

          SELECT s.version, s.last_hash INTO v_current, v_last_hash
            FROM ledger_streams s WHERE s.stream_id = v_stream FOR UPDATE;
          IF NOT FOUND THEN
            INSERT INTO ledger_streams (stream_id, version, last_hash) VALUES (v_stream, 0, NULL)
              ON CONFLICT DO NOTHING;
            SELECT s.version, s.last_hash INTO v_current, v_last_hash
              FROM ledger_streams s WHERE s.stream_id = v_stream FOR UPDATE;
          END IF;
          IF (v_expected = 'no-stream' AND v_current <> 0)
             OR (v_expected = 'stream-exists' AND v_current = 0)
             OR (v_expected ~ '^[0-9]+$' AND v_current <> v_expected::bigint) THEN
            item := j; event_id := NULL; version := NULL; "position" := NULL; recorded_at := NULL;
            replayed := false; error := 'LE001'; detail := v_current::text;
            RETURN NEXT;
            v_next := v_next + n;
            CONTINUE;
          END IF;

          IF p_keys[j] IS NOT NULL THEN
            INSERT INTO ledger_idempotency VALUES (p_keys[j], v_stream, v_current + 1, v_current + n)
              ON CONFLICT DO NOTHING;
            IF NOT FOUND THEN
              RAISE EXCEPTION 'idempotency key taken concurrently' USING ERRCODE = 'LE002';
            END IF;
          END IF;

          FOR i IN 1..n LOOP
            v_text := format(v_templates[i], coalesce(to_json(v_last_hash)::text, 'null'),
              v_recorded_json, (v_current + i)::text);
            v_env := v_text::jsonb;
            IF v_env ->> 'streamId' IS DISTINCT FROM v_stream THEN
              RAISE EXCEPTION 'an envelope names another stream' USING ERRCODE = '22023';
            END IF;
            v_prev := v_last_hash;
            v_last_hash := encode(sha256(convert_to(v_text, 'UTF8')), 'hex');
            RETURN QUERY
            INSERT INTO ledger_events AS e (position, transaction_id, event_id, stream_id, version,
                type, schema_version, data, metadata, occurred_at, recorded_at, prev_hash, hash)
            VALUES (v_next, pg_current_xact_id(), (v_env ->> 'eventId')::uuid, v_stream,
                v_current + i, v_env ->> 'type', (v_env ->> 'schemaVersion')::integer,
                v_env -> 'data', v_env -> 'metadata', (v_env ->> 'occurredAt')::timestamptz,
                v_recorded, v_prev, v_last_hash)
            RETURNING j, e.event_id, e.version, e.position, v_recorded_text, false, NULL::text,
              NULL::text;
            v_next := v_next + 1;
          END LOOP;

          UPDATE ledger_streams SET version = v_current + n, last_hash = v_last_hash
            WHERE stream_id = v_stream;
        END LOOP;
      END $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION ledger_append_batch(text[], text[], text[], text[])');
  }
}
