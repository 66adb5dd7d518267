import { actorFromClaims } from './actor';

const USCC = '91110105MA01ABCD2X';

describe('actorFromClaims', () => {
  it.each([
    [
      { sub: 'r-1', role: 'regulator', jurisdiction: 'beijing' },
      { sub: 'r-1', role: 'regulator', jurisdiction: 'beijing' },
    ],
    [
      { sub: 'a-1', role: 'agency', uscc: USCC },
      { sub: 'a-1', role: 'agency', uscc: USCC },
    ],
    [
      { sub: 'x', role: 'admin' },
      { sub: 'x', role: 'admin' },
    ],
    [
      { sub: 'x', role: 'reviewer' },
      { sub: 'x', role: 'reviewer' },
    ],
    // Claims that do not belong to the role are dropped, not trusted.
    [
      { sub: 'x', role: 'auditor', jurisdiction: 'beijing', uscc: USCC, iat: 1, exp: 2 },
      { sub: 'x', role: 'auditor' },
    ],
    [
      { sub: 'a', role: 'agency', uscc: USCC, jurisdiction: 'jiaxing' },
      { sub: 'a', role: 'agency', uscc: USCC },
    ],
  ])('accepts %j', (claims, actor) => {
    expect(actorFromClaims(claims)).toEqual({ ok: true, actor });
  });

  it.each([
    [null, /^token: the payload/],
    ['a string', /^token: the payload/],
    [{ role: 'admin' }, /^token: sub /],
    [{ sub: '  ', role: 'admin' }, /^token: sub /],
    [{ sub: 'x', role: 'superuser' }, /^token: role must be one of admin, regulator/],
    [{ sub: 'x' }, /^token: role /],
    [{ sub: 'x', role: 'regulator' }, /^token: a regulator needs jurisdiction/],
    [
      { sub: 'x', role: 'regulator', jurisdiction: 'shanghai' },
      /^token: a regulator needs jurisdiction/,
    ],
    [{ sub: 'x', role: 'agency' }, /^token: an agency needs uscc/],
    [{ sub: 'x', role: 'agency', uscc: 'not-a-code' }, /^token: uscc must be 18 characters/],
  ])('refuses %j', (claims, reason) => {
    const check = actorFromClaims(claims);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
  });
});
