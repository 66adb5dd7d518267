import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  cycleSchemaVersion,
  cycleStreamId,
  decideCycle,
  decodeCycleEvent,
  foldCycle,
  type CycleCommand,
  type CycleState,
  type Jurisdiction,
} from '@ledger/domain';
import type { StoredEvent } from '@ledger/event-store';
import { assertCanActInJurisdiction, assertCanActOnAgency } from '../auth';
import {
  CommandPipeline,
  type CommandContext,
  type CommandOutcome,
} from '../commands/command-pipeline';

type WithoutOn<C> = C extends unknown ? Omit<C, 'on' | 'calendar'> : never;

export class ExecuteCycleCommand {
  constructor(
    readonly cycleId: string,
    readonly command: WithoutOn<CycleCommand>,
    readonly context: CommandContext,
  ) {}
}

/**
 * Grading-cycle commands. A cycle decides by its valid time: publicity, objection windows and
 * publication dates are those of the command's `occurredAt` (default: today).
 */
@CommandHandler(ExecuteCycleCommand)
export class ExecuteCycleCommandHandler implements ICommandHandler<
  ExecuteCycleCommand,
  CommandOutcome
> {
  constructor(private readonly pipeline: CommandPipeline) {}

  execute({ cycleId, command, context }: ExecuteCycleCommand): Promise<CommandOutcome> {
    const authorise = (state: CycleState) => {
      const jurisdiction: Jurisdiction | undefined =
        command.type === 'StartGradingCycle' ? command.jurisdiction : state.started?.jurisdiction;
      if (jurisdiction === undefined) return;
      if (command.type === 'FileObjection')
        assertCanActOnAgency(context.actor, { uscc: command.uscc, jurisdiction }, ['agency']);
      else if (command.type === 'DecideObjection')
        assertCanActInJurisdiction(context.actor, jurisdiction, ['regulator', 'reviewer']);
      else assertCanActInJurisdiction(context.actor, jurisdiction, ['regulator']);
    };
    const fold = (history: StoredEvent[]) => foldCycle(history.map(decodeCycleEvent));
    return this.pipeline.run(
      cycleStreamId(cycleId),
      context,
      ({ history, on, calendar }) => {
        const state = fold(history);
        authorise(state);
        return decideCycle({ ...command, on, calendar } as CycleCommand, state).map((event) => ({
          ...event,
          schemaVersion: cycleSchemaVersion(event.type),
        }));
      },
      undefined,
      (history) => authorise(fold(history)),
    );
  }
}
