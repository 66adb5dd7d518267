import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  agencyStreamId,
  cycleIdOf,
  decodeAgencyEvent,
  cycleStreamId,
  decodeCycleEvent,
  foldCycle,
  objectionReviewDue,
  replayPublicity,
  toShanghaiDate,
  type AssessmentRecorded,
  type GradingCycleStarted,
  type Jurisdiction,
  type ObjectionFiled,
  type PenaltyImposed,
} from '@ledger/domain';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { creditRecordAt } from '@ledger/projections';
import type { Pool } from 'pg';
import { DATABASE_POOL } from '../database-pool.module';
import { Inject, NotFoundException, BadRequestException } from '@nestjs/common';
import {
  assertCanActInJurisdiction,
  canActInJurisdiction,
  CurrentActor,
  Public,
  Roles,
  requireActor,
  type Actor,
} from '../auth';
import type { CommandContext, CommandOutcome } from '../commands/command-pipeline';
import { commandContext } from '../commands/request-context';
import {
  ParseCycleIdPipe,
  ParseEventIdPipe,
  ParseObjectionIdPipe,
  ParseRepairIdPipe,
  ParseUsccPipe,
  versionETag,
} from '../http';
import { ExecuteAgencyCommand } from '../agencies/execute-agency-command';
import { ExecuteCycleCommand } from './execute-cycle-command';
import { CalendarService } from '../calendar/calendar.service';
import { AgencyDirectory } from '../agencies/agency-directory';
import {
  BitemporalQuery,
  CreditRepairDto,
  DecideCreditRepairDto,
  PenaltyFulfilmentDto,
  DecideObjectionDto,
  FileObjectionDto,
  KnownAtQuery,
  PublishGradingCycleDto,
  RecordAssessmentDto,
  ReplayDto,
  StartGradingCycleDto,
  UpgradeRequestDto,
} from './grading.dto';
import { asOfDate, GradingService, knownAtInstant } from './grading.service';
import { ApiCommandResponses, ApiQueryResponses } from '../http/openapi';
import {
  AGENCY_WRITTEN,
  CREDIT_RECORD,
  CYCLE,
  CYCLE_PUBLISHED,
  CYCLE_REPLAY,
  CYCLE_STARTED,
  FULFILMENT_WRITTEN,
  GRADE,
  GRADE_HISTORY,
  OBJECTION_DECIDED,
  OBJECTION_FILED,
  REPAIR_WRITTEN,
  REPLAY,
  UPGRADE_REQUESTED,
} from './grading.openapi';

const CYCLE_ID = /^(beijing|chongqing|jiaxing)-\d{4}$/;
/** The head of an id issued under an agency (a repair, a directory application): its USCC. */
export const AGENCY_ID_HEAD = /^[0-9A-Z]{18}$/;

/** A command's answer (API.md): the fields given, the stream version and position, the ETag. */
export function answer(res: Response, outcome: CommandOutcome, extra: Record<string, unknown>) {
  res.setHeader('ETag', versionETag(outcome.version));
  const { version, position, eventIds } = outcome;
  return { ...extra, version, position, eventIds };
}

/** `<cycleId>.<suffix>` or `<uscc>.<suffix>`: the stream an id belongs to travels in the id. */
export function owner(id: string, field: string, pattern: RegExp): string {
  const [head, tail] = id.split('.');
  if (!tail || !pattern.test(head)) {
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: [`${field}: not an id this ledger issued`],
    });
  }
  return head;
}

export const newSuffix = () => randomBytes(6).toString('hex');

const noCycle = (cycleId: string) =>
  new NotFoundException({
    statusCode: 404,
    error: 'Not Found',
    message: [`cycleId: no cycle ${cycleId}`],
  });

@ApiTags('grading')
@Controller('api/v1')
export class GradingController {
  constructor(
    private readonly commands: CommandBus,
    private readonly grading: GradingService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly calendars: CalendarService,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    private readonly directory: AgencyDirectory,
  ) {}

  @ApiCommandResponses({
    answer: CYCLE_STARTED,
    conflict: 'a cycle for that jurisdiction and year exists already',
  })
  @Post('grading-cycles')
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({
    summary: 'Propose a grade for every agency graded in a jurisdiction and year; starts publicity',
  })
  async startCycle(
    @Body() body: StartGradingCycleDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    assertCanActInJurisdiction(requireActor(actor), body.jurisdiction, ['regulator']);
    const cycleId = cycleIdOf(body.jurisdiction, body.year);
    const context = commandContext(req, actor, body.occurredAt);
    const on = toShanghaiDate(context.occurredAt);
    const candidates = await this.grading.candidates(body.jurisdiction, body.year, on);
    const outcome = await this.commands.execute<ExecuteCycleCommand, CommandOutcome>(
      new ExecuteCycleCommand(
        cycleId,
        {
          type: 'StartGradingCycle',
          cycleId,
          jurisdiction: body.jurisdiction,
          year: body.year,
          candidates,
        },
        context,
      ),
    );
    const started = (outcome.events[0] as GradingCycleStarted).data;
    return answer(res, outcome, {
      cycleId,
      policy: started.policy,
      publicityStartsOn: started.publicityStartsOn,
      publicityEndsOn: started.publicityEndsOn,
      objectionWindowEndsOn: started.objectionWindowEndsOn,
      proposals: started.proposals.map(({ uscc, grade, score, riskLevel }) => ({
        uscc,
        grade,
        score,
        ...(riskLevel && { riskLevel }),
      })),
    });
  }

  @ApiQueryResponses(CYCLE, { notFound: 'no such cycle' })
  @Get('grading-cycles/:cycleId')
  @Public()
  @ApiOperation({ summary: 'A cycle: its proposals under publicity, objections, publication' })
  async cycle(@Param('cycleId', ParseCycleIdPipe) cycleId: string, @CurrentActor() actor?: Actor) {
    const events = await this.store.readStream(cycleStreamId(cycleId));
    const state = foldCycle(events.map(decodeCycleEvent));
    if (!state.started) throw noCycle(cycleId);
    const started = state.started;
    const { proposals: _p, ...rest } = started;
    const objections = await Promise.all(
      [...state.objections].map(async ([objectionId, o]) => {
        if (o.reviewDueOn !== null) return { objectionId, ...o };
        // Filed while the year its review falls in had no calendar: the due date from the
        // calendar recorded since, with its version; still null (naming the year) until then.
        const { calendarMissing: _m, ...filed } = o;
        return {
          objectionId,
          ...filed,
          ...objectionReviewDue(started, o.filedOn, await this.calendars.forDecisionOn(o.filedOn)),
        };
      }),
    );
    // For the regulator of the jurisdiction (and admins) only: the agencies the cycle grades but
    // has no assessment for, so that assessments or refusals (jiaxing-11-1) are recorded before
    // publication. A "now" view of the registry: the wall clock is the app's, not the domain's.
    const forRegulator =
      actor !== undefined &&
      canActInJurisdiction(actor, started.jurisdiction, ['regulator', 'admin']).ok;
    return {
      ...rest,
      status: state.status,
      publishedOn: state.publishedOn ?? null,
      proposals: [...state.proposals.values()],
      objections,
      ...(forRegulator && {
        unassessed: await this.grading.unassessed(
          started,
          new Set(state.proposals.keys()),
          toShanghaiDate(new Date().toISOString()),
        ),
      }),
      version: events.at(-1)?.version ?? 0,
    };
  }

  @ApiQueryResponses(CYCLE_REPLAY, { notFound: 'no such cycle' })
  @Post('grading-cycles/:cycleId/replay')
  @HttpCode(200)
  @Roles('reviewer', 'auditor')
  @ApiOperation({
    summary:
      "Recompute a cycle's dates (publicity, objection windows, review dues) with the calendar versions its decisions recorded, and compare",
  })
  async replayCycle(@Param('cycleId', ParseCycleIdPipe) cycleId: string) {
    const events = await this.store.readStream(cycleStreamId(cycleId));
    const cycleEvents = events.map(decodeCycleEvent);
    const started = foldCycle(cycleEvents).started;
    if (!started) throw noCycle(cycleId);
    const publicity = replayPublicity(
      started,
      await this.calendars.atVersions(started.calendar ?? {}),
    );
    const objections = await Promise.all(
      cycleEvents
        .filter((e): e is ObjectionFiled => e.type === 'ObjectionFiled')
        .map(async ({ data }) => {
          const replayed = objectionReviewDue(
            started,
            data.filedOn,
            await this.calendars.atVersions(data.calendar ?? {}),
          );
          return {
            objectionId: data.objectionId,
            recorded: data.reviewDueOn,
            replayed: replayed.reviewDueOn,
            calendar: data.calendar ?? null,
          };
        }),
    );
    const dates = {
      publicityEndsOn: { recorded: started.publicityEndsOn, replayed: publicity.publicityEndsOn },
      objectionWindowEndsOn: {
        recorded: started.objectionWindowEndsOn,
        replayed: publicity.objectionWindowEndsOn,
      },
    };
    return {
      cycleId,
      calendar: started.calendar ?? null,
      ...dates,
      objections,
      matches:
        Object.values(dates).every((d) => d.recorded === d.replayed) &&
        objections.every((o) => o.recorded === o.replayed),
    };
  }

  @ApiCommandResponses({ answer: CYCLE_PUBLISHED, notFound: 'no such cycle' })
  @Post('grading-cycles/:cycleId/publish')
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({
    summary: 'Publish after publicity and objections; grades take effect on occurredAt',
  })
  async publish(
    @Param('cycleId', ParseCycleIdPipe) cycleId: string,
    @Body() body: PublishGradingCycleDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    // Direct downgrades decided during publicity still bind on publication.
    const jurisdiction = cycleId.split('-')[0] as Jurisdiction;
    const context = commandContext(req, actor, body.occurredAt);
    const downgrades = await this.grading.downgradesIn(
      jurisdiction,
      toShanghaiDate(context.occurredAt),
    );
    const outcome = await this.commands.execute<ExecuteCycleCommand, CommandOutcome>(
      new ExecuteCycleCommand(cycleId, { type: 'PublishGradingCycle', downgrades }, context),
    );
    const published = outcome.events[0].data as {
      publishedOn: string;
      grades: { uscc: string; grade: string }[];
    };
    return answer(res, outcome, {
      cycleId,
      publishedOn: published.publishedOn,
      grades: published.grades.map(({ uscc, grade }) => ({ uscc, grade })),
    });
  }

  @ApiCommandResponses({
    answer: OBJECTION_FILED,
    refused: 'outside the publicity period, or a rule of the policy refuses it, citing its article',
  })
  @Post('agencies/:uscc/objections')
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: '异议: object to a proposed grade within the publicity period' })
  async object(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: FileObjectionDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const objectionId = `${body.cycleId}.${newSuffix()}`;
    // A cycle's proposals name each agency by the code its stream is keyed by (ADR 018).
    const key = await this.directory.streamUsccOf(uscc);
    const outcome = await this.commands.execute<ExecuteCycleCommand, CommandOutcome>(
      new ExecuteCycleCommand(
        body.cycleId,
        { type: 'FileObjection', objectionId, uscc: key, reason: body.reason },
        commandContext(req, actor, body.occurredAt),
      ),
    );
    const filed = (outcome.events[0] as ObjectionFiled).data;
    return answer(res, outcome, {
      uscc,
      cycleId: body.cycleId,
      objectionId: filed.objectionId,
      reviewDueOn: filed.reviewDueOn,
    });
  }

  @ApiCommandResponses({ answer: OBJECTION_DECIDED, notFound: 'no such objection' })
  @Post('objections/:objectionId/decision')
  @HttpCode(201)
  @Roles('regulator', 'reviewer')
  @ApiOperation({ summary: 'Decide an objection: upheld with a revised score, or rejected' })
  async decideObjection(
    @Param('objectionId', ParseObjectionIdPipe) objectionId: string,
    @Body() body: DecideObjectionDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const cycleId = owner(objectionId, 'objectionId', CYCLE_ID);
    const outcome = await this.commands.execute<ExecuteCycleCommand, CommandOutcome>(
      new ExecuteCycleCommand(
        cycleId,
        {
          type: 'DecideObjection',
          objectionId,
          outcome: body.outcome,
          revisedScore: body.revisedScore,
          riskScore: body.riskScore,
          reason: body.reason,
        },
        commandContext(req, actor, body.occurredAt),
      ),
    );
    const decided = outcome.events[0].data as {
      uscc: string;
      revised?: { grade: string; score: number | null };
    };
    return answer(res, outcome, {
      uscc: decided.uscc,
      cycleId,
      objectionId,
      revised: decided.revised ?? null,
    });
  }

  @ApiCommandResponses({ answer: AGENCY_WRITTEN })
  @Post('agencies/:uscc/assessments')
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({ summary: "The year's assessment score a cycle grades from" })
  async assess(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: RecordAssessmentDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const outcome = await this.agencyCommand(
      uscc,
      commandContext(req, actor, body.occurredAt),
      ['regulator'],
      {
        type: 'RecordAssessment',
        data: JSON.parse(
          JSON.stringify({
            year: body.year,
            score: body.score,
            indicators: body.indicators,
            riskScore: body.riskScore,
            noBusiness: body.noBusiness ?? false,
          }),
        ) as AssessmentRecorded['data'],
      },
    );
    return answer(res, outcome, { uscc });
  }

  @ApiCommandResponses({
    answer: UPGRADE_REQUESTED,
    refused: 'the policy bars it (e.g. beijing-23), citing its article',
  })
  @Post('agencies/:uscc/upgrade-requests')
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({
    summary:
      'Ask to be graded again; 422 where the policy bars it (Beijing Art. 23, Chongqing Art. 20)',
  })
  async upgrade(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: UpgradeRequestDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    // The bars are judged on the request's valid date (Beijing Art. 23, Chongqing Art. 20).
    const context = commandContext(req, actor, body.occurredAt);
    const { standing, currentGrade, policyId } = await this.grading.standing(
      await this.directory.streamUsccOf(uscc),
      toShanghaiDate(context.occurredAt),
    );
    const outcome = await this.agencyCommand(uscc, context, ['agency'], {
      type: 'RequestUpgrade',
      reason: body.reason,
      standing,
      currentGrade,
      policyId,
    });
    return answer(res, outcome, { uscc, currentGrade });
  }

  @ApiCommandResponses({ answer: REPAIR_WRITTEN })
  @Post('agencies/:uscc/credit-repairs')
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({
    summary: '信用修复: apply to stop the public display of a record (seed 000 Art. 20)',
  })
  async repair(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: CreditRepairDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const key = await this.directory.streamUsccOf(uscc);
    const record = (await this.store.readStream(agencyStreamId(key))).find(
      (e) => e.eventId === body.recordEventId,
    );
    // The id names the stream the repair is decided on: the code the record registered under.
    const repairId = `${key}.${newSuffix()}`;
    const outcome = await this.agencyCommand(
      uscc,
      commandContext(req, actor, body.occurredAt),
      ['agency'],
      {
        type: 'RequestCreditRepair',
        repairId,
        recordEventId: body.recordEventId,
        recordType: record?.type,
        recordData: record
          ? (decodeAgencyEvent(record).data as unknown as Record<string, unknown>)
          : undefined,
        reason: body.reason,
      },
    );
    return answer(res, outcome, { uscc, repairId });
  }

  @ApiCommandResponses({ answer: FULFILMENT_WRITTEN, notFound: 'no such agency or penalty' })
  @Post('agencies/:uscc/penalties/:penaltyEventId/fulfilment')
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({
    summary:
      '履行: record that a penalty was fulfilled; one unfulfilled past its dueBy makes a Chongqing agency E from the next day (seed 001 Art. 16(5)–(6))',
  })
  async fulfilment(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Param('penaltyEventId', ParseEventIdPipe) penaltyEventId: string,
    @Body() body: PenaltyFulfilmentDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const penalty = (
      await this.store.readStream(agencyStreamId(await this.directory.streamUsccOf(uscc)))
    ).find((e) => e.eventId === penaltyEventId && e.type === 'PenaltyImposed');
    const outcome = await this.agencyCommand(
      uscc,
      commandContext(req, actor, body.occurredAt),
      ['regulator'],
      {
        type: 'RecordPenaltyFulfilment',
        penaltyEventId,
        penalty: penalty ? (decodeAgencyEvent(penalty) as PenaltyImposed).data : undefined,
        fulfilledOn: body.fulfilledOn,
      },
    );
    return answer(res, outcome, { uscc, penaltyEventId });
  }

  @ApiCommandResponses({ answer: REPAIR_WRITTEN, notFound: 'no such repair' })
  @Post('credit-repairs/:repairId/decision')
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({
    summary:
      'Decide a credit repair; approved: the record is no longer publicly displayed from today',
  })
  async decideRepair(
    @Param('repairId', ParseRepairIdPipe) repairId: string,
    @Body() body: DecideCreditRepairDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const uscc = owner(repairId, 'repairId', AGENCY_ID_HEAD);
    const outcome = await this.agencyCommand(
      uscc,
      commandContext(req, actor, body.occurredAt),
      ['regulator'],
      {
        type: 'DecideCreditRepair',
        repairId,
        outcome: body.outcome,
        reason: body.reason,
      },
    );
    return answer(res, outcome, { uscc, repairId });
  }

  @ApiQueryResponses(GRADE, { notFound: 'no such agency (or not public)' })
  @Get('agencies/:uscc/grade')
  @Public()
  @ApiOperation({
    summary: 'The grade in force on asOf, as known at knownAt (bitemporal; one indexed query)',
  })
  async grade(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Query() query: BitemporalQuery,
    @CurrentActor() actor?: Actor,
  ) {
    const now = new Date();
    // A corrected USCC, or the one it corrects, leads to the record (ADR 018).
    const { key, uscc: current } = await this.directory.resolve(uscc);
    const answer = await this.grading.recordedGrade(
      key,
      asOfDate(query.asOf, now),
      knownAtInstant(query.knownAt, now),
      actor,
    );
    return { ...answer, uscc: current };
  }

  @ApiQueryResponses(GRADE_HISTORY, { notFound: 'no such agency (or not public)' })
  @Get('agencies/:uscc/grade-history')
  @Public()
  @ApiOperation({
    summary: 'Every grade period as known at knownAt: [{ grade, from, to, cause, decidedBy }]',
  })
  async gradeHistory(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Query() query: KnownAtQuery,
    @CurrentActor() actor?: Actor,
  ) {
    const knownAt = knownAtInstant(query.knownAt, new Date());
    const { key, uscc: current } = await this.directory.resolve(uscc);
    const periods = await this.grading.recordedHistory(key, knownAt, actor);
    return {
      uscc: current,
      knownAt,
      periods: periods.map(
        ({ grade, score, riskLevel, from, to, cause, decidedBy, policy, explanation }) => ({
          grade,
          score,
          ...(riskLevel && { riskLevel }),
          from,
          to,
          cause,
          decidedBy,
          policy: { jurisdiction: policy.jurisdiction, version: policy.version },
          explanation,
        }),
      ),
    };
  }

  @ApiQueryResponses(CREDIT_RECORD, { notFound: 'no such agency (or not public)' })
  @Get('agencies/:uscc/credit-record')
  @Public()
  @ApiOperation({
    summary: 'The credit record as of asOf, known at knownAt: findings, penalties, repairs',
    description:
      'The public sees the publicly displayed records only (a repaired record is not displayed from the repair decision on); regulators, auditors, reviewers and admins see every record with its repair.',
  })
  async creditRecord(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Query() query: BitemporalQuery,
    @CurrentActor() actor?: Actor,
  ) {
    // One lookup for where the code leads and whether the caller may see the agency.
    const located = await this.directory.locate(uscc);
    const key = located?.key ?? uscc;
    const current = located?.uscc ?? uscc;
    const home = this.grading.visibleJurisdictionIn(key, located ?? undefined, actor);
    const now = new Date();
    const full =
      actor !== undefined && ['regulator', 'auditor', 'reviewer', 'admin'].includes(actor.role);
    const answer = await creditRecordAt(
      this.pool,
      key,
      asOfDate(query.asOf, now),
      knownAtInstant(query.knownAt, now),
      full ? 'full' : 'public',
    );
    // Each record says which jurisdiction recorded it: a host the agency reported to, else the
    // home (ADR 016, seed 002 §一.7).
    return {
      ...answer,
      ...('uscc' in answer && { uscc: current }),
      records: answer.records.map(({ summary, ...record }) => {
        const { recordedIn, ...rest } = summary as typeof summary & { recordedIn?: string };
        return { ...record, summary: rest, recordedIn: recordedIn ?? home };
      }),
    };
  }

  @ApiQueryResponses(REPLAY, { notFound: 'no such agency' })
  @Post('agencies/:uscc/replay')
  @HttpCode(200)
  @Roles('reviewer', 'auditor')
  @ApiOperation({
    summary:
      'Recompute the grade from the raw facts alone and compare it with what the ledger recorded',
  })
  async replay(@Param('uscc', ParseUsccPipe) uscc: string, @Body() body: ReplayDto) {
    const now = new Date();
    const key = await this.directory.streamUsccOf(uscc);
    return this.grading.replay(key, asOfDate(body.asOf, now), knownAtInstant(body.knownAt, now));
  }

  /** A corrected USCC leads to the record's stream, keyed by the code it registered under (ADR 018). */
  private async agencyCommand(
    uscc: string,
    context: CommandContext,
    allowed: ExecuteAgencyCommand['allowed'],
    command: ExecuteAgencyCommand['command'],
  ) {
    return this.commands.execute<ExecuteAgencyCommand, CommandOutcome>(
      new ExecuteAgencyCommand(await this.directory.streamUsccOf(uscc), command, allowed, context),
    );
  }
}
