import { canRecordAsAuthority } from './access';
import { actorFromClaims, type Actor } from './actor';

/** The recording authorities of seed 004 (Art. 2, 15, 16): the token's claim and what it records. */
describe('a regulator token’s authority (seed 004 Art. 2)', () => {
  it.each([
    [{ jurisdiction: 'urumqi', authority: 'market-regulation' }, 'market-regulation'],
    [{ jurisdiction: 'urumqi', authority: 'ecology' }, 'ecology'],
    [{ jurisdiction: 'urumqi' }, undefined],
    [{ jurisdiction: 'beijing', authority: 'ecology' }, 'ecology'],
  ])('accepts %j', (claims, authority) => {
    const checked = actorFromClaims({ sub: 'r', role: 'regulator', ...claims });
    expect(checked).toMatchObject({ ok: true });
    expect(checked.ok && checked.actor.authority).toBe(authority ?? undefined);
  });

  it.each([
    [{ jurisdiction: 'beijing', authority: 'market-regulation' }, /urumqi only/],
    [{ jurisdiction: 'urumqi', authority: 'police' }, /authority must be one of/],
  ])('refuses %j (a bad token: 401)', (claims, reason) => {
    const checked = actorFromClaims({ sub: 'r', role: 'regulator', ...claims });
    expect(checked).toMatchObject({ ok: false, reason: expect.stringMatching(reason) as string });
  });
});

describe('what each authority records (seed 004 Art. 15, 16)', () => {
  const market: Actor = {
    sub: 'm',
    role: 'regulator',
    jurisdiction: 'urumqi',
    authority: 'market-regulation',
  };
  const ecology: Actor = { sub: 'e', role: 'regulator', jurisdiction: 'urumqi' };
  const beijing: Actor = { sub: 'b', role: 'regulator', jurisdiction: 'beijing' };

  it.each(['RecordInspection', 'ImposePenalty', 'RecordCmaRevocation'])(
    'market regulation records %s',
    (command) => {
      expect(canRecordAsAuthority(market, 'urumqi', command)).toEqual({ ok: true });
    },
  );

  it.each(['ReviewRegistration', 'DeregisterByAuthority', 'Deregister', 'RecordCreditFinding'])(
    'market regulation does not record %s: the registry is the ecology bureau’s',
    (command) => {
      expect(canRecordAsAuthority(market, 'urumqi', command)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^authority: /) as string,
      });
    },
  );

  it('in Urumqi the CMA revocation is market regulation’s; elsewhere the regulator records it', () => {
    expect(canRecordAsAuthority(ecology, 'urumqi', 'RecordCmaRevocation')).toMatchObject({
      ok: false,
    });
    expect(canRecordAsAuthority(beijing, 'beijing', 'RecordCmaRevocation')).toEqual({ ok: true });
    expect(canRecordAsAuthority(ecology, 'urumqi', 'RecordInspection')).toEqual({ ok: true });
  });
});
