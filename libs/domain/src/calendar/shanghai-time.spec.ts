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

  it("gives the time-zone database's date, on both sides of 1992 (the fixed offset since)", () => {
    const zone = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const from = Date.UTC(1986, 0, 1);
    const to = Date.UTC(2101, 0, 1);
    // Every 7 h 13 min 17 s over 115 years: every hour of the day, every day of the week.
    for (let ms = from; ms < to; ms += 26_000_000 - 3_000 + 1) {
      expect(toShanghaiDate(new Date(ms))).toBe(zone.format(ms));
    }
    expect(toShanghaiDate('1991-12-31T15:59:59.999Z')).toBe('1991-12-31');
    expect(toShanghaiDate('1991-12-31T16:00:00Z')).toBe('1992-01-01');
    // Daylight saving time of 1986–1991: 1988-04-17 01:00 +08:00 was 02:00 +09:00.
    expect(toShanghaiDate('1988-07-01T15:30:00Z')).toBe('1988-07-02');
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
