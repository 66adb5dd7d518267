import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideInspectionPlan,
  decodeInspectionPlanEvent,
  foldInspectionPlan,
  inspectionPlanSchemaVersion,
  inspectionPlanStreamId,
  type DrawInspectionPlan,
} from '@ledger/domain';
import { assertCanActInJurisdiction } from '../auth';
import {
  CommandPipeline,
  type CommandContext,
  type CommandOutcome,
} from '../commands/command-pipeline';

export class ExecuteInspectionPlanCommand {
  constructor(
    readonly planId: string,
    readonly command: Omit<DrawInspectionPlan, 'on'>,
    readonly context: CommandContext,
  ) {}
}

/** Draws a plan in its own stream: read, fold, authorise, decide at the valid date, append. */
@CommandHandler(ExecuteInspectionPlanCommand)
export class ExecuteInspectionPlanCommandHandler implements ICommandHandler<
  ExecuteInspectionPlanCommand,
  CommandOutcome
> {
  constructor(private readonly pipeline: CommandPipeline) {}

  execute({ planId, command, context }: ExecuteInspectionPlanCommand): Promise<CommandOutcome> {
    const authorise = () =>
      assertCanActInJurisdiction(context.actor, command.jurisdiction, ['regulator']);
    return this.pipeline.run(
      inspectionPlanStreamId(planId),
      context,
      ({ history, on }) => {
        authorise();
        const state = foldInspectionPlan(history.map(decodeInspectionPlanEvent));
        return decideInspectionPlan({ ...command, on }, state).map((event) => ({
          ...event,
          schemaVersion: inspectionPlanSchemaVersion(event.type),
        }));
      },
      undefined,
      authorise,
    );
  }
}
