import type { StoredEvent } from '@ledger/event-store';
import type { SealedPersonalData } from '@ledger/domain';
import { notificationsProjection, type AgencyNotificationsDoc } from './notifications.projection';

/** Who is told what (seed 002 §七.6, seed 003 (十五); ADR 019), as the outbox derives it. */
const USCC = '91110000802100433B';
const phone = (subject: string): SealedPersonalData => ({
  $pii: { subject, kind: 'phone', iv: 'iv', ct: 'ct', tag: 'tag' },
});
let position = 0;
const stored = (streamId: string, type: string, data: object): StoredEvent => {
  position += 1;
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type,
    schemaVersion: type === 'PersonnelJoined' ? 2 : 1,
    data,
    metadata: {},
    occurredAt: '2026-01-12T02:00:00.000Z',
    recordedAt: `2026-01-12T02:00:0${position % 10}.000000Z`,
    streamId,
    version: position,
    position,
    prevHash: null,
    hash: 'h',
  };
};
const agency = (type: string, data: object) => stored(`agency-${USCC}`, type, data);
const registered = (contact?: object) =>
  agency('AgencyRegistered', {
    uscc: USCC,
    jurisdiction: 'jiaxing',
    name: '嘉兴环测',
    category: 'comprehensive',
    serviceTypes: ['self-monitoring'],
    legalRepresentative: { name: '王明', phone: phone('agency:lr') },
    ...(contact && { contact }),
    commitment: { signedBy: '王明', signedAt: '2026-01-05' },
    codeVerified: true,
    reviewDueOn: '2026-01-19',
  });
const reviewed = (outcome: 'approved' | 'returned', reason?: string) =>
  agency('RegistrationReviewed', { outcome, reviewedOn: '2026-01-13', ...(reason && { reason }) });
const published = (grades: { uscc: string; grade: string }[]) =>
  stored('grading-cycle-jiaxing-2025', 'GradingCyclePublished', {
    publishedOn: '2026-03-20',
    grades: grades.map((g) => ({ ...g, score: 90, policy: {}, explanation: [] })),
  });

/** Folds events as the runner does: each event to each key it concerns. */
function fold(events: StoredEvent[], key = USCC): AgencyNotificationsDoc | null {
  let doc: AgencyNotificationsDoc | null = null;
  for (const event of events) {
    const keys = notificationsProjection.keyOf(event);
    if (!notificationsProjection.handles.has(event.type)) continue;
    if (keys === null || !(Array.isArray(keys) ? keys : [keys]).includes(key)) continue;
    doc = notificationsProjection.evolve(doc, event, key);
  }
  return doc;
}
const summary = (doc: AgencyNotificationsDoc | null) =>
  doc?.notifications.map(({ kind, recipient, channel }) => `${kind} ${recipient} ${channel}`);

describe('the notification outbox', () => {
  describe('when a filing is published or returned (national-faq-7-6)', () => {
    it('tells the legal representative and the contact, on every address filed', () => {
      const contact = { phone: phone('agency:contact'), email: 'lab@example.cn' };
      expect(summary(fold([registered(contact), reviewed('approved')]))).toEqual([
        'filing-published legal-representative sms',
        'filing-published contact sms',
        'filing-published contact email',
      ]);
    });

    it('says why a filing was returned', () => {
      const doc = fold([registered(), reviewed('returned', '材料不全')]);
      expect(summary(doc)).toEqual(['filing-returned legal-representative sms']);
      expect(doc?.notifications[0].text).toContain('材料不全');
    });

    it('keeps the address sealed: the outbox row holds what the event holds', () => {
      const doc = fold([registered(), reviewed('approved')]);
      expect(doc?.notifications[0].address).toEqual(phone('agency:lr'));
    });

    it('tells no one of a filing: only of its outcome', () => {
      expect(summary(fold([registered({ email: 'lab@example.cn' })]))).toEqual([]);
    });
  });

  describe('when a grade is completed or changed (jiaxing-15)', () => {
    it('tells each agency of a published cycle its grade', () => {
      const doc = fold([
        registered({ email: 'lab@example.cn' }),
        reviewed('approved'),
        published([
          { uscc: USCC, grade: 'B' },
          { uscc: '91350100M000100Y43', grade: 'A' },
        ]),
      ]);
      expect(summary(doc)?.slice(2)).toEqual([
        'grade-completed legal-representative sms',
        'grade-completed contact email',
      ]);
      expect(doc?.notifications[2].text).toContain('B');
    });

    it('tells the agency of an upheld objection after publication, not of one before', () => {
      const objection = (afterPublication: boolean) =>
        stored('grading-cycle-jiaxing-2025', 'ObjectionDecided', {
          objectionId: 'o-1',
          uscc: USCC,
          outcome: 'upheld',
          decidedOn: '2026-04-01',
          afterPublication,
          revised: { uscc: USCC, grade: 'A', score: 95, policy: {}, explanation: [] },
        });
      expect(summary(fold([registered(), reviewed('approved'), objection(false)]))).toHaveLength(1);
      expect(summary(fold([registered(), reviewed('approved'), objection(true)]))?.[1]).toBe(
        'grade-changed legal-representative sms',
      );
    });
  });

  it('makes the same notification ids when rebuilt: a delivery recorded stays matched', () => {
    const events = [registered({ email: 'lab@example.cn' }), reviewed('approved')];
    const ids = (doc: AgencyNotificationsDoc | null) =>
      doc?.notifications.map((n) => n.notificationId);
    expect(ids(fold(events))).toEqual(ids(fold(events)));
    expect(new Set(ids(fold(events))).size).toBe(2);
  });

  it('sends to the addresses last filed', () => {
    const doc = fold([
      registered({ email: 'old@example.cn' }),
      agency('RegistrationChanged', {
        changes: { contact: { email: 'new@example.cn' } },
        changedAt: '2026-01-12',
        filedOn: '2026-01-12',
        needsReview: false,
        reviewDueOn: null,
      }),
      reviewed('approved'),
    ]);
    expect(doc?.notifications.map((n) => n.address)).toContainEqual({ email: 'new@example.cn' });
  });
});
