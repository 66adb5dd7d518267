import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiCommandResponses } from '../http/openapi';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  toShanghaiDate,
  type ReevaluationProposed,
  type ReevaluationPublished,
} from '@ledger/domain';
import { CurrentActor, Roles, type Actor } from '../auth';
import type { CommandContext, CommandOutcome } from '../commands/command-pipeline';
import { commandContext } from '../commands/request-context';
import { ParseReevaluationIdPipe, ParseUsccPipe } from '../http';
import { ExecuteAgencyCommand } from '../agencies/execute-agency-command';
import { AGENCY_ID_HEAD, answer, newSuffix, owner } from './grading.controller';
import { GradingService } from './grading.service';
import { ProposeReevaluationDto, PublishReevaluationDto } from './reevaluation.dto';

/**
 * Beijing's re-evaluation between cycles (seed 000 Art. 22, 23): the regulator records the new
 * score, the policy in force proposes the grade (a binding direct downgrade still wins), five
 * working days of publicity run (Art. 16), and the publication is a grade decision in force
 * from its valid date.
 */
@ApiTags('grading')
@Controller('api/v1')
export class ReevaluationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly grading: GradingService,
  ) {}

  @Post('agencies/:uscc/reevaluations')
  @ApiCommandResponses({
    refused: 'Beijing Art. 22, 23: no pending upgrade request, or not a Beijing agency',
  })
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({
    summary:
      'Re-evaluate a Beijing agency between cycles: after its accepted upgrade request (beijing-23) or from supervision (beijing-22); the policy proposes the grade from the score, publicity starts (beijing-16)',
  })
  async propose(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: ProposeReevaluationDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const context = commandContext(req, actor, body.occurredAt);
    const { policyId, candidate } = await this.grading.reevaluationCandidate(
      uscc,
      toShanghaiDate(context.occurredAt),
    );
    const outcome = await this.execute(uscc, context, {
      type: 'ProposeReevaluation',
      reevaluationId: `${uscc}.${newSuffix()}`,
      basis: body.basis,
      score: body.score,
      reason: body.reason,
      policyId,
      candidate,
    });
    // From what was recorded: a repeated request answers the first one's id and proposal.
    const proposed = (outcome.events[0] as ReevaluationProposed).data;
    return answer(res, outcome, {
      uscc,
      reevaluationId: proposed.reevaluationId,
      article: proposed.article,
      proposal: proposed.proposal,
      publicityEndsOn: proposed.publicityEndsOn,
    });
  }

  @Post('reevaluations/:reevaluationId/publication')
  @ApiCommandResponses({
    notFound: 'no such re-evaluation',
    refused: 'Beijing Art. 16: publicity has not ended',
  })
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({
    summary:
      'Publish a re-evaluation after its publicity: the grade is in force from the valid date (beijing-16, beijing-22, beijing-23)',
  })
  async publish(
    @Param('reevaluationId', ParseReevaluationIdPipe) reevaluationId: string,
    @Body() body: PublishReevaluationDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const uscc = owner(reevaluationId, 'reevaluationId', AGENCY_ID_HEAD);
    const context = commandContext(req, actor, body.occurredAt);
    const downgrades = await this.grading.downgradesOf(uscc, toShanghaiDate(context.occurredAt));
    const outcome = await this.execute(uscc, context, {
      type: 'PublishReevaluation',
      reevaluationId,
      downgrades,
    });
    const published = (outcome.events[0] as ReevaluationPublished).data;
    return answer(res, outcome, {
      uscc,
      reevaluationId,
      grade: published.grade.grade,
      score: published.grade.score,
      effectiveFrom: published.publishedOn,
    });
  }

  private execute(uscc: string, context: CommandContext, command: ExecuteAgencyCommand['command']) {
    return this.commands.execute<ExecuteAgencyCommand, CommandOutcome>(
      new ExecuteAgencyCommand(uscc, command, ['regulator'], context),
    );
  }
}
