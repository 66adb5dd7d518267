import type { TimelineFact } from '@ledger/domain';
import {
  cyclesOfPeriods,
  type BitemporalPeriod,
  type GradeHistoryDoc,
} from './grade-history.projection';

/**
 * Which published cycle each grade period belongs to (issue 11, item 6): the grade export's
 * rows, from the facts the grade-history document holds.
 */
const fact = (
  eventId: string,
  streamId: string,
  position: number,
  type: string,
  data: unknown,
): TimelineFact => ({
  eventId,
  streamId,
  position,
  type,
  data,
  occurredAt: '2026-01-01T00:00:00Z',
  recordedAt: '2026-01-01T00:00:00Z',
});
const policy = {
  id: 'beijing/2026-draft',
  jurisdiction: 'beijing' as const,
  version: '2026-draft',
};
const period = (
  eventId: string,
  cause: BitemporalPeriod['cause'],
  from: string,
  to: string | null,
): BitemporalPeriod => ({
  grade: 'B',
  score: 80,
  from,
  to,
  cause,
  decidedBy: { eventId, position: 0 },
  policy,
  explanation: [],
  systemFrom: '2026-01-01T00:00:00Z',
  systemTo: null,
});
const cycle = (year: number, publishedOn: string, grades: unknown[], at: number) => [
  fact(`start-${year}`, `grading-cycle-beijing-${year}`, at, 'GradingCycleStarted', {
    policy,
    cycleId: `beijing-${year}`,
    year,
  }),
  fact(`publish-${year}`, `grading-cycle-beijing-${year}`, at + 1, 'GradingCyclePublished', {
    publishedOn,
    grades,
  }),
];
const graded = [{ uscc: 'U', grade: 'B' }];

describe('the cycle of each grade period', () => {
  const doc: GradeHistoryDoc = {
    uscc: 'U',
    agencyFacts: [],
    cycleFacts: [
      ...cycle(2024, '2025-01-20', graded, 10),
      ...cycle(2025, '2026-01-20', graded, 20),
      fact('objection', 'grading-cycle-beijing-2025', 30, 'ObjectionDecided', {}),
    ],
    periods: [
      period('early-downgrade', 'direct-downgrade', '2024-06-01', '2025-01-20'),
      period('publish-2024', 'cycle-published', '2025-01-20', '2025-05-01'),
      period('downgrade', 'direct-downgrade', '2025-05-01', '2026-01-20'),
      period('publish-2025', 'cycle-published', '2026-01-20', '2026-01-23'),
      period('objection', 'objection-upheld', '2026-01-23', '2026-01-20'),
      period('same-day', 'direct-downgrade', '2026-01-20', null),
    ],
  };

  it('is the cycle that published it, or that an upheld objection corrects', () => {
    const cycles = cyclesOfPeriods(doc);
    expect(cycles[1]).toEqual({ cycleId: 'beijing-2024', year: 2024, publishedOn: '2025-01-20' });
    expect(cycles[3]).toEqual({ cycleId: 'beijing-2025', year: 2025, publishedOn: '2026-01-20' });
    expect(cycles[4]).toEqual({ cycleId: 'beijing-2025', year: 2025, publishedOn: '2026-01-20' });
  });

  it('is, for a direct downgrade, the cycle last published on or before it, whose grade it revokes', () => {
    const cycles = cyclesOfPeriods(doc);
    expect(cycles[2]).toMatchObject({ cycleId: 'beijing-2024' });
    expect(cycles[5]).toMatchObject({ cycleId: 'beijing-2025' });
  });

  it('is none for a direct downgrade before any cycle graded the agency, or a cycle that did not', () => {
    expect(cyclesOfPeriods(doc)[0]).toBeNull();
    const notGraded: GradeHistoryDoc = {
      ...doc,
      cycleFacts: cycle(2024, '2025-01-20', [], 10),
      periods: [period('downgrade', 'direct-downgrade', '2025-05-01', null)],
    };
    expect(cyclesOfPeriods(notGraded)).toEqual([null]);
  });
});
