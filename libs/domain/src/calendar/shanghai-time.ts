/**
 * The bare dates of this ledger (`YYYY-MM-DD`) are days in Asia/Shanghai. These functions
 * move between such a date and the instants that bound it.
 *
 * China has kept UTC+08:00 without daylight saving time since 1991, so a day there is exactly
 * [00:00, 24:00) at +08:00. (Asia/Shanghai did observe DST in 1986–1991; nothing this ledger
 * records is that old, and the day bounds below use the fixed offset.)
 */
import { formatIsoDate, isCalendarDate, utcMidnightOf } from './iso-date';

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const MS_PER_DAY = 24 * 60 * 60 * 1000;
/** Asia/Shanghai's last daylight saving time ended on 1991-09-15; from 1992 on, +08:00 only. */
const FIXED_OFFSET_SINCE_MS = Date.UTC(1992, 0, 1) - SHANGHAI_OFFSET_MS;
/** 10000-01-01 in Shanghai: later instants are refused below. */
const YEAR_10000_MS = Date.UTC(10000, 0, 1) - SHANGHAI_OFFSET_MS;

const shanghaiDateParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * An ISO 8601 instant: date, time and an explicit offset. Without the offset
 * ('2026-01-12T10:00') JavaScript reads the time in the machine's own zone, so it is refused.
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Reads an ISO 8601 instant strictly: the date must exist and each time field be in range
 * (V8's own parser turns 2026-02-30 into 2 March).
 */
function parseInstant(instant: string): number {
  const match = ISO_INSTANT.exec(instant);
  if (match !== null) {
    const [, year, month, day, hour, minute, second = '0', fraction = '0', zone, sign, offH, offM] =
      match;
    const fields = { year: Number(year), month: Number(month), day: Number(day) };
    const inRange =
      isCalendarDate(fields.year, fields.month, fields.day) &&
      Number(hour) <= 23 &&
      Number(minute) <= 59 &&
      Number(second) <= 59 &&
      (zone === 'Z' || (Number(offH) <= 23 && Number(offM) <= 59));
    if (inRange) {
      const offsetMs =
        zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM)) * 60_000;
      return (
        utcMidnightOf(formatIsoDate(fields)) +
        ((Number(hour) * 60 + Number(minute)) * 60 + Number(second)) * 1000 +
        Number(fraction.padEnd(3, '0').slice(0, 3)) -
        offsetMs
      );
    }
  }
  throw new RangeError(
    `${JSON.stringify(instant)} is not an ISO 8601 instant with an offset (e.g. 2026-01-12T10:00:00+08:00)`,
  );
}

/** The date in Asia/Shanghai at `instant`, e.g. 2026-01-11T16:00:00Z → '2026-01-12'. */
export function toShanghaiDate(instant: Date | string): string {
  const ms = typeof instant === 'string' ? parseInstant(instant) : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('the instant is an invalid Date');
  // Since 1992 the offset is +08:00 all year: the date is the UTC date 8 hours later, without
  // the time-zone database (a hot path: the grade history's timeline reads it for every fact).
  if (ms >= FIXED_OFFSET_SINCE_MS && ms < YEAR_10000_MS)
    return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  const parts = shanghaiDateParts.formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  const date = { year: part('year'), month: part('month'), day: part('day') };
  if (!isCalendarDate(date.year, date.month, date.day) || date.year < 1 || date.year > 9999) {
    throw new RangeError(`the instant ${new Date(ms).toISOString()} is outside years 0001–9999`);
  }
  return formatIsoDate(date);
}

/** The first millisecond of `date` in Asia/Shanghai: '2026-01-12' → 2026-01-11T16:00:00.000Z. */
export function startOfShanghaiDay(date: string): Date {
  return new Date(utcMidnightOf(date) - SHANGHAI_OFFSET_MS);
}

/** The last millisecond of `date` in Asia/Shanghai: '2026-01-12' → 2026-01-12T15:59:59.999Z. */
export function endOfShanghaiDay(date: string): Date {
  return new Date(utcMidnightOf(date) + MS_PER_DAY - SHANGHAI_OFFSET_MS - 1);
}
