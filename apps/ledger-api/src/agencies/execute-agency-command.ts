import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  agencyStreamId,
  ConflictError,
  decide,
  foldAgency,
  toShanghaiDate,
  type AgencyCommand,
  type AgencyEvent,
  type AgencyState,
} from '@ledger/domain';
import {
  EVENT_STORE,
  PostgresEventStore,
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '@ledger/event-store';
import { assertCanActOnAgency, type Actor, type Role } from '../auth';
import { RegistryProjectionService } from '../projections/registry-projection.service';

type WithoutTime<C> = C extends unknown ? Omit<C, 'today'> : never;

export interface CommandContext {
  actor: Actor;
  /** From If-Match: the stream version the caller decided on. */
  expectedVersion?: number;
  idempotencyKey?: string;
  /** sha256 of method, path and canonical body: tells a repeated request from another one. */
  requestHash: string;
  /** Valid time of the fact; default now. */
  occurredAt?: string;
  correlationId?: string;
}

export class ExecuteAgencyCommand {
  constructor(
    readonly uscc: string,
    readonly command: WithoutTime<AgencyCommand>,
    /** Roles that may give this command (scoped to the agency's jurisdiction or own USCC). */
    readonly allowed: readonly Role[],
    readonly context: CommandContext,
  ) {}
}

export interface CommandOutcome {
  uscc: string;
  version: number;
  position: number;
  eventIds: string[];
  /** What this request recorded (or, for a repeated request, what the first one did). */
  events: { type: string; data: unknown }[];
  replayed: boolean;
}

/** Retries of a write that lost a race (no If-Match): enough for a burst of writers on one agency. */
const MAX_ATTEMPTS = 25;
/** Random backoff, growing with each lost race, so that writers stop colliding in lockstep. */
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(5 * attempt, 50)));

/**
 * Every agency command: read the stream, fold, authorise, decide, append at the version read.
 * Without If-Match a concurrent write is retried on fresh state; with it, it is the caller's
 * 409. Idempotency-Key: a repeated request is answered from what the first one recorded.
 */
@CommandHandler(ExecuteAgencyCommand)
export class ExecuteAgencyCommandHandler implements ICommandHandler<
  ExecuteAgencyCommand,
  CommandOutcome
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: RegistryProjectionService,
  ) {}

  async execute({
    uscc,
    command,
    allowed,
    context,
  }: ExecuteAgencyCommand): Promise<CommandOutcome> {
    const streamId = agencyStreamId(uscc);
    const key = context.idempotencyKey && `${context.actor.sub}:${context.idempotencyKey}`;
    if (key) {
      const earlier = await this.store.readByIdempotencyKey(streamId, key);
      if (earlier.length > 0) return this.replay(uscc, earlier, context);
    }
    for (let attempt = 1; ; attempt++) {
      const history = await this.store.readStream(streamId);
      const state = foldAgency(history.map((event) => event as unknown as AgencyEvent));
      const version = history.at(-1)?.version ?? 0;
      this.authorise(uscc, command, state, allowed, context.actor);
      if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
        throw new WrongExpectedVersionError(streamId, context.expectedVersion, version);
      }
      const now = new Date();
      const decided = decide({ ...command, today: toShanghaiDate(now) } as AgencyCommand, state);
      const occurredAt = context.occurredAt ?? now.toISOString();
      const events: NewEvent[] = decided.map((event) => ({
        eventId: randomUUID(),
        type: event.type,
        data: event.data,
        occurredAt,
        metadata: {
          actor: context.actor.sub,
          role: context.actor.role,
          ...(context.actor.jurisdiction && { jurisdiction: context.actor.jurisdiction }),
          correlationId: context.correlationId ?? randomUUID(),
          ...(key && { idempotencyKey: key }),
          requestHash: context.requestHash,
        },
      }));
      try {
        const result = await this.append(streamId, uscc, events, version, decided);
        if (result.replayed)
          return this.replay(uscc, await this.store.readByIdempotencyKey(streamId, key!), context);
        await this.registry.waitFor(result.position);
        return {
          uscc,
          version: result.version,
          position: result.position,
          eventIds: result.eventIds,
          events: decided,
          replayed: false,
        };
      } catch (error) {
        const retry =
          error instanceof WrongExpectedVersionError && context.expectedVersion === undefined;
        if (!retry || attempt === MAX_ATTEMPTS) throw error;
        await backoff(attempt);
      }
    }
  }

  private authorise(
    uscc: string,
    command: WithoutTime<AgencyCommand>,
    state: AgencyState,
    allowed: readonly Role[],
    actor: Actor,
  ): void {
    const jurisdiction =
      command.type === 'RegisterAgency' ? command.data.jurisdiction : state.jurisdiction;
    // An unknown agency is the decider's 404; whoever may act on some agency learns only that.
    if (jurisdiction === undefined) return;
    assertCanActOnAgency(actor, { uscc, jurisdiction }, allowed);
  }

  /**
   * One person, one agency (national-faq-3) spans streams: an engagement row keyed by the
   * person's keyed hash is written in the same transaction as PersonnelJoined, and removed in
   * the one that records the departure. Two agencies hiring the same person at once: the
   * primary key lets exactly one commit (ADR 005).
   */
  private async append(
    streamId: string,
    uscc: string,
    events: NewEvent[],
    version: number,
    decided: AgencyEvent[],
  ): Promise<AppendResult> {
    const joined = decided.find((e) => e.type === 'PersonnelJoined');
    const left = decided.find((e) => e.type === 'PersonnelLeft');
    if (!joined && !left) return this.store.append(streamId, events, { expectedVersion: version });
    if (!(this.store instanceof PostgresEventStore)) {
      throw new Error('personnel changes need the PostgreSQL event store (ADR 005)');
    }
    const client = await this.store.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await this.store.appendInTransaction(client, streamId, events, {
        expectedVersion: version,
      });
      if (joined) {
        const { idNumberHash, personId } = joined.data;
        const taken = await client.query<{ uscc: string }>(
          `INSERT INTO agency_person_engagements (id_number_hash, uscc, person_id) VALUES ($1, $2, $3)
           ON CONFLICT (id_number_hash) DO NOTHING RETURNING uscc`,
          [idNumberHash, uscc, personId],
        );
        if (taken.rowCount === 0) {
          const { rows } = await client.query<{ uscc: string }>(
            'SELECT uscc FROM agency_person_engagements WHERE id_number_hash = $1',
            [idNumberHash],
          );
          throw new ConflictError(
            `this person is on the staff of agency ${rows[0]?.uscc ?? 'another agency'}; record the departure there first`,
            'national-faq-3',
            'idNumber',
          );
        }
      }
      if (left) {
        await client.query('DELETE FROM agency_person_engagements WHERE person_id = $1', [
          left.data.personId,
        ]);
      }
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private replay(uscc: string, earlier: StoredEvent[], context: CommandContext): CommandOutcome {
    if (earlier[0].metadata.requestHash !== context.requestHash) {
      throw new ConflictError(
        'this Idempotency-Key was used for another request',
        'api-idempotency',
        'Idempotency-Key',
      );
    }
    const last = earlier[earlier.length - 1];
    return {
      uscc,
      version: last.version,
      position: last.position,
      eventIds: earlier.map((event) => event.eventId),
      events: earlier.map(({ type, data }) => ({ type, data })),
      replayed: true,
    };
  }
}
