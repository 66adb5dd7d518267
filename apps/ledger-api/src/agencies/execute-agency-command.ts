import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  agencyStreamId,
  ConflictError,
  decide,
  foldAgency,
  type AgencyCommand,
  type AgencyEvent,
  type AgencyState,
} from '@ledger/domain';
import {
  EVENT_STORE,
  PostgresEventStore,
  type AppendResult,
  type EventStore,
  type NewEvent,
} from '@ledger/event-store';
import { assertCanActOnAgency, type Actor, type Role } from '../auth';
import {
  CommandPipeline,
  type CommandContext,
  type CommandOutcome,
  type DecidedEvent,
} from '../commands/command-pipeline';

type WithoutTime<C> = C extends unknown ? Omit<C, 'on' | 'calendar'> : never;

export class ExecuteAgencyCommand {
  constructor(
    readonly uscc: string,
    readonly command: WithoutTime<AgencyCommand>,
    /** Roles that may give this command (scoped to the agency's jurisdiction or own USCC). */
    readonly allowed: readonly Role[],
    readonly context: CommandContext,
  ) {}
}

/** Every agency command: read, fold, authorise, decide, append (CommandPipeline). */
@CommandHandler(ExecuteAgencyCommand)
export class ExecuteAgencyCommandHandler implements ICommandHandler<
  ExecuteAgencyCommand,
  CommandOutcome
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly pipeline: CommandPipeline,
  ) {}

  execute({ uscc, command, allowed, context }: ExecuteAgencyCommand): Promise<CommandOutcome> {
    return this.pipeline.run(
      agencyStreamId(uscc),
      context,
      ({ history, on, calendar }) => {
        const state = foldAgency(history.map((event) => event as unknown as AgencyEvent));
        authorise(uscc, command, state, allowed, context.actor);
        return decide({ ...command, on, calendar }, state);
      },
      (streamId, events, version, decided) => this.append(streamId, uscc, events, version, decided),
    );
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
    decided: DecidedEvent[],
  ): Promise<AppendResult> {
    const joined = (decided as AgencyEvent[]).find((e) => e.type === 'PersonnelJoined');
    const left = (decided as AgencyEvent[]).find((e) => e.type === 'PersonnelLeft');
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
        const taken = await client.query(
          `INSERT INTO agency_person_engagements (id_number_hash, uscc, person_id) VALUES ($1, $2, $3)
           ON CONFLICT (id_number_hash) DO NOTHING`,
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
}

function authorise(
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
