/**
 * `npm run calendar -- import <file.json>` / `show <year>`: an administrator records a year's
 * official calendar when the State Council's notice comes out, straight into the ledger (the
 * same decider and stream as PUT /api/v1/calendar/:year).
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import {
  BUILT_IN_CALENDAR,
  calendarStreamId,
  calendarYearOf,
  decideCalendar,
  DomainError,
  type OfficialCalendarRecorded,
  type RecordOfficialCalendar,
} from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import { CalendarService } from '../../apps/ledger-api/src/calendar/calendar.service';

/** The file an administrator writes from the notice (README, "Next year's calendar"). */
export function parseCalendarFile(text: string): RecordOfficialCalendar {
  const raw = JSON.parse(text) as Partial<RecordOfficialCalendar>;
  const problems: string[] = [];
  if (!Number.isInteger(raw.year)) problems.push('year: must be a whole year, e.g. 2027');
  for (const field of ['holidays', 'makeupWorkdays'] as const) {
    if (!Array.isArray(raw[field]) || raw[field].some((d) => typeof d !== 'string'))
      problems.push(`${field}: must be an array of dates (YYYY-MM-DD)`);
  }
  if (typeof raw.source?.notice !== 'string' || !raw.source.notice.trim())
    problems.push('source.notice: the State Council notice, e.g. 国办发明电〔2026〕N号');
  if (typeof raw.source?.issuedOn !== 'string') problems.push('source.issuedOn: YYYY-MM-DD');
  if (raw.reason !== undefined && typeof raw.reason !== 'string')
    problems.push('reason: must be a text');
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { ...(raw as RecordOfficialCalendar), type: 'RecordOfficialCalendar' };
}

export async function showCalendar(store: EventStore, year: number): Promise<string> {
  const entry = await new CalendarService(store).year(year);
  if (!entry) {
    return `${year}: no official calendar recorded. Record it with: npm run calendar -- import <file.json>`;
  }
  return JSON.stringify(entry, null, 2);
}

export async function importCalendar(store: EventStore, command: RecordOfficialCalendar) {
  const events = await store.readStream(calendarStreamId(command.year));
  const current = calendarYearOf(command.year, events, BUILT_IN_CALENDAR.year(command.year));
  let decided: OfficialCalendarRecorded[];
  try {
    decided = decideCalendar(command, current);
  } catch (error) {
    if (error instanceof DomainError)
      throw new Error(`${error.field ?? error.article}: ${error.message}`);
    throw error;
  }
  if (decided.length === 0) {
    return `${command.year}: the same calendar is already in force (version ${current?.version ?? 0}); nothing recorded`;
  }
  const result = await store.append(
    calendarStreamId(command.year),
    decided.map((event) => ({
      eventId: randomUUID(),
      type: event.type,
      data: event.data,
      occurredAt: new Date().toISOString(),
      metadata: { actor: `cli:${userInfo().username}`, role: 'admin', correlationId: randomUUID() },
    })),
    { expectedVersion: events.length === 0 ? 0 : events.at(-1)!.version },
  );
  return `${command.year}: recorded version ${result.version} (event ${result.eventIds[0]}, position ${result.position})`;
}

export const readCalendarFile = (path: string) => parseCalendarFile(readFileSync(path, 'utf8'));
