/**
 * Recording a year's official calendar: one stream per year, one event per version.
 *
 * The first version of a year that is not built in needs only the notice; any later body that
 * differs from the version in force (built-in years included) is a correction and needs a
 * reason; the same body again records nothing.
 */
import { InvalidInput } from '../shared/errors';
import { dayOfWeek, isIsoDate } from './iso-date';
import type { CalendarSource, CalendarYear } from './official-calendar';

export const CALENDAR_STREAM_PREFIX = 'official-calendar-';
export const calendarStreamId = (year: number) => `${CALENDAR_STREAM_PREFIX}${year}`;

export interface OfficialCalendarRecorded {
  type: 'OfficialCalendarRecorded';
  data: {
    year: number;
    holidays: string[];
    makeupWorkdays: string[];
    source: CalendarSource;
    /** Why a year already recorded (or built in) is recorded again. */
    reason?: string;
  };
}

export interface RecordOfficialCalendar {
  type: 'RecordOfficialCalendar';
  year: number;
  holidays: string[];
  makeupWorkdays: string[];
  source: CalendarSource;
  reason?: string;
}

/** The article cited for every calendar rule: the State Council's annual notice. */
const ARTICLE = 'prc-official-calendar';

const sortedUnique = (dates: readonly string[]) => [...new Set(dates)].sort();

const sameBody = (a: Pick<CalendarYear, 'holidays' | 'makeupWorkdays'>, b: typeof a) =>
  JSON.stringify([sortedUnique(a.holidays), sortedUnique(a.makeupWorkdays)]) ===
  JSON.stringify([sortedUnique(b.holidays), sortedUnique(b.makeupWorkdays)]);

/**
 * The version in force of a year, from its calendar stream's events (other types are skipped)
 * or, when none is recorded, the built-in one.
 */
export function calendarYearOf(
  year: number,
  events: readonly { type: string; data: unknown }[],
  builtIn: CalendarYear | undefined,
): CalendarYear | undefined {
  const recorded = events.filter(
    (e): e is OfficialCalendarRecorded => e.type === 'OfficialCalendarRecorded',
  );
  const last = recorded.at(-1);
  if (!last) return builtIn;
  return {
    year,
    version: recorded.length,
    builtIn: false,
    holidays: last.data.holidays,
    makeupWorkdays: last.data.makeupWorkdays,
    source: last.data.source,
  };
}

/**
 * What recording a year's calendar appends, given the version in force (`current`, the
 * built-in one included). Pure. Bad dates are InvalidInput (400) naming the field.
 */
export function decideCalendar(
  command: RecordOfficialCalendar,
  current: CalendarYear | undefined,
): OfficialCalendarRecorded[] {
  const { year } = command;
  for (const field of ['holidays', 'makeupWorkdays'] as const) {
    command[field].forEach((date, index) => {
      if (!isIsoDate(date) || !date.startsWith(`${year}-`)) {
        throw new InvalidInput(
          `must be a date of ${year} (YYYY-MM-DD)`,
          ARTICLE,
          `${field}.${index}`,
        );
      }
    });
  }
  const holidays = sortedUnique(command.holidays);
  const makeupWorkdays = sortedUnique(command.makeupWorkdays);
  const both = holidays.filter((d) => makeupWorkdays.includes(d));
  if (both.length > 0) {
    throw new InvalidInput(
      `${both.join(', ')} cannot be both a holiday and a make-up working day`,
      ARTICLE,
      'makeupWorkdays',
    );
  }
  const weekday = makeupWorkdays.find((d) => dayOfWeek(d) !== 0 && dayOfWeek(d) !== 6);
  if (weekday) {
    throw new InvalidInput(
      `${weekday} is a weekday: a make-up working day is a Saturday or Sunday`,
      ARTICLE,
      'makeupWorkdays',
    );
  }
  if (!isIsoDate(command.source.issuedOn)) {
    throw new InvalidInput('must be a date (YYYY-MM-DD)', ARTICLE, 'source.issuedOn');
  }
  if (current && sameBody(current, { holidays, makeupWorkdays })) return [];
  if (current && !command.reason?.trim()) {
    throw new InvalidInput(
      `${year} already has version ${current.version}${current.builtIn ? ' (built in)' : ''}: a different calendar is a correction and needs a reason`,
      ARTICLE,
      'reason',
    );
  }
  return [
    {
      type: 'OfficialCalendarRecorded',
      data: {
        year,
        holidays,
        makeupWorkdays,
        source: { notice: command.source.notice, issuedOn: command.source.issuedOn },
        ...(current && { reason: command.reason!.trim() }),
      },
    },
  ];
}
