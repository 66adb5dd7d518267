/**
 * Bare ISO calendar dates (`YYYY-MM-DD`) and the proleptic Gregorian arithmetic on them.
 *
 * Everything here is integer arithmetic on (year, month, day): no `Date`, so no answer can
 * depend on the time zone of the machine that computes it.
 */

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when (year, month, day) names a day that exists, e.g. not 2026-02-29. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** True for a `YYYY-MM-DD` string naming a day that exists. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  return match !== null && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Parses a `YYYY-MM-DD` string; throws a RangeError for anything else (2026-1-5, 2026-02-30). */
export function parseIsoDate(date: string): CalendarDate {
  const match = typeof date === 'string' ? ISO_DATE.exec(date) : null;
  if (match !== null) {
    const parsed = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
    if (isCalendarDate(parsed.year, parsed.month, parsed.day)) return parsed;
  }
  throw new RangeError(`${JSON.stringify(date)} is not a calendar date in YYYY-MM-DD form`);
}

export function formatIsoDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days since 1970-01-01 (H. Hinnant's days_from_civil). */
export function epochDayOf({ year, month, day }: CalendarDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The calendar date of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
export function calendarDateOfEpochDay(epochDay: number): CalendarDate {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** `date` moved by `days` calendar days (negative moves back). */
export function addCalendarDays(date: string, days: number): string {
  return formatIsoDate(calendarDateOfEpochDay(epochDayOf(parseIsoDate(date)) + days));
}

/** 0 = Sunday … 6 = Saturday, as `Date.prototype.getDay`. */
export function dayOfWeek(date: string): number {
  return (((epochDayOf(parseIsoDate(date)) + 4) % 7) + 7) % 7;
}

/** Milliseconds since the epoch of midnight UTC starting `date`. */
export function utcMidnightOf(date: string): number {
  return epochDayOf(parseIsoDate(date)) * MS_PER_DAY;
}
