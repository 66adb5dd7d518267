import {
  DISPLAY_PERIODS,
  displayPeriodOf,
  displayPeriodOfRecord,
  seriousnessOf,
} from './display-period';

describe('display periods of dishonesty records (NDRC Order No. 58, Art. 10)', () => {
  it('cites its source, and keeps the periods as parameters: ordinary 3–12 months, serious 12–36', () => {
    expect(DISPLAY_PERIODS).toMatchObject({
      article: 'ndrc-58-10',
      ordinary: { minimumMonths: 3, maximumMonths: 12 },
      serious: { minimumMonths: 12, maximumMonths: 36 },
    });
  });

  it.each([
    ['PenaltyImposed', { violationType: 'data-fraud' }, 'serious'],
    ['PenaltyImposed', { violationType: 'untrue-report' }, 'serious'],
    ['PenaltyImposed', { violationType: 'false-om' }, 'serious'],
    ['PenaltyImposed', { violationType: 'other' }, 'ordinary'],
    ['PenaltyImposed', { violationType: 'refused-inspection' }, 'ordinary'],
    ['CreditFindingRecorded', { kind: 'serious-dishonesty-listed' }, 'serious'],
    ['CreditFindingRecorded', { kind: 'credit-bad' }, 'serious'],
    ['CreditFindingRecorded', { kind: 'serious-dishonesty-removed' }, 'ordinary'],
    ['CreditFindingRecorded', { kind: 'procurement-blacklisted' }, 'serious'],
    ['CreditFindingRecorded', { kind: 'refused-evaluation' }, 'ordinary'],
    ['InspectionRecorded', { findings: [{ code: 'untrue-report' }] }, 'ordinary'],
    ['ChangeFiledLate', {}, 'ordinary'],
  ])('given a %s of %j, the record is %s dishonesty', (type, data, seriousness) => {
    expect(seriousnessOf(type, data)).toBe(seriousness);
  });

  it('given an ordinary penalty of 2026-03-01, a repair may be applied for from 2026-06-01 and display ends after 2027-02-28', () => {
    expect(displayPeriodOf('PenaltyImposed', { violationType: 'other' }, '2026-03-01')).toEqual({
      seriousness: 'ordinary',
      repairableFrom: '2026-06-01',
      displayUntil: '2027-02-28',
    });
  });

  it('given a serious penalty of 2024-02-29, months clamp to the month’s end: repairable from 2025-02-28, shown until 2027-02-27', () => {
    expect(
      displayPeriodOf('PenaltyImposed', { violationType: 'data-fraud' }, '2024-02-29'),
    ).toEqual({ seriousness: 'serious', repairableFrom: '2025-02-28', displayUntil: '2027-02-27' });
  });

  it('runs from the inspection date of an inspection finding and the filing date of a late change', () => {
    expect(
      displayPeriodOfRecord('InspectionRecorded', { inspectedAt: '2026-03-10', findings: [] }),
    ).toMatchObject({ repairableFrom: '2026-06-10', displayUntil: '2027-03-09' });
    expect(
      displayPeriodOfRecord('ChangeFiledLate', { filedOn: '2026-04-01', changedAt: '2026-02-01' }),
    ).toMatchObject({ repairableFrom: '2026-07-01', displayUntil: '2027-03-31' });
  });
});
