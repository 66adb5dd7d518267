import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { toShanghaiDate, type DirectoryApplicationFiled } from '@ledger/domain';
import { CurrentActor, Roles, type Actor } from '../auth';
import type { CommandContext, CommandOutcome } from '../commands/command-pipeline';
import { commandContext } from '../commands/request-context';
import { ParseApplicationIdPipe, ParseUsccPipe } from '../http';
import { ExecuteAgencyCommand } from '../agencies/execute-agency-command';
import { DecideDirectoryApplicationDto, DirectoryApplicationDto } from './directory.dto';
import { AGENCY_ID_HEAD, answer, newSuffix, owner } from './grading.controller';
import { GradingService } from './grading.service';
import { ApiCommandResponses } from '../http/openapi';
import { APPLICATION_DECIDED, APPLICATION_FILED } from './grading.openapi';

/**
 * Chongqing's directory (seed 001 Art. 20): an agency graded E is out of it from the day the E
 * takes effect; after its bar (2 years, 5 after a second E) it applies to re-enter, and a
 * regulator's approval puts it back from the decision's valid date. Both are decided on the
 * agency's E grades as the ledger holds them on the command's valid date.
 */
@ApiTags('directory')
@Controller('api/v1')
export class DirectoryController {
  constructor(
    private readonly commands: CommandBus,
    private readonly grading: GradingService,
  ) {}

  @ApiCommandResponses({
    answer: APPLICATION_FILED,
    refused: 'inside the bar (chongqing-20), citing its article',
  })
  @Post('agencies/:uscc/directory-applications')
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({
    summary:
      "Apply to re-enter Chongqing's directory after an E; 422 inside the bar (seed 001 Art. 20: chongqing-20-1, 2 years; chongqing-20-3, 5 years after a second E), naming the day it may apply from",
  })
  async apply(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: DirectoryApplicationDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const context = commandContext(req, actor, body.occurredAt);
    const eGrades = await this.grading.eGrades(uscc, toShanghaiDate(context.occurredAt));
    const outcome = await this.execute(uscc, context, ['agency'], {
      type: 'ApplyForDirectoryReentry',
      applicationId: `${uscc}.${newSuffix()}`,
      reason: body.reason,
      eGrades,
    });
    // From what was recorded: a repeated request answers the first one's id.
    const filed = (outcome.events[0] as DirectoryApplicationFiled).data;
    return answer(res, outcome, {
      uscc,
      applicationId: filed.applicationId,
      delistedOn: filed.delistedOn,
      barredUntil: filed.barredUntil,
    });
  }

  @ApiCommandResponses({ answer: APPLICATION_DECIDED, notFound: 'no such application' })
  @Post('directory-applications/:applicationId/decision')
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({
    summary:
      "Decide an application to re-enter Chongqing's directory; approved: the agency is listed again from the decision's valid date, and graded in the next cycle",
  })
  async decideApplication(
    @Param('applicationId', ParseApplicationIdPipe) applicationId: string,
    @Body() body: DecideDirectoryApplicationDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const uscc = owner(applicationId, 'applicationId', AGENCY_ID_HEAD);
    const context = commandContext(req, actor, body.occurredAt);
    const eGrades = await this.grading.eGrades(uscc, toShanghaiDate(context.occurredAt));
    const outcome = await this.execute(uscc, context, ['regulator'], {
      type: 'DecideDirectoryApplication',
      applicationId,
      outcome: body.outcome,
      reason: body.reason,
      eGrades,
    });
    return answer(res, outcome, { uscc, applicationId, outcome: body.outcome });
  }

  private execute(
    uscc: string,
    context: CommandContext,
    allowed: ExecuteAgencyCommand['allowed'],
    command: ExecuteAgencyCommand['command'],
  ) {
    return this.commands.execute<ExecuteAgencyCommand, CommandOutcome>(
      new ExecuteAgencyCommand(uscc, command, allowed, context),
    );
  }
}
