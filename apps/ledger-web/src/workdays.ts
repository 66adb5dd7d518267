/**
 * Working days by the official calendar the ledger records (GET /api/v1/calendar/:year): a
 * day is a working day when it is a make-up working day, or a weekday that is not a holiday.
 */
import { api, call } from './api/client';

interface CalendarAnswer {
  holidays: string[];
  makeupWorkdays: string[];
}

const cache = new Map<number, Promise<CalendarAnswer | null>>();

function calendarOf(year: number): Promise<CalendarAnswer | null> {
  if (!cache.has(year))
    cache.set(
      year,
      call<CalendarAnswer>(
        api.GET('/api/v1/calendar/{year}', { params: { path: { year } } }),
      ).catch(() => null),
    );
  return cache.get(year)!;
}

export const shanghaiToday = () =>
  new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

async function isWorkday(date: string): Promise<boolean> {
  const calendar = await calendarOf(Number(date.slice(0, 4)));
  if (calendar?.makeupWorkdays.includes(date)) return true;
  if (calendar?.holidays.includes(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * Working days from `today` to `due`: 0 when due today, negative when overdue (working days
 * since), positive when that many working days remain after today.
 */
export async function workingDaysUntil(due: string, today = shanghaiToday()): Promise<number> {
  if (due === today) return 0;
  const forward = due > today;
  let count = 0;
  for (
    let d = addDays(today, forward ? 1 : -1);
    forward ? d <= due : d >= due;
    d = addDays(d, forward ? 1 : -1)
  ) {
    if (await isWorkday(d)) count += 1;
    if (count > 400) break;
  }
  return forward ? count : -Math.max(1, count);
}
