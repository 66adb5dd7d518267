import {
  addCalendarDays,
  calendarDateOfEpochDay,
  dayOfWeek,
  epochDayOf,
  isCalendarDate,
  isIsoDate,
  parseIsoDate,
} from './iso-date';

describe('bare ISO dates are YYYY-MM-DD days of the Gregorian calendar', () => {
  describe('only days that exist are dates', () => {
    it.each(['2026-01-12', '2024-02-29', '2000-02-29', '2026-12-31'])('%s is a date', (date) => {
      expect(isIsoDate(date)).toBe(true);
      expect(() => parseIsoDate(date)).not.toThrow();
    });

    it.each([
      '2026-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '2026-1-12',
      '26-01-12',
      '2026-01-12 ',
      'x',
    ])('%j is not', (date) => {
      expect(isIsoDate(date)).toBe(false);
      expect(() => parseIsoDate(date)).toThrow(RangeError);
    });

    it('non-strings are not dates', () => {
      expect(isIsoDate(undefined)).toBe(false);
      expect(isIsoDate(20260112)).toBe(false);
    });

    it('isCalendarDate checks leap years by the Gregorian rule', () => {
      expect(isCalendarDate(2024, 2, 29)).toBe(true);
      expect(isCalendarDate(2100, 2, 29)).toBe(false);
      expect(isCalendarDate(2000, 2, 29)).toBe(true);
    });
  });

  describe('day arithmetic', () => {
    it.each([
      ['2026-01-12', 1, '2026-01-13'],
      ['2026-01-31', 1, '2026-02-01'],
      ['2024-02-28', 1, '2024-02-29'],
      ['2026-02-28', 1, '2026-03-01'],
      ['2026-12-31', 1, '2027-01-01'],
      ['2026-03-01', -1, '2026-02-28'],
      ['2026-01-12', 365, '2027-01-12'],
      ['1970-01-01', -1, '1969-12-31'],
    ])('%s + %i days = %s', (date, days, result) => {
      expect(addCalendarDays(date, days)).toBe(result);
    });

    it('counts days from 1970-01-01 as Date does, in both directions', () => {
      for (let epochDay = -800_000; epochDay <= 800_000; epochDay += 997) {
        const viaDate = new Date(epochDay * 86_400_000).toISOString().slice(0, 10);
        const date = calendarDateOfEpochDay(epochDay);
        expect(epochDayOf(date)).toBe(epochDay);
        if (date.year >= 1000 && date.year <= 9999)
          expect(addCalendarDays('1970-01-01', epochDay)).toBe(viaDate);
      }
    });

    it.each([
      ['2026-01-11', 0],
      ['2026-01-12', 1],
      ['2026-02-14', 6],
      ['1970-01-01', 4],
      ['1969-12-31', 3],
    ])('%s falls on day %i of the week (0 = Sunday)', (date, weekday) => {
      expect(dayOfWeek(date)).toBe(weekday);
    });
  });
});
