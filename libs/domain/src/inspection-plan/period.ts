import { daysInMonth, formatIsoDate } from '../calendar/iso-date';
import { InvalidInput } from '../shared/errors';

/** An inspection period: a year (`2027`), a half (`2027-H1`), a quarter (`2027-Q1`), a month (`2027-03`). */
export const PERIOD_PATTERN = /^(\d{4})(?:-(?:H([12])|Q([1-4])|(0[1-9]|1[0-2])))?$/;

export interface InspectionPeriod {
  period: string;
  /** First and last day of the period, bare dates, both included. */
  startsOn: string;
  endsOn: string;
}

/** The days a period covers; a malformed one is 400 naming `period`. */
export function parsePeriod(period: string): InspectionPeriod {
  const match = PERIOD_PATTERN.exec(period);
  const year = match ? Number(match[1]) : NaN;
  if (!match || year < 2000) {
    throw new InvalidInput(
      `${JSON.stringify(period)} is not a period: write a year (2027), a half (2027-H1), a quarter (2027-Q1) or a month (2027-03), from 2000`,
      'inspection-plan-period',
      'period',
    );
  }
  const [first, last] = match[2]
    ? [Number(match[2]) * 6 - 5, Number(match[2]) * 6]
    : match[3]
      ? [Number(match[3]) * 3 - 2, Number(match[3]) * 3]
      : match[4]
        ? [Number(match[4]), Number(match[4])]
        : [1, 12];
  return {
    period,
    startsOn: formatIsoDate({ year, month: first, day: 1 }),
    endsOn: formatIsoDate({ year, month: last, day: daysInMonth(year, last) }),
  };
}
