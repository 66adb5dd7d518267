import { endOfShanghaiDay, startOfShanghaiDay, toShanghaiDate } from './shanghai-time';

describe('a bare date is a day in Asia/Shanghai (UTC+08:00)', () => {
  describe('the date of an instant is its date in Shanghai', () => {
    it.each([
      ['2026-01-11T15:59:59.999Z', '2026-01-11'],
      ['2026-01-11T16:00:00.000Z', '2026-01-12'],
      ['2026-01-12T15:59:59.999Z', '2026-01-12'],
      ['2026-01-12T16:00:00Z', '2026-01-13'],
      ['2026-01-12T00:00+08:00', '2026-01-12'],
      ['2026-01-12T23:59:59+08:00', '2026-01-12'],
      ['2026-01-11T12:00:00-05:00', '2026-01-12'],
      ['2026-12-31T16:00:00Z', '2027-01-01'],
      ['2024-02-28T16:00:00Z', '2024-02-29'],
      ['2026-01-12T10:00:00.123456789Z', '2026-01-12'],
    ])('%s → %s', (instant, date) => {
      expect(toShanghaiDate(instant)).toBe(date);
      expect(toShanghaiDate(new Date(Date.parse(instant)))).toBe(date);
    });

    it.each([
      ['2026-01-12T10:00', 'no offset: it would be read in the machine zone'],
      ['2026-01-12', 'a date is not an instant'],
      ['2026-02-30T10:00:00Z', 'no such day (JavaScript would make it 2 March)'],
      ['2026-01-12T24:00:00Z', 'hour 24'],
      ['2026-01-12T10:60:00Z', 'minute 60'],
      ['2026-01-12 10:00:00Z', 'a space for T'],
      ['yesterday', 'not ISO 8601'],
    ])('refuses %j: %s', (instant) => {
      expect(() => toShanghaiDate(instant)).toThrow(RangeError);
    });

    it('refuses an invalid Date', () => {
      expect(() => toShanghaiDate(new Date(Number.NaN))).toThrow(RangeError);
    });
  });

  describe('a day runs from 00:00:00.000 to 23:59:59.999 at +08:00', () => {
    it('starts at 16:00 UTC the day before', () => {
      expect(startOfShanghaiDay('2026-01-12').toISOString()).toBe('2026-01-11T16:00:00.000Z');
    });

    it('ends on its last millisecond, 15:59:59.999 UTC', () => {
      expect(endOfShanghaiDay('2026-01-12').toISOString()).toBe('2026-01-12T15:59:59.999Z');
    });

    it('ends one millisecond before the next day starts, across months, years and 29 February', () => {
      for (const [day, next] of [
        ['2026-01-12', '2026-01-13'],
        ['2026-01-31', '2026-02-01'],
        ['2024-02-28', '2024-02-29'],
        ['2024-02-29', '2024-03-01'],
        ['2026-12-31', '2027-01-01'],
      ]) {
        expect(endOfShanghaiDay(day).getTime() + 1).toBe(startOfShanghaiDay(next).getTime());
      }
    });

    it('both bounds fall on the day itself', () => {
      for (const day of ['2004-01-01', '2024-02-29', '2026-10-10', '2026-12-31']) {
        expect(toShanghaiDate(startOfShanghaiDay(day))).toBe(day);
        expect(toShanghaiDate(endOfShanghaiDay(day))).toBe(day);
      }
    });

    it('is 24 hours long', () => {
      expect(
        endOfShanghaiDay('2026-03-08').getTime() - startOfShanghaiDay('2026-03-08').getTime(),
      ).toBe(24 * 60 * 60 * 1000 - 1);
    });

    it.each(['2026-1-12', '2026-02-29', '2026-01-12T00:00:00+08:00'])('refuses %j', (date) => {
      expect(() => startOfShanghaiDay(date)).toThrow(RangeError);
      expect(() => endOfShanghaiDay(date)).toThrow(RangeError);
    });
  });
});
