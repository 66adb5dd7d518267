import { InvalidInput } from '../shared/errors';
import { calendarYearOf, decideCalendar, type RecordOfficialCalendar } from './calendar-year';
import {
  BUILT_IN_CALENDAR,
  CalendarOutOfRangeError,
  OfficialCalendar,
  type CalendarYear,
} from './official-calendar';

/**
 * A FICTIONAL 2027, for tests only: no official calendar for 2027 exists yet, and none ships as
 * data. 2027-01-01 (Friday) and 2027-01-04 (Monday) are days off, Saturday 2027-01-09 works.
 */
const fictional2027: CalendarYear = {
  year: 2027,
  version: 1,
  builtIn: false,
  holidays: ['2027-01-01', '2027-01-04'],
  makeupWorkdays: ['2027-01-09'],
  source: { notice: 'TEST-ONLY fictional notice', issuedOn: '2026-11-01' },
};

const record = (over: Partial<RecordOfficialCalendar> = {}): RecordOfficialCalendar => ({
  type: 'RecordOfficialCalendar',
  year: 2027,
  holidays: ['2027-01-04', '2027-01-01'],
  makeupWorkdays: ['2027-01-09'],
  source: { notice: 'TEST-ONLY fictional notice', issuedOn: '2026-11-01' },
  ...over,
});

describe('the official calendar as ledger data', () => {
  describe('given only the built-in years (2004–2026)', () => {
    it('refuses a deadline that reaches 2027, naming the year and how to record it', () => {
      expect(() => BUILT_IN_CALENDAR.deadline('2026-12-24', 6)).toThrow(CalendarOutOfRangeError);
      try {
        BUILT_IN_CALENDAR.deadline('2026-12-24', 6);
      } catch (error) {
        expect((error as CalendarOutOfRangeError).year).toBe(2027);
        expect((error as Error).message).toContain('PUT /api/v1/calendar/2027');
      }
    });

    it('records version 0 of each year a deadline used', () => {
      expect(BUILT_IN_CALENDAR.deadline('2026-01-12', 5)).toEqual({
        date: '2026-01-19',
        calendar: { '2026': 0 },
      });
    });
  });

  describe('given a recorded 2027', () => {
    const calendar = BUILT_IN_CALENDAR.with(fictional2027);

    it('counts across the new year with the recorded holidays and make-up days', () => {
      // 12-31 Thu; 2027: 01-01 off, 01-04 off, 01-05..08 work, 01-09 Sat works.
      expect(calendar.deadline('2026-12-30', 6)).toEqual({
        date: '2027-01-09',
        calendar: { '2026': 0, '2027': 1 },
      });
      expect(calendar.isWorkingDay('2027-01-04')).toBe(false);
      expect(calendar.isWorkingDay('2027-01-09')).toBe(true);
      expect(calendar.workingDaysBetween('2026-12-30', '2027-01-09')).toBe(6);
    });

    it('a calendar at the versions a decision recorded gives the dates it recorded', () => {
      const corrected = calendar.with({
        ...fictional2027,
        version: 2,
        holidays: ['2027-01-01'],
      });
      expect(corrected.deadline('2026-12-30', 6).date).toBe('2027-01-08');
      expect(calendar.deadline('2026-12-30', 6).date).toBe('2027-01-09');
    });
  });

  describe('recording a year', () => {
    it('records the first version of a year the ledger does not have, dates sorted', () => {
      expect(decideCalendar(record(), undefined)).toEqual([
        {
          type: 'OfficialCalendarRecorded',
          data: {
            year: 2027,
            holidays: ['2027-01-01', '2027-01-04'],
            makeupWorkdays: ['2027-01-09'],
            source: { notice: 'TEST-ONLY fictional notice', issuedOn: '2026-11-01' },
          },
        },
      ]);
    });

    it('records nothing for the same body again', () => {
      expect(decideCalendar(record(), fictional2027)).toEqual([]);
    });

    it('a different body for a recorded year is a correction and needs a reason (400 reason)', () => {
      expect(() => decideCalendar(record({ holidays: ['2027-01-01'] }), fictional2027)).toThrow(
        InvalidInput,
      );
      expect(
        decideCalendar(record({ holidays: ['2027-01-01'], reason: '通知更正' }), fictional2027),
      ).toMatchObject([{ data: { holidays: ['2027-01-01'], reason: '通知更正' } }]);
    });

    it('a correction of a built-in year needs a reason too', () => {
      const builtIn2026 = BUILT_IN_CALENDAR.year(2026)!;
      expect(() =>
        decideCalendar(
          record({ year: 2026, holidays: ['2026-01-01'], makeupWorkdays: [] }),
          builtIn2026,
        ),
      ).toThrow(expect.objectContaining({ field: 'reason', status: 400 }) as Error);
    });

    it.each([
      [{ holidays: ['2028-01-01'] }, 'holidays.0'],
      [{ holidays: ['2027-02-30'] }, 'holidays.0'],
      [{ makeupWorkdays: ['2027-01-11'] }, 'makeupWorkdays'],
      [{ holidays: ['2027-01-09'] }, 'makeupWorkdays'],
    ])('refuses %j naming %s', (over, field) => {
      expect(() => decideCalendar(record(over), undefined)).toThrow(
        expect.objectContaining({ field, status: 400 }) as Error,
      );
    });

    it('the version in force is the last recorded, numbered from 1; without one, the built-in', () => {
      const [first] = decideCalendar(record(), undefined);
      const [second] = decideCalendar(
        record({ holidays: ['2027-01-01'], reason: 'x' }),
        calendarYearOf(2027, [first], undefined),
      );
      expect(calendarYearOf(2027, [first, second], undefined)).toMatchObject({
        version: 2,
        builtIn: false,
        holidays: ['2027-01-01'],
      });
      expect(calendarYearOf(2026, [], BUILT_IN_CALENDAR.year(2026))).toMatchObject({
        version: 0,
        builtIn: true,
      });
      expect(new OfficialCalendar([]).knownYears()).toEqual([]);
    });
  });
});
