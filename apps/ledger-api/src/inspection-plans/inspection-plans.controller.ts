import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  INSPECTION_PLAN_ID,
  inspectionPlanIdOf,
  toShanghaiDate,
  verifyInspectionPlan,
  type InspectionPlanDrawn,
  type Jurisdiction,
} from '@ledger/domain';
import { assertCanActInJurisdiction, CurrentActor, Roles, requireActor, type Actor } from '../auth';
import type { CommandOutcome } from '../commands/command-pipeline';
import { commandContext } from '../commands/request-context';
import { ParseIdPipe, versionETag } from '../http';
import { ExecuteInspectionPlanCommand } from './execute-inspection-plan-command';
import {
  DrawInspectionPlanDto,
  InspectionPlanDrawnDto,
  InspectionPlanDto,
  InspectionPlanVerificationDto,
} from './inspection-plans.dto';
import { InspectionPlansService, noPlan } from './inspection-plans.service';
import { ApiCommandResponses, ApiQueryResponses } from '../http/openapi';

const ParsePlanIdPipe = new ParseIdPipe(INSPECTION_PLAN_ID, 'a plan id such as chongqing-2027-Q1');

/** Who reads and verifies plans: regulators (of the plan's jurisdiction), auditors, reviewers. */
const READERS = ['regulator', 'auditor', 'reviewer'] as const;

const jurisdictionOfPlan = (planId: string) => planId.split('-')[0] as Jurisdiction;

@ApiTags('inspection plans')
@Controller('api/v1/inspection-plans')
export class InspectionPlansController {
  constructor(
    private readonly commands: CommandBus,
    private readonly plans: InspectionPlansService,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({
    summary:
      '双随机: draw the agencies to inspect in a period, by the share of each grade the policy sets (seed 000 Art. 19, seed 001 Art. 22, seed 003 (十九)); one plan per jurisdiction and period',
  })
  @ApiCommandResponses({
    answer: InspectionPlanDrawnDto,
    conflict: 'a plan for that jurisdiction and period exists already',
  })
  async draw(
    @Body() body: DrawInspectionPlanDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    assertCanActInJurisdiction(requireActor(actor), body.jurisdiction, ['regulator']);
    const context = commandContext(req, actor, body.occurredAt);
    const planId = inspectionPlanIdOf(body.jurisdiction, body.period);
    // Candidates and their grades are those of the draw's valid date, as the ledger knows them.
    const on = toShanghaiDate(context.occurredAt);
    const outcome = await this.commands.execute<ExecuteInspectionPlanCommand, CommandOutcome>(
      new ExecuteInspectionPlanCommand(
        planId,
        {
          type: 'DrawInspectionPlan',
          jurisdiction: body.jurisdiction,
          period: body.period,
          // A seed nobody chose: 32 bytes from the operating system's CSPRNG, recorded.
          seed: body.seed ?? randomBytes(32).toString('hex'),
          seedSource: body.seed === undefined ? 'generated' : 'given',
          candidates: await this.plans.candidates(body.jurisdiction, on),
        },
        context,
      ),
    );
    const plan = (outcome.events[0] as InspectionPlanDrawn).data;
    res.setHeader('ETag', versionETag(outcome.version));
    return {
      planId: plan.planId,
      seed: plan.seed,
      seedSource: plan.seedSource,
      ratios: plan.ratios,
      drawn: plan.drawn,
      version: outcome.version,
      position: outcome.position,
      eventIds: outcome.eventIds,
    };
  }

  @Get(':planId')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'A plan: its inputs (candidates and grades, ratios, seed, algorithm), the agencies drawn, and which are still to be inspected',
  })
  @ApiQueryResponses(InspectionPlanDto, { notFound: 'no such plan' })
  async plan(@Param('planId', ParsePlanIdPipe) planId: string, @CurrentActor() actor?: Actor) {
    assertCanActInJurisdiction(requireActor(actor), jurisdictionOfPlan(planId), READERS);
    return this.plans.withProgress(planId);
  }

  @Get(':planId/verify')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Re-draw a plan from the inputs its stream recorded, with the algorithm version it names, and compare: { match }',
  })
  @ApiQueryResponses(InspectionPlanVerificationDto, { notFound: 'no such plan' })
  async verify(@Param('planId', ParsePlanIdPipe) planId: string, @CurrentActor() actor?: Actor) {
    assertCanActInJurisdiction(requireActor(actor), jurisdictionOfPlan(planId), READERS);
    const plan = await this.plans.recorded(planId);
    if (!plan) throw noPlan(planId);
    const { match, redrawn } = verifyInspectionPlan(plan);
    return { planId, match, algorithm: plan.algorithm, recorded: plan.drawn, redrawn };
  }
}
