import {
  bansInForce,
  directoryBar,
  practiceBan,
  type PersonNamedResponsible,
} from './person-credit';

const naming = (
  over: Partial<PersonNamedResponsible['data']> = {},
): PersonNamedResponsible['data'] => ({
  uscc: '91500103000000027D',
  jurisdiction: 'chongqing',
  recordEventId: 'pen-1',
  recordType: 'PenaltyImposed',
  decidedAt: '2023-06-01',
  violationType: 'false-report',
  ...over,
});
const E = (from: string, fact: string) => ({
  grade: 'E' as const,
  from,
  explanation: [{ rule: 'false-data-penalty', article: 'chongqing-16-4', facts: [fact] }],
  decidedBy: { eventId: fact, position: 1 },
});

describe("a person's bans (ADR 020)", () => {
  describe('given a Chongqing penalty that graded its agency E on 2023-06-01', () => {
    it('bars the person named for 2 years from the E, as the agency (chongqing-20-2)', () => {
      expect(directoryBar(naming(), [E('2023-06-01', 'pen-1')], ['2023-06-01'])).toEqual({
        kind: 'directory-bar',
        from: '2023-06-01',
        to: '2025-06-01',
        article: 'chongqing-20-2',
        recordEventId: 'pen-1',
      });
    });

    it('bars for 5 years when it was the agency’s second E (chongqing-20-3)', () => {
      expect(
        directoryBar(
          naming({ recordEventId: 'pen-2', decidedAt: '2024-02-01' }),
          [E('2022-01-10', 'old'), E('2024-02-01', 'pen-2')],
          ['2022-01-10', '2024-02-01'],
        ),
      ).toMatchObject({ from: '2024-02-01', to: '2029-02-01', article: 'chongqing-20-3' });
    });

    it('bars nobody while the decision has graded nothing E (an unfulfilled penalty not yet overdue)', () => {
      expect(directoryBar(naming(), [], [])).toBeNull();
    });

    it('bars nobody for a decision of another jurisdiction', () => {
      expect(
        directoryBar(
          naming({ jurisdiction: 'beijing' }),
          [E('2023-06-01', 'pen-1')],
          ['2023-06-01'],
        ),
      ).toBeNull();
    });
  });

  it('a ban from practising runs from the decision through its last day', () => {
    const ban = practiceBan(naming({ bannedUntil: '2028-05-31' }))!;
    expect(ban).toMatchObject({ from: '2023-06-01', to: '2028-06-01', kind: 'practice-ban' });
    expect(bansInForce([ban], '2023-05-31')).toEqual([]);
    expect(bansInForce([ban], '2028-05-31')).toEqual([ban]);
    expect(bansInForce([ban], '2028-06-01')).toEqual([]);
    expect(practiceBan(naming())).toBeNull();
  });
});
