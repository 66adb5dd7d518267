import { Inject, Injectable } from '@nestjs/common';
import {
  BUILT_IN_CALENDAR,
  calendarStreamId,
  calendarYearOf,
  OfficialCalendar,
  type CalendarVersions,
  type CalendarYear,
} from '@ledger/domain';
import { EVENT_STORE, type EventStore, type StoredEvent } from '@ledger/event-store';

export interface CalendarYearAnswer extends CalendarYear {
  /** When the ledger recorded this version; null for a built-in year. */
  recordedAt: string | null;
}

/**
 * The official calendar as the ledger has recorded it: one stream per year, the built-in
 * baseline (version 0) for 2004–2026. Read from the event store at each decision, so every
 * instance decides with what is recorded, never with a cached copy.
 */
/** The years a deadline from a decision on `on` can reach: its own and the next. */
function decisionYears(on: string): number[] {
  const first = Number(on.slice(0, 4));
  return [first, first + 1];
}

/** A year's version in force from its stream's events (the built-in one when none). */
function yearFrom(year: number, events: StoredEvent[]): CalendarYearAnswer | undefined {
  const entry = calendarYearOf(year, events, BUILT_IN_CALENDAR.year(year));
  if (!entry) return undefined;
  return { ...entry, recordedAt: events.at(-1)?.recordedAt ?? null };
}

@Injectable()
export class CalendarService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  private recorded(year: number): Promise<StoredEvent[]> {
    return this.store.readStream(calendarStreamId(year));
  }

  /** The version in force of a year, with when it was recorded; undefined when the ledger has none. */
  async year(year: number): Promise<CalendarYearAnswer | undefined> {
    return yearFrom(year, await this.recorded(year));
  }

  /** The calendar a decision on `on` uses: the years a deadline from `on` can reach. */
  async forDecisionOn(on: string): Promise<OfficialCalendar> {
    const streams = this.streamsForDecisionOn(on);
    return this.decisionCalendar(
      on,
      await Promise.all(streams.map((streamId) => this.store.readStream(streamId))),
    );
  }

  /**
   * The streams `forDecisionOn(on)` reads, for a caller that reads them together with others
   * in one round trip (the command pipeline, with the stream it decides on), then hands their
   * events, in this order, to `decisionCalendar`.
   */
  streamsForDecisionOn(on: string): string[] {
    return decisionYears(on).map(calendarStreamId);
  }

  /** The calendar of a decision on `on`, from the events of `streamsForDecisionOn(on)`. */
  decisionCalendar(on: string, recorded: StoredEvent[][]): OfficialCalendar {
    const years = decisionYears(on).map((year, i) => yearFrom(year, recorded[i] ?? []));
    return new OfficialCalendar(years.filter((y): y is CalendarYearAnswer => y !== undefined));
  }

  /**
   * The calendar exactly as a past decision used it: each year at the version it recorded.
   * Replaying with it gives the recorded dates, whatever was corrected since.
   */
  async atVersions(versions: CalendarVersions): Promise<OfficialCalendar> {
    const years: CalendarYear[] = [];
    for (const [key, version] of Object.entries(versions)) {
      const year = Number(key);
      if (version === 0) {
        const builtIn = BUILT_IN_CALENDAR.year(year);
        if (builtIn) years.push(builtIn);
        continue;
      }
      // The stream holds only OfficialCalendarRecorded: version n is its first n events.
      const events = (await this.recorded(year)).slice(0, version);
      const entry = events.length === version ? calendarYearOf(year, events, undefined) : undefined;
      if (entry) years.push(entry);
    }
    return new OfficialCalendar(years);
  }
}
