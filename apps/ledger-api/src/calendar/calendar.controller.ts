import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Put,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  BUILT_IN_CALENDAR,
  calendarStreamId,
  calendarYearOf,
  decideCalendar,
} from '@ledger/domain';
import { CurrentActor, Public, Roles, type Actor } from '../auth';
import { CommandPipeline } from '../commands/command-pipeline';
import { commandContext } from '../commands/request-context';
import { versionETag } from '../http';
import { RecordCalendarDto } from './calendar.dto';
import { CalendarService } from './calendar.service';
import { ApiCommandResponses, ApiQueryResponses } from '../http/openapi';
import { CALENDAR_RECORDED, CALENDAR_YEAR } from '../agencies/agencies.openapi';

/** Years the ledger accepts a calendar for. */
const YEARS = { first: 2004, last: 2100 } as const;

/** `:year` as a whole year the ledger keeps a calendar for; anything else is no such calendar (404). */
const yearPipe = new ParseIntPipe({
  exceptionFactory: () => noSuchYear(),
});

function noSuchYear(): NotFoundException {
  return new NotFoundException({
    statusCode: 404,
    error: 'Not Found',
    message: [`year: must be a year from ${YEARS.first} to ${YEARS.last}`],
  });
}

function inRange(year: number): number {
  if (year < YEARS.first || year > YEARS.last) throw noSuchYear();
  return year;
}

/**
 * The official PRC calendar as ledger data (API.md v1.1, "Valid time and the calendar"). An
 * administrator records each year when the State Council's notice comes out; deadlines that
 * reach a year with no calendar wait for it (or are refused), never guessed.
 */
@ApiTags('calendar')
@Controller('api/v1/calendar')
export class CalendarController {
  constructor(
    private readonly calendars: CalendarService,
    private readonly pipeline: CommandPipeline,
  ) {}

  @ApiQueryResponses(CALENDAR_YEAR, { notFound: 'the ledger has no calendar for that year' })
  @Get(':year')
  @Public()
  @ApiOperation({
    summary: "A year's official calendar in force: holidays, make-up working days, source",
  })
  async show(@Param('year', yearPipe) year: number) {
    const entry = await this.calendars.year(inRange(year));
    if (!entry) {
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: [
          `year: the ledger has no official calendar for ${year}; an administrator records it with PUT /api/v1/calendar/${year}`,
        ],
      });
    }
    return {
      year: entry.year,
      version: entry.version,
      builtIn: entry.builtIn,
      source: entry.source,
      holidays: entry.holidays,
      makeupWorkdays: entry.makeupWorkdays,
      recordedAt: entry.recordedAt,
    };
  }

  @ApiCommandResponses({
    answer: CALENDAR_RECORDED,
    notFound: 'a year the ledger keeps no calendar for',
    refused:
      'a correction without a reason, or dates outside the year, citing prc-official-calendar',
  })
  @Put(':year')
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({
    summary:
      "Record a year's official calendar from the State Council's notice; a different body for a recorded year is a new version and needs a reason",
  })
  async record(
    @Param('year', yearPipe) year: number,
    @Body() body: RecordCalendarDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    inRange(year);
    const outcome = await this.pipeline.run(
      calendarStreamId(year),
      commandContext(req, actor, undefined),
      ({ history }) =>
        decideCalendar(
          { type: 'RecordOfficialCalendar', year, ...body },
          calendarYearOf(year, history, BUILT_IN_CALENDAR.year(year)),
        ),
    );
    // The same body again appends nothing: the answer is the version in force (0: built in).
    res.setHeader('ETag', versionETag(outcome.version));
    return {
      year,
      version: outcome.version,
      position: outcome.position,
      eventIds: outcome.eventIds,
    };
  }
}
