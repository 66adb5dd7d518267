import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  ForbiddenException,
  Inject,
  HttpCode,
  HttpException,
  Logger,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiCommandResponses } from '../http/openapi';
import type { Request, Response } from 'express';
import {
  decodeInspectionPlanEvent,
  authoritiesOf,
  DomainError,
  foldInspectionPlan,
  inspectionPlanStreamId,
  agencyStreamId,
  validateResidentId,
  validateUscc,
  type CorrectionRequest,
  type InspectionPlan,
  type RegulatorAuthority,
  type AgencyCommand,
  type RegistrationFields,
  type ResponsiblePerson,
  type SealedPersonalData,
} from '@ledger/domain';
import { EVENT_STORE, WrongExpectedVersionError, type EventStore } from '@ledger/event-store';
import type { SealingSession } from '@ledger/personal-data';
import { authorityOf, CurrentActor, Roles, type Actor, type Role } from '../auth';
import {
  ParseEquipmentIdPipe,
  ParsePersonIdPipe,
  ParseUsccPipe,
  versionETag,
  validationException,
} from '../http';
import {
  AddEquipmentDto,
  AddPersonnelDto,
  ChangeRegistrationDto,
  DeregisterAgencyDto,
  DeregisterByAuthorityDto,
  ImposePenaltyDto,
  RecordCmaRevocationDto,
  PersonnelDepartureDto,
  PersonnelStatusDto,
  RecordCreditFindingDto,
  RecordInspectionDto,
  CorrectRecordDto,
  RegisterAgencyDto,
  ReportToJurisdictionDto,
  ReviewRegistrationDto,
  ScrapEquipmentDto,
  type CommandBodyDto,
  type RegistrationChangesDto,
} from './dto';
import type { ResponsiblePersonDto } from './dto/responsible-person.dto';
import type { CommandOutcome } from '../commands/command-pipeline';
import { commandContext } from '../commands/request-context';
import { ExecuteAgencyCommand } from './execute-agency-command';
import { PersonalData } from './personal-data.provider';
import { AgencyDirectory } from './agency-directory';

type CommandWithoutTime = ExecuteAgencyCommand['command'];

/** Fields a command carries beyond what API.md requires of every answer. */
function extras(outcome: CommandOutcome): Record<string, unknown> {
  const first = outcome.events[0]?.data as Record<string, unknown> | undefined;
  switch (outcome.events[0]?.type) {
    case 'AgencyRegistered':
    case 'RegistrationChanged':
      return { reviewDueOn: first?.reviewDueOn ?? null };
    case 'PersonnelJoined':
      // The person's credit record is found by either (GET /api/v1/people/:personRef/credit).
      return {
        personId: first?.personId,
        personRef: first?.idNumberHash,
        // Beijing Art. 9(2): a hire inside a ban is taken, and recorded as credit-bad.
        ...(outcome.events[1]?.type === 'CreditFindingRecorded' && {
          creditFinding: { eventId: outcome.eventIds[1], article: 'beijing-9-2' },
        }),
      };
    case 'PenaltyImposed':
    case 'CreditFindingRecorded':
    case 'InspectionRecorded': {
      const persons = first?.responsiblePersons as { idNumberHash: string }[] | undefined;
      return persons
        ? { responsiblePersons: persons.map((p) => ({ personRef: p.idNumberHash })) }
        : {};
    }
    case 'EquipmentAdded':
      return { equipmentId: first?.equipmentId };
    default:
      return {};
  }
}

/**
 * True when `error` says the ledger refused the command and appended nothing: a rule of the
 * domain (4xx with its article), a stale or lost-race version, a refusal of authorisation or
 * input. Anything else (a dropped connection during the commit) leaves the outcome unknown.
 */
function appendedNothing(error: unknown): boolean {
  return (
    error instanceof DomainError ||
    error instanceof WrongExpectedVersionError ||
    (error instanceof HttpException && error.getStatus() < 500)
  );
}

/**
 * The bureau recording a supervision fact, where the regulator's jurisdiction has two (seed 004
 * Art. 2, 15, 16): from the token, so the fact says who recorded it. Elsewhere nothing.
 */
function recordingAuthorityOf(actor: Actor | undefined): RegulatorAuthority | undefined {
  if (actor?.role !== 'regulator' || actor.jurisdiction === undefined) return undefined;
  return authoritiesOf(actor.jurisdiction).length > 1 ? authorityOf(actor) : undefined;
}

/** Drops undefined fields: a recorded fact says only what was given. */
const withoutUndefined = <T>(value: object): T => JSON.parse(JSON.stringify(value)) as T;

@ApiTags('agencies')
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'same key and body: the first answer, nothing appended',
})
@ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'the stream version decided on (ETag); stale: 409',
})
@ApiCommandResponses()
@Controller('api/v1/agencies')
export class AgencyCommandsController {
  private readonly logger = new Logger(AgencyCommandsController.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly personalData: PersonalData,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: AgencyDirectory,
  ) {}

  /** The 双随机 plan an inspection names, as its stream recorded it (undefined: none). */
  private async planOf(planId: string | undefined): Promise<InspectionPlan | undefined> {
    if (planId === undefined) return undefined;
    const events = await this.store.readStream(inspectionPlanStreamId(planId));
    return foldInspectionPlan(events.map(decodeInspectionPlanEvent)).plan;
  }

  private async run(
    req: Request,
    res: Response,
    actor: Actor | undefined,
    uscc: string,
    body: CommandBodyDto,
    allowed: readonly Role[],
    command: CommandWithoutTime,
    sealing?: SealingSession,
  ) {
    let outcome: CommandOutcome;
    try {
      // A corrected USCC leads to the record's stream, keyed by the code it registered under.
      const streamUscc =
        command.type === 'RegisterAgency' ? uscc : await this.directory.streamUsccOf(uscc);
      outcome = await this.commands.execute<ExecuteAgencyCommand, CommandOutcome>(
        new ExecuteAgencyCommand(
          streamUscc,
          command,
          allowed,
          commandContext(req, actor, body.occurredAt),
        ),
      );
    } catch (error) {
      if (sealing && appendedNothing(error)) await this.settle(sealing.refused());
      throw error;
    }
    if (sealing) {
      const recordedNothing = outcome.eventIds.length === 0 && !outcome.replayed;
      await this.settle(recordedNothing ? sealing.refused() : sealing.recorded());
    }
    res.setHeader('ETag', versionETag(outcome.version));
    const { version, position, eventIds } = outcome;
    return { uscc, version, position, eventIds, ...extras(outcome) };
  }

  /** A key left pending is harmless (never removed); the command's own answer matters more. */
  private async settle(settling: Promise<void>): Promise<void> {
    await settling.catch((error: unknown) =>
      this.logger.warn(
        `personal-data keys left pending: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }

  private seal(
    sealing: SealingSession,
    subject: string,
    kind: 'phone',
    value: string | undefined,
  ): Promise<SealedPersonalData | undefined> {
    return value === undefined ? Promise.resolve(undefined) : sealing.seal(subject, kind, value);
  }

  /** The registration fields with phone numbers sealed (ADR 005). */
  private async registrationFields(
    sealing: SealingSession,
    uscc: string,
    dto: Partial<RegistrationChangesDto>,
  ): Promise<Partial<RegistrationFields>> {
    const { legalRepresentative, contact, ...rest } = dto;
    return withoutUndefined({
      ...rest,
      ...(legalRepresentative && {
        legalRepresentative: {
          ...legalRepresentative,
          phone: await this.seal(
            sealing,
            `agency:${uscc}:legal-representative`,
            'phone',
            legalRepresentative.phone,
          ),
        },
      }),
      ...(contact && {
        contact: {
          ...contact,
          phone: await this.seal(sealing, `agency:${uscc}:contact`, 'phone', contact.phone),
        },
      }),
    });
  }

  @Post()
  @HttpCode(201)
  @Roles('agency', 'regulator', 'admin')
  @ApiOperation({ summary: '备案: register an agency (pending formal review, seed 000 Art. 4–7)' })
  async register(
    @Body() body: RegisterAgencyDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const {
      uscc,
      jurisdiction,
      commitment,
      acceptUnverifiedCode,
      occurredAt: _o,
      ...fields
    } = body;
    let codeVerified = true;
    const check = validateUscc(uscc);
    if (!check.valid) {
      if (!acceptUnverifiedCode)
        throw validationException([
          { property: 'uscc', constraints: { uscc: check.reason }, children: [] },
        ]);
      if (actor?.role !== 'regulator' && actor?.role !== 'admin') {
        throw new ForbiddenException({
          statusCode: 403,
          error: 'Forbidden',
          message: [
            'acceptUnverifiedCode: only a regulator or an admin may register a code that fails its check',
          ],
        });
      }
      codeVerified = false;
    }
    const sealing = this.personalData.sealing();
    const registration = (await this.registrationFields(
      sealing,
      uscc,
      fields,
    )) as RegistrationFields;
    return this.run(
      req,
      res,
      actor,
      uscc,
      body,
      ['agency', 'regulator'],
      {
        type: 'RegisterAgency',
        data: {
          ...registration,
          uscc,
          jurisdiction,
          commitment: commitment,
          codeVerified,
        },
      },
      sealing,
    );
  }

  @Post(':uscc/review')
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({ summary: '形式审查: approve or return a filing (seed 000 Art. 7)' })
  review(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: ReviewRegistrationDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    return this.run(req, res, actor, uscc, body, ['regulator'], {
      type: 'ReviewRegistration',
      outcome: body.outcome,
      reason: body.reason,
    });
  }

  @Post(':uscc/changes')
  @HttpCode(201)
  @Roles('agency', 'regulator')
  @ApiOperation({
    summary: '信息变更: file a change (seed 000 Art. 6; late filings are recorded as a finding)',
  })
  async change(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: ChangeRegistrationDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const sealing = this.personalData.sealing();
    return this.run(
      req,
      res,
      actor,
      uscc,
      body,
      ['agency', 'regulator'],
      {
        type: 'ChangeRegistration',
        changes: await this.registrationFields(sealing, uscc, body.changes),
        changedAt: body.changedAt,
        commitment: body.commitment,
      },
      sealing,
    );
  }

  @Post(':uscc/personnel')
  @HttpCode(201)
  @Roles('agency', 'regulator')
  @ApiOperation({
    summary:
      'Add a person (one person, one agency: seed 002 §三); with priorDeparture, first records the departure on the agency the person left (§三.6); answers personId',
  })
  async addPersonnel(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: AddPersonnelDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const idNumberHash = this.personalData.identityHash(body.idNumber);
    const sealing = this.personalData.sealing();
    return this.run(
      req,
      res,
      actor,
      uscc,
      body,
      ['agency', 'regulator'],
      {
        type: 'AddPersonnel',
        data: withoutUndefined({
          personId: randomUUID(),
          idNumberHash,
          idNumber: await sealing.seal(`person:${idNumberHash}`, 'resident-id', body.idNumber),
          name: body.name,
          role: body.role,
          technical: body.technical,
          education: body.education,
          title: body.title,
          joinedAt: body.joinedAt,
          priorDeparture: body.priorDeparture && {
            uscc: body.priorDeparture.uscc,
            leftAt: body.priorDeparture.leftAt,
            proof: body.priorDeparture.proof,
          },
        }),
      },
      sealing,
    );
  }

  @Post(':uscc/personnel/:personId/departure')
  @HttpCode(201)
  @Roles('agency', 'regulator')
  @ApiOperation({
    summary: 'Record a departure, with date and proof: never a deletion (seed 002 §三.5)',
  })
  departure(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Param('personId', ParsePersonIdPipe) personId: string,
    @Body() body: PersonnelDepartureDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    return this.run(req, res, actor, uscc, body, ['agency', 'regulator'], {
      type: 'RecordDeparture',
      personId,
      leftAt: body.leftAt,
      proof: body.proof,
    });
  }

  @Post(':uscc/personnel/:personId/status')
  @HttpCode(201)
  @Roles('agency', 'regulator')
  @ApiOperation({
    summary: 'Move a person to a non-technical post: a status, not a removal (seed 002 §三.9)',
  })
  personnelStatus(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Param('personId', ParsePersonIdPipe) personId: string,
    @Body() body: PersonnelStatusDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    return this.run(req, res, actor, uscc, body, ['agency', 'regulator'], {
      type: 'MovePersonToNonTechnicalPost',
      personId,
      changedAt: body.changedAt,
    });
  }

  @Post(':uscc/equipment')
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Add equipment; answers equipmentId' })
  addEquipment(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: AddEquipmentDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const { occurredAt: _o, ...equipment } = body;
    return this.run(req, res, actor, uscc, body, ['agency'], {
      type: 'AddEquipment',
      data: withoutUndefined({ equipmentId: randomUUID(), ...equipment }),
    });
  }

  @Post(':uscc/equipment/:equipmentId/scrap')
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Scrap equipment: a status, never a deletion (seed 002 §五.4)' })
  scrapEquipment(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Param('equipmentId', ParseEquipmentIdPipe) equipmentId: string,
    @Body() body: ScrapEquipmentDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    return this.run(req, res, actor, uscc, body, ['agency'], {
      type: 'ScrapEquipment',
      equipmentId,
      scrappedAt: body.scrappedAt,
    });
  }

  @Post(':uscc/inspections')
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({
    summary: '监督检查: record an inspection and its findings (seed 001 Art. 6–9, seed 004)',
  })
  async inspection(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: RecordInspectionDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const { occurredAt: _o, responsiblePersons, ...data } = body;
    const sealing = this.personalData.sealing();
    return this.run(
      req,
      res,
      actor,
      uscc,
      body,
      ['regulator'],
      {
        type: 'RecordInspection',
        data: withoutUndefined<Extract<AgencyCommand, { type: 'RecordInspection' }>['data']>({
          ...data,
          recordingAuthority: recordingAuthorityOf(actor),
          responsiblePersons: await this.responsiblePersons(sealing, responsiblePersons),
        }),
        plan: await this.planOf(body.planId),
      },
      sealing,
    );
  }

  @Post(':uscc/penalties')
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({ summary: '行政处罚: record an administrative penalty decision' })
  async penalty(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: ImposePenaltyDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const { occurredAt: _o, responsiblePersons, ...data } = body;
    const sealing = this.personalData.sealing();
    return this.run(
      req,
      res,
      actor,
      uscc,
      body,
      ['regulator'],
      {
        type: 'ImposePenalty',
        data: withoutUndefined<Extract<AgencyCommand, { type: 'ImposePenalty' }>['data']>({
          ...data,
          recordingAuthority: recordingAuthorityOf(actor),
          responsiblePersons: await this.responsiblePersons(sealing, responsiblePersons),
        }),
      },
      sealing,
    );
  }

  /**
   * The persons a decision names, with the ID number and name sealed under the person's key
   * (`person:<identity hash>`, the key of the person's personnel records too): erasing the
   * person erases them everywhere (ADR 005, 020).
   */
  private async responsiblePersons(
    sealing: SealingSession,
    persons: ResponsiblePersonDto[] | undefined,
  ): Promise<ResponsiblePerson[] | undefined> {
    if (persons === undefined) return undefined;
    return Promise.all(
      persons.map(async (person) => {
        const idNumberHash = this.personalData.identityHash(person.idNumber);
        const subject = `person:${idNumberHash}`;
        return withoutUndefined<ResponsiblePerson>({
          idNumberHash,
          idNumber: await sealing.seal(subject, 'resident-id', person.idNumber),
          name: await sealing.seal(subject, 'person-name', person.name),
          role: person.role,
          bannedUntil: person.bannedUntil,
        });
      }),
    );
  }

  @Post(':uscc/credit-findings')
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({
    summary:
      '信用记载: a credit-bad finding, police case, or serious-dishonesty listing (seed 000 Art. 9)',
  })
  async creditFinding(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: RecordCreditFindingDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const { occurredAt: _o, responsiblePersons, ...data } = body;
    const sealing = this.personalData.sealing();
    return this.run(
      req,
      res,
      actor,
      uscc,
      body,
      ['regulator'],
      {
        type: 'RecordCreditFinding',
        data: withoutUndefined<Extract<AgencyCommand, { type: 'RecordCreditFinding' }>['data']>({
          ...data,
          responsiblePersons: await this.responsiblePersons(sealing, responsiblePersons),
        }),
      },
      sealing,
    );
  }

  @Post(':uscc/deregistration')
  @HttpCode(201)
  @Roles('agency', 'regulator')
  @ApiOperation({
    summary: '注销: deregister (seed 000 Art. 24); history is kept and stays readable',
  })
  deregister(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: DeregisterAgencyDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    return this.run(req, res, actor, uscc, body, ['agency', 'regulator'], {
      type: 'Deregister',
      reason: body.reason,
    });
  }

  @Post(':uscc/reports')
  @HttpCode(201)
  @Roles('agency', 'regulator')
  @ApiOperation({
    summary:
      '报备: an agency registered in one jurisdiction reports to another (the host) by its USCC, without filing again; the host regulator supervises it there (seed 000 Art. 4 ¶2, seed 002 §一.7)',
  })
  report(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: ReportToJurisdictionDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    return this.run(req, res, actor, uscc, body, ['agency', 'regulator'], {
      type: 'ReportToJurisdiction',
      jurisdiction: body.jurisdiction,
    });
  }

  @Post(':uscc/cma-revocation')
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({
    summary:
      '资质认定撤销: the CMA qualification revoked by its issuer (seed 004 Art. 16 ¶2; in Urumqi recorded by market regulation)',
  })
  cmaRevocation(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: RecordCmaRevocationDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const { occurredAt: _o, ...data } = body;
    return this.run(req, res, actor, uscc, body, ['regulator'], {
      type: 'RecordCmaRevocation',
      data: withoutUndefined<Extract<AgencyCommand, { type: 'RecordCmaRevocation' }>['data']>({
        ...data,
        recordingAuthority: recordingAuthorityOf(actor),
      }),
    });
  }

  @Post(':uscc/deregistration-by-authority')
  @HttpCode(201)
  @Roles('regulator')
  @ApiOperation({
    summary:
      '注销 by the registration authority after verification: the CMA qualification lost (lapsed or revoked, as recorded) or the legal person ended (seed 002 §一.10)',
  })
  deregisterByAuthority(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: DeregisterByAuthorityDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    return this.run(req, res, actor, uscc, body, ['regulator'], {
      type: 'DeregisterByAuthority',
      reason: body.reason,
      basis: body.basis,
    });
  }

  @Post(':uscc/corrections')
  @HttpCode(201)
  @Roles('agency', 'regulator')
  @ApiOperation({
    summary:
      '修改申请: correct a wrong USCC or resident ID number, or withdraw a non-technical person entered in error (admin only: seed 002 §七.2, §三.11, §三.10), or correct an equipment model (the agency, its regulator, an admin: §五.3) by a compensating event with its reason; the original stays recorded',
  })
  async correct(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Body() body: CorrectRecordDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    const refuse = (property: string, message: string) =>
      validationException([{ property, constraints: { correction: message }, children: [] }]);
    const base = { reason: body.reason, evidence: body.evidence };
    if (body.field === 'personnel.withdrawn') {
      if (body.personId === undefined)
        throw refuse('personId', 'should not be empty when field is personnel.withdrawn');
      const correction: CorrectionRequest = {
        field: 'personnel.withdrawn',
        personId: body.personId,
      };
      return this.run(req, res, actor, uscc, body, ['admin'], {
        type: 'CorrectRecord',
        correction,
        ...base,
      });
    }
    if (body.correctedValue === undefined)
      throw refuse('correctedValue', `should not be empty when field is ${body.field}`);
    const value = body.correctedValue.trim();
    switch (body.field) {
      case 'uscc': {
        const check = validateUscc(value);
        if (!check.valid) throw refuse('correctedValue', check.reason);
        const correction: CorrectionRequest = { field: 'uscc', to: value };
        return this.run(req, res, actor, uscc, body, ['admin'], {
          type: 'CorrectRecord',
          correction,
          ...base,
          correctedUsccRegistered: (await this.store.streamVersion(agencyStreamId(value))) > 0,
        });
      }
      case 'personnel.idNumber': {
        if (body.personId === undefined)
          throw refuse('personId', 'should not be empty when field is personnel.idNumber');
        const check = validateResidentId(value);
        // The reason, never the number (the message is logged with the refusal).
        if (!check.valid) throw refuse('correctedValue', check.reason);
        const toHash = this.personalData.identityHash(value);
        const sealing = this.personalData.sealing();
        const correction: CorrectionRequest = {
          field: 'personnel.idNumber',
          personId: body.personId,
          toHash,
          to: await sealing.seal(`person:${toHash}`, 'resident-id', value),
        };
        return this.run(
          req,
          res,
          actor,
          uscc,
          body,
          ['admin'],
          { type: 'CorrectRecord', correction, ...base },
          sealing,
        );
      }
      case 'equipment.model': {
        if (body.equipmentId === undefined)
          throw refuse('equipmentId', 'should not be empty when field is equipment.model');
        const correction: CorrectionRequest = {
          field: 'equipment.model',
          equipmentId: body.equipmentId,
          to: value,
        };
        return this.run(req, res, actor, uscc, body, ['agency', 'regulator'], {
          type: 'CorrectRecord',
          correction,
          ...base,
        });
      }
    }
  }
}
