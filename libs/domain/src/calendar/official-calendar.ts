/**
 * The official PRC working-day calendar as ledger data.
 *
 * Each autumn the General Office of the State Council publishes next year's public holidays
 * and make-up working days (调休). No package has a year before that notice, and the ledger
 * must never guess one, so each year's calendar is a fact recorded in the ledger
 * (`OfficialCalendarRecorded`, one stream per year), with the notice it comes from. The years
 * 2004–2026 come built in from chinese-days' published table as version 0.
 *
 * A deadline computed from the calendar records the version of each year it used
 * (`CalendarVersions`), so a later correction of a year never changes a past decision
 * silently: replaying with the recorded versions gives the recorded dates.
 */
import officialTable from 'chinese-days/dist/chinese-days.json';
import { addCalendarDays, dayOfWeek, parseIsoDate } from './iso-date';

/** The notice a year's calendar comes from, e.g. 国办发明电〔2025〕7号. */
export interface CalendarSource {
  notice: string;
  issuedOn: string;
}

/** One year's official calendar, as recorded (or built in). */
export interface CalendarYear {
  year: number;
  /** 0 for the built-in baseline; 1, 2, … for each version recorded in the ledger. */
  version: number;
  builtIn: boolean;
  /** Days off that would otherwise be working days (holidays and the days added to them). */
  holidays: readonly string[];
  /** Weekend days that are working days (调休上班). */
  makeupWorkdays: readonly string[];
  source: CalendarSource | null;
}

/** The version of each year's calendar a deadline was computed with: `{ "2027": 1 }`. */
export type CalendarVersions = Readonly<Record<string, number>>;

/** Where a built-in year comes from. */
export const BUILT_IN_CALENDAR_SOURCE: CalendarSource = {
  notice: 'chinese-days 1.5.7 (国务院办公厅 annual holiday notices, 2004–2026)',
  issuedOn: '2025-11-04',
};

/** A deadline needs a year whose official calendar the ledger does not have. */
export class CalendarOutOfRangeError extends Error {
  override readonly name = 'CalendarOutOfRangeError';
  readonly year: number;

  constructor(
    /** The date that could not be answered. */
    readonly date: string,
  ) {
    const year = Number(date.slice(0, 4));
    super(
      `no official PRC calendar is recorded for ${year} (needed for ${date}); an administrator records the State Council's holiday notice for ${year} with PUT /api/v1/calendar/${year} or \`npm run calendar -- import <file.json>\``,
    );
    this.year = year;
  }
}

function builtInYears(): CalendarYear[] {
  const holidays = Object.keys(officialTable.holidays);
  const workdays = Object.keys(officialTable.workdays);
  const years = new Set(holidays.map((date) => Number(date.slice(0, 4))));
  return [...years].sort().map((year) => ({
    year,
    version: 0,
    builtIn: true,
    holidays: holidays.filter((d) => d.startsWith(`${year}-`)).sort(),
    makeupWorkdays: workdays.filter((d) => d.startsWith(`${year}-`)).sort(),
    source: BUILT_IN_CALENDAR_SOURCE,
  }));
}

interface YearTable {
  entry: CalendarYear;
  holidays: ReadonlySet<string>;
  makeupWorkdays: ReadonlySet<string>;
}

/** A deadline and the calendar versions it was computed with. */
export interface Deadline {
  date: string;
  calendar: CalendarVersions;
}

/**
 * Working days over a set of known years. Immutable; pure. Any date in a year it does not hold
 * throws CalendarOutOfRangeError: never a guess from weekdays alone.
 */
export class OfficialCalendar {
  private readonly years: ReadonlyMap<number, YearTable>;

  constructor(years: Iterable<CalendarYear>) {
    const table = new Map<number, YearTable>();
    for (const entry of years) {
      table.set(entry.year, {
        entry,
        holidays: new Set(entry.holidays),
        makeupWorkdays: new Set(entry.makeupWorkdays),
      });
    }
    this.years = table;
  }

  /** This calendar with `year` replaced (or added). */
  with(year: CalendarYear): OfficialCalendar {
    return new OfficialCalendar([
      ...[...this.years.values()].map((y) => y.entry).filter((y) => y.year !== year.year),
      year,
    ]);
  }

  year(year: number): CalendarYear | undefined {
    return this.years.get(year)?.entry;
  }

  knownYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  private tableOf(date: string): YearTable {
    const { year } = parseIsoDate(date);
    const table = this.years.get(year);
    if (!table) throw new CalendarOutOfRangeError(date);
    return table;
  }

  /** A weekday that is not a holiday, or a weekend day declared a make-up working day. */
  isWorkingDay(date: string): boolean {
    const table = this.tableOf(date);
    if (table.makeupWorkdays.has(date)) return true;
    if (table.holidays.has(date)) return false;
    const weekday = dayOfWeek(date);
    return weekday !== 0 && weekday !== 6;
  }

  /**
   * The last day of a period of `workingDays` working days that starts on `start`.
   *
   * PRC Civil Code Art. 201: the day on which a period starts is not counted; counting begins
   * on the next day. The result is the `workingDays`-th working day after `start`, and that
   * day is included in the period.
   */
  addWorkingDays(start: string, workingDays: number): string {
    return this.deadline(start, workingDays).date;
  }

  /** addWorkingDays, with the version of every year the count went through. */
  deadline(start: string, workingDays: number): Deadline {
    if (!Number.isSafeInteger(workingDays) || workingDays < 1) {
      throw new RangeError(
        `a period must be a positive whole number of working days, not ${String(workingDays)}`,
      );
    }
    const used: Record<string, number> = {};
    const note = (date: string) => {
      used[date.slice(0, 4)] = this.tableOf(date).entry.version;
    };
    note(start);
    let day = start;
    let counted = 0;
    while (counted < workingDays) {
      day = addCalendarDays(day, 1);
      note(day);
      if (this.isWorkingDay(day)) counted += 1;
    }
    return { date: day, calendar: used };
  }

  /**
   * How many working days fall after `start` up to and including `end`:
   * `workingDaysBetween(start, addWorkingDays(start, n)) === n`.
   */
  workingDaysBetween(start: string, end: string): number {
    this.tableOf(start);
    this.tableOf(end);
    if (end < start) throw new RangeError(`${end} is before ${start}`);
    let counted = 0;
    for (let day = addCalendarDays(start, 1); day <= end; day = addCalendarDays(day, 1)) {
      if (this.isWorkingDay(day)) counted += 1;
    }
    return counted;
  }
}

/** The years 2004–2026 as chinese-days publishes them: version 0 of each. */
export const BUILT_IN_CALENDAR_YEARS: readonly CalendarYear[] = Object.freeze(builtInYears());

export const BUILT_IN_CALENDAR = new OfficialCalendar(BUILT_IN_CALENDAR_YEARS);
