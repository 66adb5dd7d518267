import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import {
  agencyStreamId,
  cmaStatusOn,
  directoryRulesFor,
  gradesNoOne,
  JURISDICTIONS,
  reviewDue,
  toShanghaiDate,
  type Jurisdiction,
} from '@ledger/domain';
import { CalendarService } from '../calendar/calendar.service';
import { maySee, SEARCHABLE_STATUSES, seesPendingChange, seesUnpublished } from './visibility';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import {
  currentGrades,
  eGradeDates,
  RegistryEntryRow,
  type RegistryEntry,
} from '@ledger/projections';
import type { Pool } from 'pg';
import { DATABASE_POOL } from '../database-pool.module';
import { CurrentActor, Public, Roles, type Actor } from '../auth';
import { ParseUsccPipe } from '../http';
import { PersonalData } from './personal-data.provider';
import { AgencyDirectory } from './agency-directory';
import { matchingSearch } from './registry-search';
import { AgencyEntryQuery, AgencyListQuery, EVENTS_PAGE_MAX, EventsQuery } from './queries.dto';
import type { Response } from 'express';
import { ApiQueryResponses } from '../http/openapi';
import { REGISTRY_ENTRY, REGISTRY_PAGE, STREAM_EVENTS } from './agencies.openapi';

/** Jurisdictions that grade no one (Urumqi, seed 004): their agencies are `not-graded`. */
const NOT_GRADED: readonly string[] = JURISDICTIONS.filter((j) => gradesNoOne(j));

/**
 * Chongqing's directory (名录, seed 001 Art. 4, 20) on `asOf`: the agency enters it with the
 * approval of its registration and leaves it from the day an E takes effect (Art. 20: back only
 * on a regulator's approval of its re-entry, which it may apply for from `barredUntil`), or with
 * its deregistration. Undefined where the jurisdiction keeps no such directory.
 */
function directoryOn(
  entry: Pick<RegistryEntry, 'jurisdiction' | 'approvedOn' | 'deregistered'>,
  reentries: readonly string[],
  eGrades: readonly string[],
  asOf: string,
) {
  const rules = directoryRulesFor(entry.jurisdiction as Jurisdiction, asOf);
  if (!rules) return undefined;
  if (entry.approvedOn === null || entry.approvedOn > asOf)
    return { listed: false, delistedOn: null, barredUntil: null, article: null };
  const standing = rules.standing({ on: asOf, eGrades, reentries });
  const deregisteredOn = entry.deregistered?.on;
  if (standing.listed && deregisteredOn !== undefined && deregisteredOn <= asOf)
    return { listed: false, delistedOn: deregisteredOn, barredUntil: null, article: null };
  return standing;
}

/**
 * The view of an entry that `actor` may see, with its current grade (`not-graded` where the
 * jurisdiction grades no one) and where its CMA certificate stands on `asOf` (a lapsed or
 * revoked one is flagged: seed 000 Art. 2, seed 004 Art. 5(3)); the projection's bookkeeping
 * stays inside. A key change awaiting review (and how the last one ended) only for its
 * regulator and the agency (seed 002 §七.8). Chongqing entries add where the agency stands in
 * the directory on `asOf` (`directoryOn`), and its last application to re-enter for the same few.
 */
function publicEntry(
  {
    personnel: _p,
    equipment: _e,
    legalRepresentativeNames: _n,
    pendingChange,
    lastChangeReview,
    cmaCertificates,
    directoryReentries,
    directoryApplication,
    ...entry
  }: RegistryEntry,
  grade: string | undefined,
  actor: Actor | undefined,
  asOf: string,
  /** The days the agency's distinct E grades took effect (for the directory), as known now. */
  eGrades: readonly string[] = [],
) {
  // The certificate filed for asOf (the last filed by then; the first, asked about earlier).
  const filed = cmaCertificates ?? [];
  const certificateOn =
    filed.filter((f) => f.from <= asOf).at(-1)?.certificate ??
    filed[0]?.certificate ??
    entry.cmaCertificate;
  const directory = directoryOn(entry, directoryReentries ?? [], eGrades, asOf);
  return {
    ...entry,
    grade: gradesNoOne(entry.jurisdiction as Jurisdiction) ? 'not-graded' : (grade ?? 'ungraded'),
    cmaCertificate: entry.cmaCertificate ?? null,
    cmaRevoked: entry.cmaRevoked ?? null,
    commitment: entry.commitment ?? null,
    reports: entry.reports ?? [],
    cmaStatus: cmaStatusOn(certificateOn, entry.cmaRevoked?.on, asOf),
    cmaStatusOn: asOf,
    ...(seesPendingChange(entry.uscc, entry.jurisdiction, actor) && {
      pendingChange: pendingChange ?? null,
      lastChangeReview: lastChangeReview ?? null,
    }),
    ...(directory && {
      directory: {
        ...directory,
        on: asOf,
        // Its last application to re-enter: for its regulator and the agency, as a change is.
        ...(seesPendingChange(entry.uscc, entry.jurisdiction, actor) && {
          application: directoryApplication ?? null,
        }),
      },
    }),
  };
}

/** Who sees a deregistered agency's whole entry: regulators, auditors, reviewers, admins, itself. */
const seesDeregistered = (uscc: string, actor: Actor | undefined): boolean =>
  seesUnpublished(actor) || actor?.uscc === uscc;

@ApiTags('registry')
@Controller('api/v1/agencies')
export class AgencyQueriesController {
  constructor(
    @InjectRepository(RegistryEntryRow) private readonly registry: Repository<RegistryEntryRow>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalData,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    private readonly calendars: CalendarService,
    private readonly directory: AgencyDirectory,
  ) {}

  /**
   * A filing made while the year its review falls in had no official calendar was recorded
   * with `reviewDueOn: null`; once the year is recorded, the entry shows the due date from it.
   */
  private async withReviewDue(doc: RegistryEntry): Promise<RegistryEntry> {
    const pending = doc.pendingChange;
    // The same for a key change awaiting review (seed 002 §七.8).
    if (pending && pending.reviewDueOn === null) {
      const due = reviewDue(await this.calendars.forDecisionOn(pending.filedOn), pending.filedOn);
      doc = { ...doc, pendingChange: { ...pending, reviewDueOn: due.reviewDueOn } };
    }
    if (doc.reviewDueOn !== null || doc.status !== 'pending-review') return doc;
    const filedOn = doc.reviewFiledOn ?? doc.registeredOn;
    const due = reviewDue(await this.calendars.forDecisionOn(filedOn), filedOn);
    return { ...doc, reviewDueOn: due.reviewDueOn };
  }

  // Public search is rate-limited per address (LEDGER_SEARCHES_PER_MINUTE): 429 + Retry-After.
  @UseGuards(ThrottlerGuard)
  @ApiQueryResponses(REGISTRY_PAGE)
  @Get()
  @Public()
  @ApiOperation({
    summary:
      'Search the registry: registered entries (regulators, reviewers and auditors also see pending and deregistered ones)',
  })
  @ApiQuery({
    name: 'q',
    required: false,
    description: 'part of the name, or the start of the USCC',
  })
  async list(@Query() query: AgencyListQuery, @CurrentActor() actor?: Actor) {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const qb = this.registry.createQueryBuilder('r');
    if (query.jurisdiction)
      qb.andWhere('r.jurisdiction = :jurisdiction', { jurisdiction: query.jurisdiction });
    if (query.status) qb.andWhere('r.status = :status', { status: query.status });
    // A host's regulator finds the agencies that reported to it (ADR 016, seed 002 §一.7).
    if (query.reportedTo)
      qb.andWhere(`COALESCE(r.doc->'reports', '[]'::jsonb) @> CAST(:reports AS jsonb)`, {
        reports: JSON.stringify([{ jurisdiction: query.reportedTo }]),
      });
    if (!seesUnpublished(actor))
      qb.andWhere('r.status IN (:...published)', { published: SEARCHABLE_STATUSES });
    const today = toShanghaiDate(new Date());
    const asOf = query.asOf ?? today;
    if (query.cmaLapsed === 'true') {
      // Flagged on asOf: the certificate filed for that day (as publicEntry picks it) is past
      // its last valid day, or the qualification was revoked by then.
      const certificateOn = `COALESCE(
        (SELECT e.c->'certificate' FROM jsonb_array_elements(r.doc->'cmaCertificates') WITH ORDINALITY AS e(c, i)
          WHERE e.c->>'from' <= :asOf ORDER BY e.i DESC LIMIT 1),
        r.doc->'cmaCertificates'->0->'certificate',
        r.doc->'cmaCertificate')`;
      qb.andWhere(
        `((${certificateOn})->>'number') IS NOT NULL AND (((${certificateOn})->>'validUntil') < :asOf
           OR (r.doc->'cmaRevoked'->>'on') <= :asOf)`,
        { asOf },
      );
    }
    if (query.grade === 'not-graded') {
      qb.andWhere('r.jurisdiction IN (:...notGraded)', { notGraded: NOT_GRADED });
    } else if (query.grade) {
      qb.andWhere('r.jurisdiction NOT IN (:...notGraded)', { notGraded: NOT_GRADED });
      // The grade in force today, as known now, from the grade history (ungraded when none).
      qb.andWhere(
        `COALESCE((SELECT g.grade FROM grade_periods g WHERE g.key = r.key AND g.system_to IS NULL
           AND g.valid_from <= :today AND (g.valid_to IS NULL OR g.valid_to > :today) LIMIT 1), 'ungraded') = :grade`,
        { grade: query.grade, today },
      );
    }
    // Indexed for a q of 3 characters or more and for a USCC's start (ADR 037).
    if (query.q) matchingSearch(qb, query.q);
    const [rows, total] = await qb
      .orderBy('r.name', 'ASC')
      .addOrderBy('r.key', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    const grades = await currentGrades(
      this.pool,
      rows.map((row) => row.key),
      today,
    );
    const eGrades = await eGradeDates(
      this.pool,
      rows
        .filter((row) => directoryRulesFor(row.jurisdiction as Jurisdiction, asOf))
        .map((row) => row.key),
    );
    return {
      items: rows.map((row) =>
        publicEntry(row.doc, grades.get(row.key), actor, asOf, eGrades.get(row.key)),
      ),
      page,
      pageSize,
      total,
    };
  }

  @ApiQueryResponses(REGISTRY_ENTRY, { notFound: 'no such agency, or not public' })
  @Get(':uscc')
  @Public()
  @ApiOperation({ summary: "An agency's current registry entry" })
  async get(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Query() query: AgencyEntryQuery,
    @CurrentActor() actor?: Actor,
  ) {
    // A corrected code, or one it was corrected from, leads to the record (ADR 018).
    const row = await this.directory.find(uscc);
    const current = row?.doc.uscc ?? uscc;
    const visible = row && maySee(row.status, current, actor);
    if (!visible)
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: [`uscc: no published agency ${uscc}`],
      });
    // Deregistered: the registration is no longer publicly displayed (seed 002 §七.9).
    if (row.status === 'deregistered' && !seesDeregistered(current, actor))
      return {
        uscc: current,
        status: 'deregistered',
        deregisteredOn: row.doc.deregistered?.on ?? null,
      };
    const key = row.key;
    const today = toShanghaiDate(new Date());
    const grades = await currentGrades(this.pool, [key], today);
    const asOf = query.asOf ?? today;
    const eGrades = directoryRulesFor(row.jurisdiction as Jurisdiction, asOf)
      ? (await eGradeDates(this.pool, [key])).get(key)
      : undefined;
    return publicEntry(await this.withReviewDue(row.doc), grades.get(key), actor, asOf, eGrades);
  }

  @ApiQueryResponses(STREAM_EVENTS, { notFound: 'no such agency' })
  @Get(':uscc/events')
  // The appeal reviewer reads the timeline too (issue 12), its personal data masked.
  @Roles('auditor', 'regulator', 'admin', 'reviewer')
  @ApiOperation({
    summary: "The agency's raw event stream, with each event's hash chain",
    description:
      'Personal data is shown in full only to the regulator of the agency and to admins, masked for everyone else. Hashes cover the sealed (encrypted) form; GET /api/v1/ledger/verify checks them.',
  })
  async events(
    @Param('uscc', ParseUsccPipe) uscc: string,
    @Query() query: EventsQuery,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor?: Actor,
  ) {
    // The jurisdiction (who sees personal data in full) from the registry, an indexed lookup.
    const entry = await this.directory.find(uscc);
    if (!entry)
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: [`uscc: no agency ${uscc}`],
      });
    // One page: a stream of thousands of events is read a page at a time (Link: rel="next").
    const fromVersion = query.fromVersion ?? 1;
    const limit = query.limit ?? EVENTS_PAGE_MAX;
    const events = await this.store.readStream(agencyStreamId(entry.key), {
      fromVersion,
      maxCount: limit + 1,
    });
    const page = events.slice(0, limit);
    if (events.length > limit) {
      res.setHeader(
        'Link',
        `</api/v1/agencies/${uscc}/events?fromVersion=${fromVersion + limit}&limit=${limit}>; rel="next"`,
      );
    }
    const jurisdiction = entry.jurisdiction;
    const mode = PersonalData.seesInFull(actor, jurisdiction) ? 'full' : 'masked';
    return Promise.all(
      page.map(async (e) => ({
        eventId: e.eventId,
        type: e.type,
        version: e.version,
        position: e.position,
        occurredAt: e.occurredAt,
        recordedAt: e.recordedAt,
        actor: e.metadata.actor,
        data: await this.personalData.reveal(e.data, mode),
        metadata: e.metadata,
        hash: e.hash,
        prevHash: e.prevHash,
      })),
    );
  }
}
