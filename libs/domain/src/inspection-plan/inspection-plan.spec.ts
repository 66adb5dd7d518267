import { ConflictError, InvalidInput, NotFoundError, RuleViolation } from '../shared/errors';
import { deciderSpecification } from '../testing/decider-specification';
import {
  assertCarriesOutPlan,
  decideInspectionPlan,
  evolveInspectionPlan,
  INSPECTION_PLAN_ID,
  initialInspectionPlanState,
  verifyInspectionPlan,
  type DrawInspectionPlan,
} from './inspection-plan';
import { parsePeriod } from './period';
import { chongqingInspection2023, inspectionPolicyInForce } from './policies';
import type { DrawCandidate } from './sampling';

const spec = deciderSpecification({
  decide: decideInspectionPlan,
  evolve: evolveInspectionPlan,
  initialState: initialInspectionPlanState,
});

const SEED = 'a1'.repeat(32);
const uscc = (i: number) => `91500103${String(i).padStart(9, '0')}X`;
const pool: DrawCandidate[] = [
  ...Array.from({ length: 20 }, (_, i) => ({ uscc: uscc(i), grade: 'A' as const })),
  ...Array.from({ length: 10 }, (_, i) => ({ uscc: uscc(100 + i), grade: 'C' as const })),
  { uscc: uscc(200), grade: 'D' },
  { uscc: uscc(300), grade: 'E' },
  { uscc: uscc(400), grade: 'ungraded' },
];
const draw = (over: Partial<DrawInspectionPlan> = {}): DrawInspectionPlan => ({
  type: 'DrawInspectionPlan',
  on: '2026-03-10',
  jurisdiction: 'chongqing',
  period: '2026-Q2',
  seed: SEED,
  seedSource: 'given',
  candidates: pool,
  ...over,
});
const drawn = (command = draw()) => decideInspectionPlan(command, initialInspectionPlanState)[0];

describe('an inspection plan not drawn yet', () => {
  it('draws each grade’s share under Chongqing Art. 22 and records every input of the draw', () => {
    const { data } = drawn();
    expect(data).toMatchObject({
      planId: 'chongqing-2026-Q2',
      periodStartsOn: '2026-04-01',
      periodEndsOn: '2026-06-30',
      drawnOn: '2026-03-10',
      policy: { id: 'chongqing/2023', article: 'chongqing-22' },
      ratios: { A: 0.05, B: 0.1, C: 0.3, D: 1, E: 1, ungraded: 1 },
      rounding: 'floor',
      seed: SEED,
      seedSource: 'given',
      algorithm: { name: 'sha256-ctr-fisher-yates', version: 1 },
    });
    expect(data.candidates).toHaveLength(pool.length);
    const count = (grade: string) => data.drawn.filter((d) => d.grade === grade).length;
    // floor(5 % × 20) = 1 A, floor(30 % × 10) = 3 C, and every D, E and ungraded agency.
    expect([count('A'), count('C'), count('D'), count('E'), count('ungraded')]).toEqual([
      1, 3, 1, 1, 1,
    ]);
  });

  it('is re-drawn from its recorded inputs alone with the same result', () => {
    expect(verifyInspectionPlan(drawn().data).match).toBe(true);
    const tampered = { ...drawn().data, seed: 'b2'.repeat(32) };
    expect(verifyInspectionPlan(tampered).match).toBe(false);
  });

  it('keeps an agency out of the directory (Chongqing Art. 20) in the draw: E is drawn at 100 %', () => {
    expect(drawn().data.drawn).toContainEqual({ uscc: uscc(300), grade: 'E' });
  });

  it('draws Beijing and Jiaxing by the levels their texts name (beijing-19, jiaxing-19)', () => {
    const beijing = drawn(draw({ jurisdiction: 'beijing', on: '2026-03-10' })).data;
    expect(beijing.policy).toMatchObject({ id: 'beijing/2026-draft', article: 'beijing-19' });
    expect(beijing.rounding).toBe('ceil');
    // ceil(5 % × 20) = 1 A: a lowered share still draws one.
    expect(beijing.drawn.filter((d) => d.grade === 'A')).toHaveLength(1);
    const jiaxing = drawn(draw({ jurisdiction: 'jiaxing' })).data;
    expect(jiaxing.policy.article).toBe('jiaxing-19');
    expect(jiaxing.ratios.E).toBe(1);
  });

  it('refuses a jurisdiction with no policy of supervision in force on the draw’s date (422 beijing-19)', () =>
    spec
      .given([])
      .when(draw({ jurisdiction: 'beijing', on: '2024-10-01', period: '2024-Q4' }))
      .thenThrows(RuleViolation, 'beijing-19', 'jurisdiction'));

  it('refuses a period that ended before the draw (422 chongqing-22)', () =>
    spec
      .given([])
      .when(draw({ period: '2026-Q1', on: '2026-04-01' }))
      .thenThrows(RuleViolation, 'chongqing-22', 'period'));

  it.each(['2026Q2', '2026-Q5', '2026-13', '26-Q1', '2026-q2', ''])(
    'refuses the malformed period %p (400 period)',
    (period) =>
      spec
        .given([])
        .when(draw({ period }))
        .thenThrows(InvalidInput, 'inspection-plan-period', 'period'),
  );

  it.each(['abc', 'a1'.repeat(8).slice(1), 'zz'.repeat(16), 'a1'.repeat(65)])(
    'refuses the bad seed %p (400 seed)',
    (seed) =>
      spec.given([]).when(draw({ seed })).thenThrows(InvalidInput, 'inspection-plan-seed', 'seed'),
  );
});

describe('an inspection plan drawn', () => {
  it('is not drawn again for the same jurisdiction and period (409)', () =>
    spec
      .given([drawn()])
      .when(draw({ seed: 'b2'.repeat(32) }))
      .thenThrows(ConflictError, 'chongqing-22', 'period'));
});

describe('an inspection that names a plan', () => {
  const plan = drawn().data;
  const agency = (u: string) => ({ uscc: u, jurisdiction: 'chongqing' });
  const chosen = plan.drawn[0].uscc;
  const passedOver = pool.find((c) => !plan.drawn.some((d) => d.uscc === c.uscc))!.uscc;

  it('carries it out when the plan drew the agency and the day is in the plan', () => {
    expect(() =>
      assertCarriesOutPlan(plan.planId, plan, agency(chosen), '2026-04-15'),
    ).not.toThrow();
  });

  it('is refused for a plan that does not exist (404 planId)', () => {
    expect(() =>
      assertCarriesOutPlan('chongqing-2026-Q3', undefined, agency(chosen), '2026-04-15'),
    ).toThrow(
      expect.objectContaining({
        constructor: NotFoundError,
        field: 'planId',
        article: 'chongqing-22',
      }),
    );
  });

  it('is refused for an agency the plan did not draw (422 chongqing-22, planId)', () => {
    expect(() => assertCarriesOutPlan(plan.planId, plan, agency(passedOver), '2026-04-15')).toThrow(
      expect.objectContaining({
        constructor: RuleViolation,
        field: 'planId',
        article: 'chongqing-22',
      }),
    );
  });

  it.each(['2026-03-09', '2026-07-01'])(
    'is refused on %s, outside the draw and the period (422 inspectedAt)',
    (inspectedAt) => {
      expect(() => assertCarriesOutPlan(plan.planId, plan, agency(chosen), inspectedAt)).toThrow(
        expect.objectContaining({ constructor: RuleViolation, field: 'inspectedAt' }),
      );
    },
  );
});

describe('periods and policies', () => {
  it('names a plan by its jurisdiction and period', () => {
    expect(
      ['chongqing-2027-Q1', 'beijing-2027', 'jiaxing-2027-H2', 'beijing-2027-03'].every((id) =>
        INSPECTION_PLAN_ID.test(id),
      ),
    ).toBe(true);
    expect(
      ['chongqing-Q3', 'shanghai-2027-Q1', 'beijing-2027-Q5', 'beijing-2027-13'].some((id) =>
        INSPECTION_PLAN_ID.test(id),
      ),
    ).toBe(false);
  });

  it.each([
    ['2027', '2027-01-01', '2027-12-31'],
    ['2027-H2', '2027-07-01', '2027-12-31'],
    ['2028-Q1', '2028-01-01', '2028-03-31'],
    ['2028-02', '2028-02-01', '2028-02-29'],
  ])('%s runs from %s to %s', (period, startsOn, endsOn) => {
    expect(parsePeriod(period)).toEqual({ period, startsOn, endsOn });
  });

  it('takes Chongqing’s ratios from its grading policy’s data (Art. 22), in force on the same dates', () => {
    expect(inspectionPolicyInForce('chongqing', '2026-03-10')).toBe(chongqingInspection2023);
    expect(inspectionPolicyInForce('chongqing', '2022-12-31')).toBeUndefined();
    expect(inspectionPolicyInForce('urumqi', '2026-03-10')).toBeUndefined();
  });
});
