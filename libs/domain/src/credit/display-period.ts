import { addCalendarDays } from '../calendar/iso-date';
import { addMonths } from '../grading/policies/policy';

/**
 * How long a record of dishonesty is publicly displayed (公示期限), as the national rule that
 * Beijing Art. 20 refers to sets it: NDRC Order No. 58 (2023), 《失信行为纠正后的信用信息修复管理
 * 办法（试行）》, in force 2023-05-01, Art. 10 as commonly cited: a penalty for ordinary
 * dishonesty (一般失信行为) is displayed at least 3 months and at most 1 year from its decision;
 * one for serious dishonesty (严重失信行为) at least 1 year and at most 3 years. A repair
 * (提前终止公示) may be applied for only once the minimum has run; at the maximum, display stops
 * by itself. It replaced the 2019 notice (发改办财金〔2019〕527号: 6 months to 3 years for
 * serious). Sources and how they were found: docs/adr/013-display-periods.md.
 */
export const DISPLAY_PERIODS = {
  source: 'NDRC Order No. 58 (2023), Art. 10',
  article: 'ndrc-58-10',
  ordinary: { minimumMonths: 3, maximumMonths: 12 },
  serious: { minimumMonths: 12, maximumMonths: 36 },
} as const;

export type Seriousness = 'ordinary' | 'serious';

/**
 * Which records are serious dishonesty (an assumption the texts leave to the deciding
 * authority; a policy parameter, see ADR 012): a penalty for falsified data, a false or untrue
 * report or false O&M (the credit-bad conduct of Beijing Art. 9(3), Chongqing Art. 16(4)), and
 * a credit-bad finding, a police case, a serious-dishonesty listing or a procurement blacklisting.
 * Everything else (other penalties, inspection findings, late filings, a removal from the list,
 * a refusal to take part in Jiaxing's evaluation) is ordinary.
 */
const SERIOUS_VIOLATIONS = new Set(['data-fraud', 'false-report', 'untrue-report', 'false-om']);
const SERIOUS_FINDINGS = new Set([
  'credit-bad',
  'police-case-opened',
  'serious-dishonesty-listed',
  // 政府采购严重违法失信行为记录 (Chongqing Art. 16(2)): serious by its own name.
  'procurement-blacklisted',
]);

export function seriousnessOf(recordType: string, data: Record<string, unknown>): Seriousness {
  if (recordType === 'PenaltyImposed' && SERIOUS_VIOLATIONS.has(String(data.violationType)))
    return 'serious';
  if (recordType === 'CreditFindingRecorded' && SERIOUS_FINDINGS.has(String(data.kind)))
    return 'serious';
  return 'ordinary';
}

export interface DisplayPeriod {
  seriousness: Seriousness;
  /** The first day a repair may be applied for: the minimum period has run. */
  repairableFrom: string;
  /** 公示截止期: the last day the record is displayed, when nothing ends it earlier. */
  displayUntil: string;
}

/** The display period of a record decided (or found) on `decidedOn`, a bare date. */
export function displayPeriodOf(
  recordType: string,
  data: Record<string, unknown>,
  decidedOn: string,
): DisplayPeriod {
  const seriousness = seriousnessOf(recordType, data);
  const { minimumMonths, maximumMonths } = DISPLAY_PERIODS[seriousness];
  return {
    seriousness,
    repairableFrom: addMonths(decidedOn, minimumMonths),
    displayUntil: addCalendarDays(addMonths(decidedOn, maximumMonths), -1),
  };
}

/** The day a record's display runs from: its decision, inspection or late filing. */
export function recordDateOf(recordType: string, data: Record<string, unknown>): string {
  const date =
    recordType === 'InspectionRecorded'
      ? data.inspectedAt
      : recordType === 'ChangeFiledLate'
        ? data.filedOn
        : data.decidedAt;
  return String(date).slice(0, 10);
}

/** The display period of a recorded event that is a credit record. */
export const displayPeriodOfRecord = (
  recordType: string,
  data: Record<string, unknown>,
): DisplayPeriod => displayPeriodOf(recordType, data, recordDateOf(recordType, data));
