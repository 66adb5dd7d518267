import { Inject, Injectable } from '@nestjs/common';
import {
  agencyStreamId,
  directoryBar,
  distinctEGrades,
  personStreamId,
  practiceBan,
  type AgencyEvent,
  type Jurisdiction,
  type PersonBan,
  type PersonNamedResponsible,
  type ResponsiblePerson,
} from '@ledger/domain';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import type { CommandOutcome } from '../commands/command-pipeline';
import { GradingService } from '../grading/grading.service';
import { ProjectionsService } from '../projections/projections.service';

type Naming = PersonNamedResponsible['data'];

/**
 * A person's credit across agencies (ADR 020): the decisions that named the person are appended
 * to the person's stream, `person-<identity hash>`, and a hire is decided on the bans they carry,
 * read from that stream and from the grade histories of the agencies named (Chongqing Art. 20).
 */
@Injectable()
export class PeopleService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly grading: GradingService,
    private readonly projections: ProjectionsService,
  ) {}

  /** The decisions that named the person, from the person's stream. */
  async namings(idNumberHash: string): Promise<Naming[]> {
    const events = await this.store.readStream(personStreamId(idNumberHash));
    return events.filter((e) => e.type === 'PersonNamedResponsible').map((e) => e.data as Naming);
  }

  /**
   * Every ban the person's namings carry: a practice ban as the penalty imposed it; a Chongqing
   * directory bar from the E its decision caused, as the agency's grade history holds it on `on`.
   */
  async bans(namings: readonly Naming[], on: string): Promise<PersonBan[]> {
    const bans: PersonBan[] = [];
    const histories = new Map<string, Awaited<ReturnType<GradingService['replayTimeline']>>>();
    for (const naming of namings) {
      const ban = practiceBan(naming);
      if (ban) bans.push(ban);
      if (naming.jurisdiction !== 'chongqing') continue;
      if (!histories.has(naming.uscc))
        histories.set(
          naming.uscc,
          await this.grading.replayTimeline(naming.uscc, undefined, Number(on.slice(0, 4)) + 1),
        );
      const { periods } = histories.get(naming.uscc)!;
      const bar = directoryBar(naming, periods, distinctEGrades(periods));
      if (bar) bans.push(bar);
    }
    return bans;
  }

  /**
   * After a penalty or a finding that names persons is stored: each naming is appended to the
   * person's stream, keyed (idempotency) by the decision's event, so a repeated request completes
   * what a failure left out and appends nothing twice. Two appends on two streams, as a hire's
   * prior departure is (ADR 005): the decision stands on the agency's stream either way.
   */
  async recordNamings(uscc: string, outcome: CommandOutcome): Promise<void> {
    const named = outcome.events
      .map((event, i) => ({ event: event as AgencyEvent, eventId: outcome.eventIds[i] }))
      .filter(
        ({ event }) =>
          (event.type === 'PenaltyImposed' ||
            event.type === 'CreditFindingRecorded' ||
            event.type === 'InspectionRecorded') &&
          (event.data.responsiblePersons?.length ?? 0) > 0,
      );
    if (named.length === 0) return;
    const registered = (await this.store.readStream(agencyStreamId(uscc), { maxCount: 1 }))[0];
    const jurisdiction = (registered?.data as { jurisdiction: Jurisdiction }).jurisdiction;
    let last: { position: number } | undefined;
    for (const { event, eventId } of named) {
      if (
        event.type !== 'PenaltyImposed' &&
        event.type !== 'CreditFindingRecorded' &&
        event.type !== 'InspectionRecorded'
      )
        continue;
      const d = event.data;
      const decidedAt =
        event.type === 'InspectionRecorded' ? event.data.inspectedAt : event.data.decidedAt;
      for (const person of d.responsiblePersons as ResponsiblePerson[]) {
        const data: Naming = {
          uscc,
          jurisdiction,
          ...(d.recordingJurisdiction && { recordingJurisdiction: d.recordingJurisdiction }),
          recordEventId: eventId,
          recordType: event.type,
          decidedAt,
          ...(event.type === 'PenaltyImposed'
            ? { decisionNumber: event.data.decisionNumber, violationType: event.data.violationType }
            : event.type === 'CreditFindingRecorded'
              ? { findingKind: event.data.kind, article: event.data.article }
              : { findingCodes: event.data.findings.map((f) => f.code) }),
          ...(person.role !== undefined && { role: person.role }),
          ...(person.bannedUntil !== undefined && { bannedUntil: person.bannedUntil }),
        };
        last = await this.store.append(
          personStreamId(person.idNumberHash),
          [
            {
              type: 'PersonNamedResponsible',
              data,
              occurredAt: `${decidedAt}T00:00:00+08:00`,
              metadata: {
                idempotencyKey: `named:${eventId}:${person.idNumberHash}`,
                causationId: eventId,
              },
            },
          ],
          { expectedVersion: 'any' },
        );
      }
    }
    // The answer waits for the person's record, as it does for the agency's (read your writes).
    if (last) await this.projections.waitFor(last.position);
  }
}
