import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, toShanghaiDate, type OfficialCalendar } from '@ledger/domain';
import {
  EVENT_STORE,
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '@ledger/event-store';
import type { Actor } from '../auth';
import { ProjectionsService } from '../projections/projections.service';
import { CalendarService } from '../calendar/calendar.service';
import { StreamCache, type CachedStream } from './stream-cache';

export interface CommandContext {
  actor: Actor;
  /** From If-Match: the stream version the caller decided on. */
  expectedVersion?: number;
  idempotencyKey?: string;
  /** sha256 of method, path and canonical body: tells a repeated request from another one. */
  requestHash: string;
  /** Valid time of the fact (an ISO instant): as given, or the ledger's clock on arrival. */
  occurredAt: string;
  correlationId?: string;
}

export interface DecidedEvent {
  type: string;
  data: unknown;
  /** The version of the event's shape, from its stream's decode point (ADR 010). Default 1. */
  schemaVersion?: number;
}

export interface CommandOutcome {
  streamId: string;
  version: number;
  position: number;
  eventIds: string[];
  /** What this request recorded (or, for a repeated request, what the first one did). */
  events: DecidedEvent[];
  replayed: boolean;
}

/** What the pipeline hands a decision: the stream as it stands, and the time of the command. */
export interface Decision {
  history: StoredEvent[];
  /** The stream folded, memoised across decisions on it (StreamCache.fold). */
  fold: CachedStream['fold'];
  /** Shanghai date of the command's valid time (occurredAt, default now). */
  on: string;
  /**
   * The official calendar as recorded in the ledger, for the years a deadline from `on` can
   * reach (the year of `on` and the next).
   */
  calendar: OfficialCalendar;
}

/** Appends differently when other rows must commit with the events (ADR 005). */
export type Appender = (
  streamId: string,
  events: NewEvent[],
  version: number,
  decided: DecidedEvent[],
) => Promise<AppendResult>;

/** Retries of a write that lost a race (no If-Match): enough for a burst of writers on one stream. */
const MAX_ATTEMPTS = 25;
/** Random backoff, growing with each lost race, so that writers stop colliding in lockstep. */
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(5 * attempt, 50)));

/**
 * Every command: read the stream, decide (fold, authorise, apply the rules), append at the
 * version read. Without If-Match a concurrent write is retried on fresh state; with it, it is
 * the caller's 409. Idempotency-Key: a repeated request is answered from what the first one
 * recorded, before anything is decided again. The answer waits (bounded) until the
 * projections show the write.
 */
@Injectable()
export class CommandPipeline {
  private readonly streams: StreamCache;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionsService,
    private readonly calendars: CalendarService,
  ) {
    this.streams = new StreamCache(store);
  }

  async run(
    streamId: string,
    context: CommandContext,
    decide: (decision: Decision) => DecidedEvent[],
    append?: Appender,
    /**
     * Who may give the command, on the stream as it stands. Runs before a repeated request is
     * answered from what the first one recorded, so a replay tells nobody what they may not
     * learn; `decide` authorises again on fresh state.
     */
    authorise?: (history: StoredEvent[]) => void,
  ): Promise<CommandOutcome> {
    const key = context.idempotencyKey && `${context.actor.sub}:${context.idempotencyKey}`;
    if (key) {
      const earlier = await this.store.readByIdempotencyKey(streamId, key);
      if (earlier.length > 0) {
        authorise?.((await this.streams.read(streamId)).history);
        return replay(streamId, earlier, context);
      }
    }
    const { occurredAt } = context;
    const on = toShanghaiDate(occurredAt);
    for (let attempt = 1; ; attempt++) {
      // The stream and the calendar's years in one round trip.
      const { history, version, fold, others } = await this.streams.read(
        streamId,
        this.calendars.streamsForDecisionOn(on),
      );
      const calendar = this.calendars.decisionCalendar(on, others);
      const decided = decide({ history, fold, on, calendar });
      if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
        throw new WrongExpectedVersionError(streamId, context.expectedVersion, version);
      }
      if (decided.length === 0) {
        // Nothing new to record (the same fact again): the stream as it stands.
        return {
          streamId,
          version,
          position: history.at(-1)?.position ?? 0,
          eventIds: [],
          events: [],
          replayed: false,
        };
      }
      const events: NewEvent[] = decided.map((event) => ({
        eventId: randomUUID(),
        type: event.type,
        schemaVersion: event.schemaVersion,
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
        const result = append
          ? await append(streamId, events, version, decided)
          : await this.store.append(streamId, events, { expectedVersion: version });
        if (result.replayed) {
          authorise?.((await this.streams.read(streamId)).history);
          return replay(streamId, await this.store.readByIdempotencyKey(streamId, key!), context);
        }
        await this.projections.waitForAppend(result, streamId, decided);
        return {
          streamId,
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
}

function replay(streamId: string, earlier: StoredEvent[], context: CommandContext): CommandOutcome {
  if (earlier[0].metadata.requestHash !== context.requestHash) {
    throw new ConflictError(
      'this Idempotency-Key was used for another request',
      'api-idempotency',
      'Idempotency-Key',
    );
  }
  const last = earlier[earlier.length - 1];
  return {
    streamId,
    version: last.version,
    position: last.position,
    eventIds: earlier.map((event) => event.eventId),
    events: earlier.map(({ type, data }) => ({ type, data })),
    replayed: true,
  };
}
