/**
 * Working days on the built-in baseline of the official PRC calendar (2004–2026, from
 * chinese-days' published table): weekends, public holidays and make-up working days (调休).
 *
 * chinese-days' own functions are not used: they parse 'YYYY-MM-DD' as UTC midnight but read
 * the day back in the machine's local time zone, so west of UTC they answer for the wrong day.
 * Reading the table by its date keys gives the same answer on every machine. chinese-days also
 * answers for years it has no data for, from weekdays alone, without a warning: any date
 * outside the known years is refused with CalendarOutOfRangeError.
 *
 * Decisions do not use these functions: they take the calendar recorded in the ledger
 * (OfficialCalendar, with the years an administrator recorded) and record the versions used.
 * These are the baseline, for tests, fixtures and the demo.
 */
import { BUILT_IN_CALENDAR, BUILT_IN_CALENDAR_YEARS } from './official-calendar';

export { CalendarOutOfRangeError } from './official-calendar';

/** The years the built-in baseline knows. */
export const KNOWN_CALENDAR_YEARS: Readonly<{ first: number; last: number }> = Object.freeze({
  first: BUILT_IN_CALENDAR_YEARS[0].year,
  last: BUILT_IN_CALENDAR_YEARS[BUILT_IN_CALENDAR_YEARS.length - 1].year,
});

/** Whether `date` is a working day on the built-in baseline. */
export const isWorkingDay = (date: string): boolean => BUILT_IN_CALENDAR.isWorkingDay(date);

/** The `workingDays`-th working day after `start` on the built-in baseline (Civil Code Art. 201). */
export const addWorkingDays = (start: string, workingDays: number): string =>
  BUILT_IN_CALENDAR.addWorkingDays(start, workingDays);

/** Working days after `start` up to and including `end` on the built-in baseline. */
export const workingDaysBetween = (start: string, end: string): number =>
  BUILT_IN_CALENDAR.workingDaysBetween(start, end);
