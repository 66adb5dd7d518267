import { ForbiddenException } from '@nestjs/common';
import {
  assertCanActInJurisdiction,
  assertCanActOnAgency,
  canActInJurisdiction,
  canActOnAgency,
  effectiveRoles,
  HOST_SUPERVISION_COMMANDS,
  roleMayAct,
} from './access';
import { JURISDICTIONS, ROLES, type Actor, type Jurisdiction, type Role } from './actor';

const OWN_USCC = '91110105MA01ABCD2X';
const OTHER_USCC = '91500000MA5U7AAA3Y';

function actorFor(role: Role, jurisdiction: Jurisdiction): Actor {
  if (role === 'regulator') return { sub: 'r-1', role, jurisdiction };
  if (role === 'agency') return { sub: 'a-1', role, uscc: OWN_USCC };
  return { sub: `${role}-1`, role };
}

describe('roleMayAct', () => {
  it.each<[Role, Role[], boolean]>([
    ['regulator', ['regulator'], true],
    ['admin', ['regulator'], true],
    ['admin', ['agency'], false],
    ['admin', ['admin'], true],
    ['agency', ['regulator'], false],
    ['reviewer', ['regulator', 'reviewer'], true],
    ['auditor', ['regulator', 'reviewer'], false],
  ])('%s where %j are allowed: %s', (role, allowed, expected) => {
    expect(roleMayAct(role, allowed)).toBe(expected);
  });

  it('lists admin among the effective roles wherever regulator is named, once', () => {
    expect(effectiveRoles(['regulator', 'auditor'])).toEqual(['regulator', 'auditor', 'admin']);
    expect(effectiveRoles(['admin', 'regulator'])).toEqual(['admin', 'regulator']);
    expect(effectiveRoles(['agency'])).toEqual(['agency']);
  });
});

describe('canActOnAgency', () => {
  const allowedSets: Role[][] = [
    ['regulator'],
    ['agency', 'regulator'],
    ['agency'],
    ['regulator', 'reviewer'],
    ['reviewer', 'auditor'],
    ['admin'],
  ];
  const cases = ROLES.flatMap((role) =>
    JURISDICTIONS.flatMap((actorJurisdiction) =>
      JURISDICTIONS.flatMap((agencyJurisdiction) =>
        [OWN_USCC, OTHER_USCC].flatMap((uscc) =>
          allowedSets.map((allowed) => ({
            role,
            actorJurisdiction,
            agencyJurisdiction,
            own: uscc === OWN_USCC,
            uscc,
            allowed,
          })),
        ),
      ),
    ),
  );

  /** The rule, stated independently of the implementation. */
  function expected(c: (typeof cases)[number]): boolean {
    const listed =
      c.allowed.includes(c.role) || (c.role === 'admin' && c.allowed.includes('regulator'));
    if (!listed) return false;
    if (c.role === 'regulator') return c.actorJurisdiction === c.agencyJurisdiction;
    if (c.role === 'agency') return c.own;
    return true;
  }

  it.each(cases)(
    '$role ($actorJurisdiction) on a $agencyJurisdiction agency, own uscc $own, allowed $allowed',
    (c) => {
      const decision = canActOnAgency(
        actorFor(c.role, c.actorJurisdiction),
        { uscc: c.uscc, jurisdiction: c.agencyJurisdiction },
        c.allowed,
      );
      expect(decision.ok).toBe(expected(c));
      if (!decision.ok) expect(decision.reason).toMatch(/^(role|jurisdiction|uscc): /);
    },
  );

  it('names the jurisdictions when a regulator reaches across', () => {
    expect(
      canActOnAgency(
        { sub: 'r', role: 'regulator', jurisdiction: 'beijing' },
        { uscc: OWN_USCC, jurisdiction: 'chongqing' },
        ['regulator'],
      ),
    ).toEqual({
      ok: false,
      reason: 'jurisdiction: a beijing regulator may not act on a chongqing agency',
    });
  });

  it("refuses an agency another agency's record", () => {
    expect(
      canActOnAgency(
        { sub: 'a', role: 'agency', uscc: OWN_USCC },
        { uscc: OTHER_USCC, jurisdiction: 'beijing' },
        ['agency', 'regulator'],
      ),
    ).toEqual({ ok: false, reason: 'uscc: an agency may act only on its own record' });
  });

  it('names the role and the roles allowed when the role is not listed', () => {
    expect(
      canActOnAgency({ sub: 'x', role: 'auditor' }, { uscc: OWN_USCC, jurisdiction: 'beijing' }, [
        'regulator',
      ]),
    ).toEqual({
      ok: false,
      reason: 'role: an auditor may not do this (allowed: regulator, admin)',
    });
  });

  it('refuses a regulator token that somehow lacks a jurisdiction', () => {
    const decision = canActOnAgency(
      { sub: 'r', role: 'regulator' },
      { uscc: OWN_USCC, jurisdiction: 'jiaxing' },
      ['regulator'],
    );
    expect(decision).toEqual({
      ok: false,
      reason: 'jurisdiction: a regulator without a jurisdiction may not act on a jiaxing agency',
    });
  });
});

describe('canActInJurisdiction', () => {
  it.each<[Actor, Jurisdiction, Role[], boolean]>([
    [{ sub: 'r', role: 'regulator', jurisdiction: 'beijing' }, 'beijing', ['regulator'], true],
    [{ sub: 'r', role: 'regulator', jurisdiction: 'beijing' }, 'jiaxing', ['regulator'], false],
    [{ sub: 'x', role: 'admin' }, 'jiaxing', ['regulator'], true],
    [{ sub: 'x', role: 'auditor' }, 'jiaxing', ['regulator', 'auditor'], true],
    [{ sub: 'x', role: 'auditor' }, 'jiaxing', ['regulator'], false],
    [{ sub: 'a', role: 'agency', uscc: OWN_USCC }, 'beijing', ['agency'], false],
  ])('%j in %s, allowed %j: %s', (actor, jurisdiction, allowed, ok) => {
    expect(canActInJurisdiction(actor, jurisdiction, allowed).ok).toBe(ok);
  });
});

describe('the asserting forms', () => {
  it('throw the API-shaped 403 with the reason', () => {
    const call = () =>
      assertCanActOnAgency(
        { sub: 'r', role: 'regulator', jurisdiction: 'jiaxing' },
        { uscc: OWN_USCC, jurisdiction: 'beijing' },
        ['regulator'],
      );
    expect(call).toThrow(ForbiddenException);
    try {
      call();
    } catch (error) {
      expect((error as ForbiddenException).getStatus()).toBe(403);
      expect((error as ForbiddenException).getResponse()).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: ['jurisdiction: a jiaxing regulator may not act on a beijing agency'],
      });
    }
  });

  it('return quietly when allowed', () => {
    expect(() =>
      assertCanActOnAgency(
        { sub: 'a', role: 'agency', uscc: OWN_USCC },
        { uscc: OWN_USCC, jurisdiction: 'beijing' },
        ['agency'],
      ),
    ).not.toThrow();
    expect(() =>
      assertCanActInJurisdiction(
        { sub: 'r', role: 'regulator', jurisdiction: 'chongqing' },
        'beijing',
        ['regulator'],
      ),
    ).toThrow(ForbiddenException);
  });
});

describe('canActOnAgency: a host regulator (报备, ADR 016)', () => {
  const chongqing: Actor = { sub: 'r-cq', role: 'regulator', jurisdiction: 'chongqing' };
  const beijingAgency = { uscc: OWN_USCC, jurisdiction: 'beijing' as const };

  it('lets a Chongqing regulator act as host on a Beijing agency that reported to Chongqing', () => {
    expect(
      canActOnAgency(
        chongqing,
        { ...beijingAgency, reportedTo: ['chongqing'] },
        ['regulator'],
        true,
      ),
    ).toEqual({ ok: true });
  });

  it('refuses it where the agency has not reported to Chongqing, citing national-faq-1-7', () => {
    const decision = canActOnAgency(
      chongqing,
      { ...beijingAgency, reportedTo: ['jiaxing'] },
      ['regulator'],
      true,
    );
    expect(decision).toMatchObject({ ok: false });
    expect(decision.ok ? '' : decision.reason).toContain('national-faq-1-7');
  });

  it('refuses what a host may not do (the registry stays the home’s), reported or not', () => {
    expect(
      canActOnAgency(chongqing, { ...beijingAgency, reportedTo: ['chongqing'] }, ['regulator']),
    ).toMatchObject({ ok: false });
  });

  it('names the supervision facts a host records: inspections, penalties, findings', () => {
    expect([...HOST_SUPERVISION_COMMANDS].sort()).toEqual([
      'ImposePenalty',
      'RecordCreditFinding',
      'RecordInspection',
    ]);
  });
});
