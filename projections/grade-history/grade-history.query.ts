import type { Pool } from 'pg';
import { distinctEGrades, type GradePeriod, type GradeValue, type RiskLevel } from '@ledger/domain';

interface PeriodRow {
  grade: GradeValue;
  score: string | null;
  risk_level: RiskLevel | null;
  valid_from: string;
  valid_to: string | null;
  cause: GradePeriod['cause'];
  decided_by_event: string;
  decided_by_position: string;
  policy_id: string;
  policy_jurisdiction: GradePeriod['policy']['jurisdiction'];
  policy_version: string;
  explanation: GradePeriod['explanation'];
}

const COLUMNS = `grade, score, risk_level, to_char(valid_from, 'YYYY-MM-DD') AS valid_from,
  to_char(valid_to, 'YYYY-MM-DD') AS valid_to, cause, decided_by_event, decided_by_position,
  policy_id, policy_jurisdiction, policy_version, explanation`;

function toPeriod(row: PeriodRow): GradePeriod {
  return {
    grade: row.grade,
    score: row.score === null ? null : Number(row.score),
    ...(row.risk_level && { riskLevel: row.risk_level }),
    from: row.valid_from,
    to: row.valid_to,
    cause: row.cause,
    decidedBy: { eventId: row.decided_by_event, position: Number(row.decided_by_position) },
    policy: {
      id: row.policy_id,
      jurisdiction: row.policy_jurisdiction,
      version: row.policy_version,
    },
    explanation: row.explanation,
  };
}

/** The period in force on `asOf` as known at `knownAt`: one indexed query, no replay. */
export async function gradePeriodAt(
  pool: Pool,
  uscc: string,
  asOf: string,
  knownAt: string,
): Promise<GradePeriod | undefined> {
  const { rows } = await pool.query<PeriodRow>(
    `SELECT ${COLUMNS} FROM grade_periods
     WHERE key = $1 AND system_from <= $3 AND (system_to IS NULL OR system_to > $3)
       AND valid_from <= $2::date AND (valid_to IS NULL OR valid_to > $2::date)`,
    [uscc, asOf, knownAt],
  );
  return rows[0] && toPeriod(rows[0]);
}

/** Every period as known at `knownAt`, in valid-time order. */
export async function gradeHistoryAt(
  pool: Pool,
  uscc: string,
  knownAt: string,
): Promise<GradePeriod[]> {
  const { rows } = await pool.query<PeriodRow>(
    `SELECT ${COLUMNS} FROM grade_periods
     WHERE key = $1 AND system_from <= $2 AND (system_to IS NULL OR system_to > $2)
     ORDER BY valid_from, decided_by_position`,
    [uscc, knownAt],
  );
  return rows.map(toPeriod);
}

/** Current grades (as known now, in force on `on`) of several agencies. */
export async function currentGrades(
  pool: Pool,
  usccs: string[],
  on: string,
): Promise<Map<string, GradeValue>> {
  const { rows } = await pool.query<{ key: string; grade: GradeValue }>(
    `SELECT key, grade FROM grade_periods
     WHERE key = ANY($1) AND system_to IS NULL AND valid_from <= $2::date AND (valid_to IS NULL OR valid_to > $2::date)`,
    [usccs, on],
  );
  return new Map(rows.map((r) => [r.key, r.grade]));
}

/**
 * The days each agency's distinct E grades took effect, as known now (Chongqing Art. 20): what
 * its standing in the directory is judged on. One query over the grade-history projection.
 */
export async function eGradeDates(pool: Pool, usccs: string[]): Promise<Map<string, string[]>> {
  const { rows } = await pool.query<PeriodRow & { key: string }>(
    `SELECT key, ${COLUMNS} FROM grade_periods
     WHERE key = ANY($1) AND system_to IS NULL AND grade = 'E'`,
    [usccs],
  );
  const periods = new Map<string, GradePeriod[]>();
  for (const row of rows) periods.set(row.key, [...(periods.get(row.key) ?? []), toPeriod(row)]);
  return new Map(usccs.map((uscc) => [uscc, distinctEGrades(periods.get(uscc) ?? [])]));
}

/** One grade of a published cycle as known now: as published, or as corrected since. */
export interface PublishedGradeRow {
  uscc: string;
  jurisdiction: string;
  year: number;
  cycleId: string;
  publishedOn: string;
  grade: GradeValue;
  score: number | null;
  riskLevel: RiskLevel | null;
  /** The day this grade took effect, and the day the next one did (null while in force). */
  from: string;
  to: string | null;
  cause: GradePeriod['cause'];
  policyId: string;
}

/**
 * The grades of every published cycle (of a jurisdiction, of a year) as known now: the grade
 * each cycle published and every correction since (an objection upheld after publication, a
 * direct downgrade that revokes it), each with the day it took effect. One indexed query on the
 * grade-history projection; no stream is read.
 */
export async function publishedGrades(
  pool: Pool,
  filter: { jurisdiction?: string; year?: number },
): Promise<PublishedGradeRow[]> {
  const { rows } = await pool.query<{
    key: string;
    jurisdiction: string;
    year: number;
    cycle_id: string;
    published_on: string;
    grade: GradeValue;
    score: string | null;
    risk_level: RiskLevel | null;
    valid_from: string;
    valid_to: string | null;
    cause: GradePeriod['cause'];
    policy_id: string;
  }>(
    `SELECT key, policy_jurisdiction AS jurisdiction, cycle_year AS year, cycle_id,
            to_char(cycle_published_on, 'YYYY-MM-DD') AS published_on, grade, score, risk_level,
            to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to,
            cause, policy_id
       FROM grade_periods
      WHERE system_to IS NULL AND cycle_id IS NOT NULL
        AND ($1::text IS NULL OR policy_jurisdiction = $1) AND ($2::int IS NULL OR cycle_year = $2)
      ORDER BY policy_jurisdiction, cycle_year, key, valid_from, decided_by_position`,
    [filter.jurisdiction ?? null, filter.year ?? null],
  );
  return rows.map((r) => ({
    uscc: r.key,
    jurisdiction: r.jurisdiction,
    year: r.year,
    cycleId: r.cycle_id,
    publishedOn: r.published_on,
    grade: r.grade,
    score: r.score === null ? null : Number(r.score),
    riskLevel: r.risk_level,
    from: r.valid_from,
    to: r.valid_to,
    cause: r.cause,
    policyId: r.policy_id,
  }));
}
