import {
  partyChanged,
  partyDeregistered,
  partyOn,
  partyRegistered,
  partyReviewed,
  type PartyHistory,
} from './party';

/** Registered at position 1 (王明, 甲公司), approved at 2. */
const registered = (): PartyHistory =>
  partyReviewed(partyRegistered({ name: '甲公司', legalRepresentative: '王明' }, 1), 'approved', 2);

describe('the party of a record on its date (ADR 030)', () => {
  it('given a registration, when nothing changed, then every date names the filed party', () => {
    expect(partyOn(registered(), '2020-01-01')).toEqual({
      name: '甲公司',
      legalRepresentative: '王明',
      position: 1,
    });
  });

  it('given a change of legal representative approved later, then it holds from the day it happened, not from the approval, and not before', () => {
    let party = partyChanged(registered(), { legalRepresentative: '李华' }, '2026-04-01', 5);
    // Awaiting review: nobody on any date is 李华 yet.
    expect(partyOn(party, '2026-05-01').legalRepresentative).toBe('王明');
    party = partyReviewed(party, 'approved', 7);
    expect(partyOn(party, '2026-03-31')).toMatchObject({
      legalRepresentative: '王明',
      position: 1,
    });
    expect(partyOn(party, '2026-04-01')).toMatchObject({
      legalRepresentative: '李华',
      position: 7,
    });
  });

  it('given a change returned, or dropped by a deregistration, then it never holds', () => {
    const returned = partyReviewed(
      partyChanged(registered(), { name: '乙公司' }, '2026-04-01', 5),
      'returned',
      6,
    );
    expect(partyOn(returned, '2027-01-01')).toMatchObject({ name: '甲公司', position: 1 });
    const dropped = partyReviewed(
      partyDeregistered(partyChanged(registered(), { name: '乙公司' }, '2026-04-01', 5)),
      'approved',
      6,
    );
    expect(partyOn(dropped, '2027-01-01').name).toBe('甲公司');
  });

  it('given a change before the first approval, then it corrects the filing from the start', () => {
    const filing = partyChanged(
      partyRegistered({ name: '甲公司', legalRepresentative: '王明' }, 1),
      { legalRepresentative: '张三' },
      '2026-04-01',
      3,
    );
    expect(partyOn(partyReviewed(filing, 'approved', 4), '2020-01-01')).toMatchObject({
      legalRepresentative: '张三',
      position: 3,
    });
  });

  it('given an approval dated back before a later one recorded earlier, then each date reads the latest change on or before it', () => {
    let party = partyReviewed(
      partyChanged(registered(), { name: '丙公司' }, '2026-06-01', 5),
      'approved',
      6,
    );
    party = partyReviewed(partyChanged(party, { name: '乙公司' }, '2026-03-01', 8), 'approved', 9);
    expect(partyOn(party, '2026-02-28')).toMatchObject({ name: '甲公司', position: 1 });
    expect(partyOn(party, '2026-04-01')).toMatchObject({ name: '乙公司', position: 9 });
    expect(partyOn(party, '2026-07-01')).toMatchObject({ name: '丙公司', position: 6 });
  });

  it('given a value approved again unchanged, then the position does not move (nothing to send again)', () => {
    // The same name filed twice: the second is the approved value, so nothing waits.
    const party = partyChanged(registered(), { name: '甲公司' }, '2026-04-01', 5);
    expect(partyReviewed(party, 'approved', 6).versions).toHaveLength(2);
    expect(partyOn(partyReviewed(party, 'approved', 6), '2026-05-01').position).toBe(1);
  });
});
