import { distinctEGrades, type GradePeriod } from './timeline';

const period = (
  grade: GradePeriod['grade'],
  from: string,
  facts: string[],
  eventId: string,
): GradePeriod => ({
  grade,
  score: null,
  from,
  to: null,
  cause: 'direct-downgrade',
  decidedBy: { eventId, position: 1 },
  policy: { id: 'chongqing/2023', jurisdiction: 'chongqing', version: '2023' },
  explanation: [{ rule: 'false-data-penalty', article: 'chongqing-16-4', facts }],
});

describe('counting E grades for Chongqing Art. 20', () => {
  it('counts a direct E and the published grade that carries it forward as one E, from its first day', () => {
    expect(
      distinctEGrades([
        period('E', '2025-11-03', ['penalty-1'], 'penalty-1'),
        period('E', '2026-10-28', ['penalty-1'], 'publication-1'),
      ]),
    ).toEqual(['2025-11-03']);
  });

  it('counts two E decisions from two facts as two', () => {
    expect(
      distinctEGrades([
        period('E', '2025-11-03', ['penalty-1'], 'penalty-1'),
        period('B', '2026-10-28', ['assessment-1'], 'publication-1'),
        period('E', '2027-02-01', ['finding-2'], 'finding-2'),
      ]),
    ).toEqual(['2025-11-03', '2027-02-01']);
  });
});
