import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  agencySchemaVersion,
  agencyStreamId,
  decide,
  decodeAgencyEvent,
  evolve,
  foldAgency,
  initialAgencyState,
  NotFoundError,
  DuplicateDecisionNumber,
  PENALTY_DECISION_SCOPE,
  PersonEngagedElsewhere,
  RuleViolation,
  USCC_SCOPE,
  UsccAlreadyRegistered,
  personReservations,
  toShanghaiDate,
  type AgencyCommand,
  type AgencyEvent,
  type AgencyState,
} from '@ledger/domain';
import {
  EVENT_STORE,
  ReservationConflictError,
  type AppendResult,
  type EventStore,
  type NewEvent,
} from '@ledger/event-store';
import {
  assertCanActOnAgency,
  assertCanRecordAsAuthority,
  HOST_SUPERVISION_COMMANDS,
  type Actor,
  type Role,
} from '../auth';
import {
  CommandPipeline,
  type CommandContext,
  type CommandOutcome,
} from '../commands/command-pipeline';
import { PeopleService } from '../people/people.service';

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
    private readonly people: PeopleService,
  ) {}

  async execute(cmd: ExecuteAgencyCommand): Promise<CommandOutcome> {
    const { command } = cmd;
    if (command.type === 'AddPersonnel') {
      if (command.data.priorDeparture)
        await this.recordPriorDeparture(
          cmd,
          command.data.idNumberHash,
          command.data.priorDeparture,
        );
      // The hire is decided on the person's bans on its date (ADR 020).
      const hiredOn = command.data.joinedAt ?? toShanghaiDate(cmd.context.occurredAt);
      const bans = await this.people.bans(
        await this.people.namings(command.data.idNumberHash),
        hiredOn,
      );
      return this.decideAndAppend(
        new ExecuteAgencyCommand(cmd.uscc, { ...command, bans }, cmd.allowed, cmd.context),
      );
    }
    const outcome = await this.decideAndAppend(cmd);
    // The persons a decision names get it on their own record (ADR 020).
    if (
      command.type === 'ImposePenalty' ||
      command.type === 'RecordCreditFinding' ||
      command.type === 'RecordInspection'
    )
      await this.people.recordNamings(cmd.uscc, outcome);
    return outcome;
  }

  /**
   * Seed 002 §三.6 (and §七.3): a person whose previous agency never recorded the departure
   * (defunct, or not acting) is taken on by recording it there first, with date and proof.
   * Whoever may add personnel to the hiring agency (the agency itself, or its regulator) may
   * do this; the departure is stored on the previous agency's stream, where its regulator
   * sees it, naming the hiring agency, and releases the person. The hire then claims the
   * person as any hire does: of two agencies doing this at once, one claim wins (409 for
   * the other), so one person, one agency still holds.
   */
  private async recordPriorDeparture(
    { uscc, allowed, context }: ExecuteAgencyCommand,
    idNumberHash: string,
    prior: { uscc: string; leftAt: string; proof: string },
  ): Promise<void> {
    const hiring = foldAgency(
      (await this.store.readStream(agencyStreamId(uscc))).map(decodeAgencyEvent),
    );
    if (hiring.status === 'unregistered')
      throw new NotFoundError('the agency is not registered', 'national-faq-1-6', 'uscc');
    authorise(
      uscc,
      { type: 'AddPersonnel' } as WithoutTime<AgencyCommand>,
      hiring,
      allowed,
      context.actor,
    );
    if (hiring.status === 'deregistered') {
      throw new RuleViolation(
        'the agency is deregistered: its record can be read but accepts no further filings',
        'beijing-24',
        'uscc',
      );
    }
    await this.decideAndAppend(
      new ExecuteAgencyCommand(
        prior.uscc,
        {
          type: 'RecordDepartureForHire',
          idNumberHash,
          leftAt: prior.leftAt,
          proof: prior.proof,
          hiringAgency: uscc,
        },
        allowed,
        {
          ...context,
          // The If-Match of the request is the hiring agency's version, not this stream's.
          expectedVersion: undefined,
          idempotencyKey: context.idempotencyKey && `${context.idempotencyKey}:prior-departure`,
        },
      ),
      // Authorised above, on the hiring agency: the previous agency is not the caller's.
      () => undefined,
    );
  }

  private decideAndAppend(
    { uscc, command, allowed, context }: ExecuteAgencyCommand,
    authorised: typeof authorise = authorise,
  ): Promise<CommandOutcome> {
    // The state the last decision was taken on: a departure releases the person it names.
    let decidedOn: AgencyState = initialAgencyState;
    return this.pipeline.run(
      agencyStreamId(uscc),
      context,
      ({ fold, on, calendar }) => {
        // Folded from the state of the last decision on this stream: only new events apply.
        const state = fold('agency', initialAgencyState, (folded, event) =>
          evolve(folded, decodeAgencyEvent(event)),
        );
        authorised(uscc, command, state, allowed, context.actor);
        decidedOn = state;
        return decide({ ...asRecordedBy(command, state, context.actor), on, calendar }, state).map(
          (event) => ({
            ...event,
            schemaVersion: agencySchemaVersion(event.type),
          }),
        );
      },
      (streamId, events, version, decided) =>
        this.append(
          streamId,
          uscc,
          events,
          version,
          decided as AgencyEvent[],
          decidedOn,
          context.actor,
        ),
      (history) =>
        authorised(
          uscc,
          command,
          foldAgency(history.map(decodeAgencyEvent)),
          allowed,
          context.actor,
        ),
    );
  }

  /**
   * One person, one agency (national-faq-3) spans streams: a hire claims the person's identity
   * hash for this agency's stream, a departure releases it, through the event store's port
   * (ADR 005). Of two agencies hiring the same person at once, exactly one append is stored.
   */
  private async append(
    streamId: string,
    uscc: string,
    events: NewEvent[],
    version: number,
    decided: AgencyEvent[],
    state: AgencyState,
    actor: Actor,
  ): Promise<AppendResult> {
    const { claim, release } = personReservations(uscc, decided, state);
    try {
      return await this.store.append(streamId, events, {
        expectedVersion: version,
        claim,
        release,
      });
    } catch (error) {
      if (error instanceof ReservationConflictError && error.scope === PENALTY_DECISION_SCOPE) {
        // The agency a penalty was filed against is public (双公示): it may be named.
        const penalty = decided.find((event) => event.type === 'PenaltyImposed');
        throw new DuplicateDecisionNumber(
          penalty?.type === 'PenaltyImposed' ? penalty.data.decisionNumber : error.key,
          error.heldBy.holder.uscc,
        );
      }
      if (error instanceof ReservationConflictError && error.scope === USCC_SCOPE) {
        // One USCC, one registration (ADR 018): a registration, or a correction to the code.
        throw new UsccAlreadyRegistered(
          error.key,
          decided.some((event) => event.type === 'AgencyRecordCorrected')
            ? 'correctedValue'
            : 'uscc',
        );
      }
      if (error instanceof ReservationConflictError) {
        const employer = error.heldBy.holder.uscc;
        // Where a person works is personal data (PIPL): the other agency is named only to
        // its own regulator and to admins; anyone else learns that the person is engaged.
        throw new PersonEngagedElsewhere(
          (await this.mayLearnEmployer(actor, employer)) ? employer : undefined,
        );
      }
      throw error;
    }
  }

  private async mayLearnEmployer(actor: Actor, employer: string | undefined): Promise<boolean> {
    if (employer === undefined) return false;
    if (actor.role === 'admin') return true;
    if (actor.role !== 'regulator') return false;
    const registered = (await this.store.readStream(agencyStreamId(employer))).find(
      (event) => event.type === 'AgencyRegistered',
    );
    return (
      (registered?.data as { jurisdiction?: string } | undefined)?.jurisdiction ===
      actor.jurisdiction
    );
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
    command.type === 'RegisterAgency'
      ? command.data.jurisdiction
      : // A report (报备) is the host's business: its regulator, not the home's (ADR 016).
        command.type === 'ReportToJurisdiction'
        ? command.jurisdiction
        : state.jurisdiction;
  // An unknown agency is the decider's 404; whoever may act on some agency learns only that.
  if (jurisdiction === undefined) return;
  const host = HOST_SUPERVISION_COMMANDS.has(command.type);
  assertCanActOnAgency(
    actor,
    // The code the agency answers to: corrected, it is no longer the one its stream is keyed by.
    { uscc: state.uscc ?? uscc, jurisdiction, reportedTo: [...state.reports.keys()] },
    allowed,
    host,
  );
  // A host regulator records as an authority of its own jurisdiction.
  const recordingIn =
    host && actor.role === 'regulator' && actor.jurisdiction ? actor.jurisdiction : jurisdiction;
  assertCanRecordAsAuthority(actor, recordingIn, command.type);
}

/**
 * A supervision fact recorded by a host jurisdiction's regulator says so (ADR 016): its
 * `recordingJurisdiction` is the regulator's, where that is not the agency's home. Recorded by
 * the home regulator (or an admin) the field stays absent: the home.
 */
function asRecordedBy(
  command: WithoutTime<AgencyCommand>,
  state: AgencyState,
  actor: Actor,
): WithoutTime<AgencyCommand> {
  if (
    !HOST_SUPERVISION_COMMANDS.has(command.type) ||
    actor.role !== 'regulator' ||
    actor.jurisdiction === undefined ||
    actor.jurisdiction === state.jurisdiction
  )
    return command;
  const recordingJurisdiction = actor.jurisdiction;
  switch (command.type) {
    case 'RecordInspection':
    case 'ImposePenalty':
    case 'RecordCreditFinding':
      return { ...command, data: { ...command.data, recordingJurisdiction } } as typeof command;
    default:
      return command;
  }
}
