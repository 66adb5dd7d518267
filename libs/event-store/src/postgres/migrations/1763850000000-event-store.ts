import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store's schema. Why it looks like this: docs/adr/002-gap-free-global-order.md and
 * docs/adr/004-append-only-and-hash-chain.md.
 */
export class EventStore1763850000000 implements MigrationInterface {
  name = 'EventStore1763850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      -- CACHE 1: a per-session cache would hand out positions out of order across sessions.
      CREATE SEQUENCE ledger_position_seq AS bigint CACHE 1;

      CREATE TABLE ledger_streams (
        stream_id  text PRIMARY KEY,
        version    bigint NOT NULL CHECK (version >= 0),
        last_hash  text
      );

      CREATE TABLE ledger_events (
        position        bigint PRIMARY KEY,
        transaction_id  xid8 NOT NULL,
        event_id        uuid NOT NULL UNIQUE,
        stream_id       text NOT NULL,
        version         bigint NOT NULL CHECK (version >= 1),
        type            text NOT NULL,
        schema_version  integer NOT NULL,
        data            jsonb NOT NULL,
        metadata        jsonb NOT NULL,
        occurred_at     timestamptz NOT NULL,
        recorded_at     timestamptz NOT NULL,
        prev_hash       text,
        hash            text NOT NULL,
        UNIQUE (stream_id, version)
      );

      CREATE TABLE ledger_idempotency (
        idempotency_key  text PRIMARY KEY,
        stream_id        text NOT NULL,
        first_version    bigint NOT NULL,
        last_version     bigint NOT NULL
      );

      CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'LE003';
      END $$;

      CREATE TRIGGER ledger_events_append_only BEFORE UPDATE OR DELETE ON ledger_events
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
      CREATE TRIGGER ledger_events_no_truncate BEFORE TRUNCATE ON ledger_events
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
      CREATE TRIGGER ledger_idempotency_append_only BEFORE UPDATE OR DELETE ON ledger_idempotency
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
      CREATE TRIGGER ledger_idempotency_no_truncate BEFORE TRUNCATE ON ledger_idempotency
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
      -- A stream's head moves forward; it is never removed.
      CREATE TRIGGER ledger_streams_no_delete BEFORE DELETE ON ledger_streams
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
      CREATE TRIGGER ledger_streams_no_truncate BEFORE TRUNCATE ON ledger_streams
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

      REVOKE UPDATE, DELETE, TRUNCATE ON ledger_events, ledger_idempotency FROM PUBLIC;
      REVOKE DELETE, TRUNCATE ON ledger_streams FROM PUBLIC;

      CREATE FUNCTION ledger_ts(t timestamptz, micro boolean) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN micro
          THEN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
          ELSE to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END
      $$;

      /*
       * Appends events to one stream in one round trip. p_events is a JSON array of
       * { eventId, type, schemaVersion, data, metadata, occurredAt, template } where template is
       * the event's RFC 8785 canonical envelope with %1$s for prevHash, %2$s for recordedAt and
       * %3$s for version (every other % doubled): the store fills in what only it knows and
       * hashes the result, so the hash covers exactly what it stores.
       *
       * Must be the first write of its transaction: the transaction id is assigned under the
       * position lock so that transaction ids and positions grow together (ADR 002).
       */
      CREATE FUNCTION ledger_append(p_stream_id text, p_expected text, p_idempotency_key text, p_events jsonb)
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

  down(): Promise<void> {
    return Promise.reject(new Error('the event store is never dropped by a migration'));
  }
}
