import { isWorkday as chineseDaysIsWorkday } from 'chinese-days';
import {
  CalendarOutOfRangeError,
  KNOWN_CALENDAR_YEARS,
  addWorkingDays,
  isWorkingDay,
  workingDaysBetween,
} from './working-days';
import { addCalendarDays } from './iso-date';

describe('working days follow the official PRC calendar', () => {
  describe('a working day is a weekday that is not a holiday, or a make-up working day', () => {
    it.each([
      ['2026-01-12', 'an ordinary Monday'],
      ['2026-02-13', 'the Friday before Spring Festival'],
      ['2026-02-14', 'Saturday, a make-up working day for Spring Festival'],
      ['2026-02-28', 'Saturday, a make-up working day for Spring Festival'],
      ['2026-01-04', "Sunday, a make-up working day for New Year's Day"],
      ['2026-09-20', 'Sunday, a make-up working day for National Day'],
      ['2026-10-10', 'Saturday, a make-up working day for National Day'],
    ])('%s is a working day (%s)', (date) => {
      expect(isWorkingDay(date)).toBe(true);
    });

    it.each([
      ['2026-01-17', 'an ordinary Saturday'],
      ['2026-01-18', 'an ordinary Sunday'],
      ['2026-01-01', "New Year's Day, a Thursday"],
      ['2026-02-16', 'Spring Festival holiday, a Monday'],
      ['2026-02-23', 'Spring Festival holiday, a Monday'],
      ['2026-09-25', 'Mid-Autumn Festival, a Friday'],
      ['2026-10-01', 'National Day, a Thursday'],
      ['2026-10-07', 'National Day holiday, a Wednesday'],
    ])('%s is not a working day (%s)', (date) => {
      expect(isWorkingDay(date)).toBe(false);
    });

    // chinese-days reads dates in the machine's time zone: west of UTC its answers are a day
    // off, so the comparison only means something at UTC or east of it.
    const machineIsNotWestOfUtc = new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset() <= 0;
    (machineIsNotWestOfUtc ? it : it.skip)('agrees with chinese-days on every known day', () => {
      const disagreements: string[] = [];
      for (
        let day = `${KNOWN_CALENDAR_YEARS.first}-01-01`;
        day <= `${KNOWN_CALENDAR_YEARS.last}-12-31`;
        day = addCalendarDays(day, 1)
      ) {
        if (isWorkingDay(day) !== chineseDaysIsWorkday(day)) disagreements.push(day);
      }
      expect(disagreements).toEqual([]);
    });
  });

  describe('a period of n working days ends on the n-th working day after its starting day (Civil Code Art. 201)', () => {
    it('5 working days from Monday 2026-01-12 end on Monday 2026-01-19', () => {
      expect(addWorkingDays('2026-01-12', 5)).toBe('2026-01-19');
    });

    it('5 working days from 2026-09-30 end on 2026-10-13: National Day is skipped, Saturday 10-10 counts', () => {
      expect(addWorkingDays('2026-09-30', 5)).toBe('2026-10-13');
    });

    it('15 working days from Friday 2026-02-06 end on 2026-03-05, across Spring Festival', () => {
      // 02-09…02-13 (5), Sat 02-14 (6), holiday 02-15…02-23, 02-24…02-27 (10),
      // Sat 02-28 (11), 03-02…03-05 (15). Counting weekdays alone would give 02-27.
      expect(addWorkingDays('2026-02-06', 15)).toBe('2026-03-05');
    });

    it('the starting day is not counted, even when it is a working day', () => {
      expect(addWorkingDays('2026-01-12', 1)).toBe('2026-01-13');
    });

    it('a period may start on a day off', () => {
      expect(addWorkingDays('2026-10-01', 1)).toBe('2026-10-08');
      expect(addWorkingDays('2026-01-17', 1)).toBe('2026-01-19');
    });

    it('its last day is always a working day, a make-up day included', () => {
      expect(addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    });

    it('counts across a year end inside the known years', () => {
      expect(addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
    });

    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
      'refuses a period of %p working days',
      (workingDays) => {
        expect(() => addWorkingDays('2026-01-12', workingDays)).toThrow(RangeError);
      },
    );
  });

  describe('working days between two dates are counted as a period counts them', () => {
    it('2026-01-12 to 2026-01-19 is 5 working days', () => {
      expect(workingDaysBetween('2026-01-12', '2026-01-19')).toBe(5);
    });

    it('2026-09-30 to 2026-10-13 is 5 working days', () => {
      expect(workingDaysBetween('2026-09-30', '2026-10-13')).toBe(5);
    });

    it('a day to itself is 0', () => {
      expect(workingDaysBetween('2026-10-01', '2026-10-01')).toBe(0);
    });

    it('is the inverse of addWorkingDays', () => {
      for (const start of ['2026-01-12', '2026-02-06', '2026-09-18', '2025-12-31']) {
        for (const n of [1, 5, 15, 30]) {
          expect(workingDaysBetween(start, addWorkingDays(start, n))).toBe(n);
        }
      }
    });

    it('refuses an end before the start', () => {
      expect(() => workingDaysBetween('2026-01-19', '2026-01-12')).toThrow(RangeError);
    });
  });

  describe('a date outside the known years is refused, never guessed', () => {
    it('knows 2004 to 2026', () => {
      expect(KNOWN_CALENDAR_YEARS).toEqual({ first: 2004, last: 2026 });
    });

    it('a period crossing into 2027 is refused at the first day of 2027', () => {
      expect(addWorkingDays('2026-12-24', 5)).toBe('2026-12-31');
      expect(() => addWorkingDays('2026-12-24', 6)).toThrow(
        new CalendarOutOfRangeError('2027-01-01'),
      );
    });

    it('a period starting in 2027 is refused, naming the year missing', () => {
      expect(() => addWorkingDays('2027-01-04', 1)).toThrow(
        'no official PRC calendar is recorded for 2027 (needed for 2027-01-04)',
      );
    });

    it('a date before 2004 is refused', () => {
      expect(() => isWorkingDay('2003-12-31')).toThrow(
        'no official PRC calendar is recorded for 2003 (needed for 2003-12-31)',
      );
    });

    it('isWorkingDay refuses 2027 though chinese-days would answer from weekdays alone', () => {
      expect(chineseDaysIsWorkday('2027-10-01')).toBe(true); // National Day 2027, a Friday
      expect(() => isWorkingDay('2027-10-01')).toThrow(CalendarOutOfRangeError);
    });

    it('workingDaysBetween refuses an end past 2026', () => {
      expect(() => workingDaysBetween('2026-12-01', '2027-01-04')).toThrow(CalendarOutOfRangeError);
    });

    it('the error carries the date and the missing year, and says how to record it', () => {
      const error = new CalendarOutOfRangeError('2027-01-04');
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('CalendarOutOfRangeError');
      expect(error.date).toBe('2027-01-04');
      expect(error.year).toBe(2027);
      expect(error.message).toContain('PUT /api/v1/calendar/2027');
    });
  });

  describe('dates are bare ISO dates', () => {
    it.each(['2026-1-12', '2026-02-30', '2026-01-12T00:00:00Z', '12/01/2026', ''])(
      'refuses %j',
      (date) => {
        expect(() => isWorkingDay(date)).toThrow(RangeError);
        expect(() => addWorkingDays(date, 1)).toThrow(RangeError);
      },
    );
  });
});
