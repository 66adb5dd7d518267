/**
 * Working days on the official PRC calendar: weekends, public holidays and make-up working
 * days (调休) as announced each year by the General Office of the State Council.
 *
 * The data is chinese-days' published table (`dist/chinese-days.json`). Its functions are not
 * used: they parse 'YYYY-MM-DD' as UTC midnight but read the day back in the machine's local
 * time zone, and build their tables the same way, so west of UTC (America/New_York, say)
 * they answer for the wrong day (Monday 2026-01-12 comes out as not a working day). Reading
 * the table by its date keys gives the same answer on every machine, and for every day of
 * 2004–2026 the same answer as chinese-days' `isWorkday` run at UTC or in Asia/Shanghai.
 *
 * chinese-days also answers for years it has no data for, from weekdays alone, without a
 * warning. A period that used such a guess would be wrong whenever the holidays fall
 * differently, so any date outside the known years is refused with CalendarOutOfRangeError.
 */
import officialCalendar from 'chinese-days/dist/chinese-days.json';
import { addCalendarDays, dayOfWeek, epochDayOf, parseIsoDate } from './iso-date';

/** Date → name, e.g. '2026-10-01' → 'National Day,国庆节,3'. */
type DayTable = Readonly<Record<string, string>>;

/** Days off that would otherwise be working days (public holidays and the days added to them). */
const officialDaysOff: DayTable = officialCalendar.holidays;
/** Weekend days that are working days (make-up working days, 调休上班). */
const makeUpWorkingDays: DayTable = officialCalendar.workdays;

function yearsIn(table: DayTable): number[] {
  return Object.keys(table).map((date) => Number(date.slice(0, 4)));
}

/** The years whose official holiday calendar is known: every day in them can be answered. */
export const KNOWN_CALENDAR_YEARS: Readonly<{ first: number; last: number }> = Object.freeze({
  first: Math.min(...yearsIn(officialDaysOff)),
  last: Math.max(...yearsIn(officialDaysOff)),
});

export class CalendarOutOfRangeError extends Error {
  override readonly name = 'CalendarOutOfRangeError';

  constructor(
    /** The date that could not be answered. */
    readonly date: string,
    readonly knownYears: Readonly<{ first: number; last: number }> = KNOWN_CALENDAR_YEARS,
  ) {
    super(
      Number(date.slice(0, 4)) > knownYears.last
        ? `${date} is past ${knownYears.last}, the last year whose official PRC holiday calendar is known`
        : `${date} is before ${knownYears.first}, the first year whose official PRC holiday calendar is known`,
    );
  }
}

/** Throws a RangeError for a malformed date and CalendarOutOfRangeError for an unknown year. */
function assertKnownDate(date: string): void {
  const { year } = parseIsoDate(date);
  if (year < KNOWN_CALENDAR_YEARS.first || year > KNOWN_CALENDAR_YEARS.last) {
    throw new CalendarOutOfRangeError(date);
  }
}

function isWorkingDayInKnownYear(date: string): boolean {
  if (Object.hasOwn(makeUpWorkingDays, date)) return true;
  if (Object.hasOwn(officialDaysOff, date)) return false;
  const weekday = dayOfWeek(date);
  return weekday !== 0 && weekday !== 6;
}

/**
 * Whether `date` (a `YYYY-MM-DD` day in Asia/Shanghai) is a working day: a weekday that is not
 * a public holiday, or a weekend day declared a make-up working day.
 */
export function isWorkingDay(date: string): boolean {
  assertKnownDate(date);
  return isWorkingDayInKnownYear(date);
}

/**
 * The last day of a period of `workingDays` working days that starts on `start`.
 *
 * PRC Civil Code Art. 201: the day on which a period starts is not counted; counting begins
 * on the next day. The result is the `workingDays`-th working day after `start`, and that day
 * is included in the period. So 5 working days from Monday 2026-01-12 end on Monday
 * 2026-01-19, whether or not `start` itself is a working day.
 *
 * Throws CalendarOutOfRangeError as soon as the count reaches a day whose year is not known.
 */
export function addWorkingDays(start: string, workingDays: number): string {
  if (!Number.isSafeInteger(workingDays) || workingDays < 1) {
    throw new RangeError(
      `a period must be a positive whole number of working days, not ${String(workingDays)}`,
    );
  }
  assertKnownDate(start);
  let day = start;
  let counted = 0;
  while (counted < workingDays) {
    day = addCalendarDays(day, 1);
    assertKnownDate(day);
    if (isWorkingDayInKnownYear(day)) counted += 1;
  }
  return day;
}

/**
 * How many working days fall after `start` up to and including `end`, counted as
 * addWorkingDays counts: `workingDaysBetween(start, addWorkingDays(start, n)) === n`.
 * Zero when `end` is `start`; a RangeError when `end` is before `start`.
 */
export function workingDaysBetween(start: string, end: string): number {
  assertKnownDate(start);
  assertKnownDate(end);
  const span = epochDayOf(parseIsoDate(end)) - epochDayOf(parseIsoDate(start));
  if (span < 0) throw new RangeError(`${end} is before ${start}`);
  let counted = 0;
  for (let offset = 1; offset <= span; offset += 1) {
    if (isWorkingDayInKnownYear(addCalendarDays(start, offset))) counted += 1;
  }
  return counted;
}
