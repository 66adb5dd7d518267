import type { Jurisdiction } from '../agency/agency.events';
import type { GradeValue } from '../grading/grading.types';
import { beijing2026, chongqing2023, jiaxing2023 } from '../grading/policies';
import type { GradingPolicy } from '../grading/policies';
import type { Rounding } from './sampling';

/**
 * A named supervision level of a text that sets frequencies, not numbers (Beijing Art. 19,
 * Jiaxing (十九)): the share it stands for is a policy parameter, stated as an assumption.
 */
export interface SupervisionLevel {
  /** The text's own words. */
  text: string;
  share: number;
}

/**
 * Supervision by grade (差异化监管): the share of each grade's agencies a 双随机 draw selects.
 * One version per jurisdiction and text, in force with the grading policy it reads grades of;
 * never edited once a plan used it (a plan records the ratios it drew with).
 */
export interface InspectionPolicy {
  id: string;
  jurisdiction: Jurisdiction;
  version: string;
  /** The grading policy whose grades it reads: in force on the same dates. */
  grading: GradingPolicy;
  /** The article that sets supervision by grade: cited by every refusal and by the plan. */
  article: string;
  /** The share of each grade drawn. */
  ratios: Record<GradeValue, number>;
  /** Per grade: the level the text names, where it names one instead of a number. */
  levels?: Partial<Record<GradeValue, string>>;
  /**
   * `floor` where the text sets a ceiling (Chongqing Art. 22 不超过: the share drawn never
   * exceeds it); `ceil` where it sets a frequency (at least that share, so a grade with a
   * share above 0 and any agency has one drawn).
   */
  rounding: Rounding;
  /** Why the numbers are what they are, where the text does not give them. */
  assumption?: string;
}

/** Beijing Art. 19 names four levels; the shares are an assumption (Chongqing Art. 22's numbers). */
export const BEIJING_LEVELS = {
  reduced: { text: 'A: 可合理降低抽查比例和频次', share: 0.05 },
  'routine-reduced': { text: 'B: 按常规处理，适当降低抽查比例和频次', share: 0.1 },
  routine: {
    text: '未分级: 常规 (assumption: no grade yet, Art. 8 and Art. 15 无业务)',
    share: 0.2,
  },
  raised: { text: 'C: 实行重点关注，适当提高抽查比例和频次', share: 0.3 },
  'sharply-raised': {
    text: 'D 或信用不良: 实行严格监管，大幅提高抽查比例和频次',
    share: 1,
  },
} as const satisfies Record<string, SupervisionLevel>;

/** Jiaxing (十九): fewer checks for good credit, more for bad; the shares are an assumption. */
export const JIAXING_LEVELS = {
  reduced: { text: 'A、B (信用优良): 可减少抽查频次', share: 0.1 },
  routine: { text: 'C 及未评价: 常规双随机抽查', share: 0.2 },
  increased: { text: 'D (信用不良): 应增加抽查频次', share: 0.5 },
  strengthened: { text: 'E 并高风险: 加大监管力度，增加抽查频次', share: 1 },
} as const satisfies Record<string, SupervisionLevel>;

function byLevel<L extends Record<string, SupervisionLevel>>(
  levels: L,
  of: Record<GradeValue, keyof L & string>,
): Pick<InspectionPolicy, 'ratios' | 'levels'> {
  const ratios = {} as Record<GradeValue, number>;
  for (const [grade, level] of Object.entries(of) as [GradeValue, keyof L & string][])
    ratios[grade] = levels[level].share;
  return { ratios, levels: of };
}

export const chongqingInspection2023: InspectionPolicy = {
  id: 'chongqing/2023',
  jurisdiction: 'chongqing',
  version: '2023',
  grading: chongqing2023,
  article: 'chongqing-22',
  ratios: {
    ...(chongqing2023.inspectionRatio as Record<'A' | 'B' | 'C' | 'D' | 'E', number>),
    ungraded: 1,
    'no-business': 1,
  },
  rounding: 'floor',
  assumption:
    'Art. 22 sets A ≤ 5 %, B ≤ 10 %, C ≤ 30 %, D and E 100 %, and puts agencies not graded that year (当年不予评定等级) with E for more checks: they are drawn at 100 % too. An agency out of the directory (Art. 20) is still supervised and drawn by its grade',
};

export const beijingInspection2026: InspectionPolicy = {
  id: 'beijing/2026-draft',
  jurisdiction: 'beijing',
  version: '2026-draft',
  grading: beijing2026,
  article: 'beijing-19',
  ...byLevel(BEIJING_LEVELS, {
    A: 'reduced',
    B: 'routine-reduced',
    C: 'raised',
    D: 'sharply-raised',
    E: 'sharply-raised',
    ungraded: 'routine',
    'no-business': 'routine',
  }),
  rounding: 'ceil',
  assumption:
    'Art. 19 names levels (A 可合理降低, B 适当降低, C 适当提高, D/信用不良 大幅提高), not numbers: the shares are Chongqing Art. 22’s, and an agency with no grade is checked at the routine 20 %',
};

export const jiaxingInspection2023: InspectionPolicy = {
  id: 'jiaxing/2023',
  jurisdiction: 'jiaxing',
  version: '2023',
  grading: jiaxing2023,
  article: 'jiaxing-19',
  ...byLevel(JIAXING_LEVELS, {
    A: 'reduced',
    B: 'reduced',
    C: 'routine',
    D: 'increased',
    E: 'strengthened',
    ungraded: 'routine',
    'no-business': 'routine',
  }),
  rounding: 'ceil',
  assumption:
    '(十九) says fewer checks for good credit (A, B) and more for bad (D, E 并高风险); the shares are assumptions',
};

/** Every inspection policy version ever used. Versions are added, never edited or removed. */
export const INSPECTION_POLICIES: readonly InspectionPolicy[] = [
  beijingInspection2026,
  chongqingInspection2023,
  jiaxingInspection2023,
];

/** The article a jurisdiction's supervision by grade is set in (cited when none is in force). */
export const SUPERVISION_ARTICLE: Partial<Record<string, string>> = {
  beijing: 'beijing-19',
  chongqing: 'chongqing-22',
  jiaxing: 'jiaxing-19',
};

/** The version in force in a jurisdiction on a date (its grading policy's dates), if any. */
export function inspectionPolicyInForce(
  jurisdiction: string,
  on: string,
): InspectionPolicy | undefined {
  return INSPECTION_POLICIES.filter(
    (p) =>
      p.jurisdiction === jurisdiction &&
      p.grading.effectiveFrom <= on &&
      (p.grading.effectiveTo === undefined || on <= p.grading.effectiveTo),
  ).sort((a, b) => b.grading.effectiveFrom.localeCompare(a.grading.effectiveFrom))[0];
}
