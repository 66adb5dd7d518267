import { foldAgency } from './agency';
import type { AgencyEvent, PersonnelJoined } from './agency.events';
import { PersonEngagedElsewhere, personReservations } from './agency.reservations';

const USCC = '91110000802100433B';
const joined = (personId: string, idNumberHash: string): PersonnelJoined => ({
  type: 'PersonnelJoined',
  data: {
    personId,
    idNumberHash,
    idNumber: {
      $pii: { subject: `person:${idNumberHash}`, kind: 'resident-id', iv: '', ct: '', tag: '' },
    },
    name: '李雷',
    role: 'laboratory-analysis',
    technical: true,
  },
});

describe('one person, one agency: what new events claim and release', () => {
  const staffed = foldAgency([joined('p-1', 'hash-1')]);

  it('claims the identity hash of a person who joins, telling a refused claimant the agency', () => {
    expect(personReservations(USCC, [joined('p-2', 'hash-2')], staffed)).toEqual({
      claim: [{ scope: 'person', key: 'hash-2', holder: { uscc: USCC } }],
      release: [],
    });
  });

  it("releases the identity hash of a person who leaves, from the state's staff list", () => {
    const left: AgencyEvent = {
      type: 'PersonnelLeft',
      data: { personId: 'p-1', leftAt: '2026-03-01' },
    };
    expect(personReservations(USCC, [left], staffed)).toEqual({
      claim: [],
      release: [{ scope: 'person', key: 'hash-1' }],
    });
  });

  it('claims and releases nothing for other events, or for a departure of nobody on the staff', () => {
    const events: AgencyEvent[] = [
      {
        type: 'PersonnelMovedToNonTechnicalPost',
        data: { personId: 'p-1', changedAt: '2026-03-01' },
      },
      { type: 'PersonnelLeft', data: { personId: 'p-9', leftAt: '2026-03-01' } },
    ];
    expect(personReservations(USCC, events, staffed)).toEqual({ claim: [], release: [] });
  });

  it('refuses with 409 citing national-faq-3, naming the agency as before and keeping its USCC', () => {
    const error = new PersonEngagedElsewhere(USCC);
    expect(error).toMatchObject({
      status: 409,
      article: 'national-faq-3',
      field: 'idNumber',
      engagedAt: USCC,
    });
    expect(error.message).toBe(
      `this person is on the staff of agency ${USCC}; record the departure there first`,
    );
    expect(new PersonEngagedElsewhere(undefined).message).toMatch(
      /^this person is on the staff of another agency;/,
    );
  });
});

describe('one person, one agency when an agency ends (national-faq-3-6)', () => {
  it('a deregistration releases every engaged person it records as left', () => {
    const staffed = foldAgency([joined('p-1', 'hash-1'), joined('p-2', 'hash-2')]);
    const released: AgencyEvent[] = [
      { type: 'AgencyDeregistered', data: { reason: 'voluntary', deregisteredOn: '2026-03-01' } },
      {
        type: 'PersonnelLeft',
        data: { personId: 'p-1', leftAt: '2026-03-01', release: { cause: 'agency-deregistered' } },
      },
      {
        type: 'PersonnelLeft',
        data: { personId: 'p-2', leftAt: '2026-03-01', release: { cause: 'agency-deregistered' } },
      },
    ];
    expect(personReservations(USCC, released, staffed)).toEqual({
      claim: [],
      release: [
        { scope: 'person', key: 'hash-1' },
        { scope: 'person', key: 'hash-2' },
      ],
    });
  });
});
