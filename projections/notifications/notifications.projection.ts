import { createHash } from 'node:crypto';
import type { StoredEvent } from '@ledger/event-store';
import {
  AGENCY_EVENT_TYPES,
  CYCLE_EVENT_TYPES,
  decodeAgencyEvent,
  decodeCycleEvent,
  type SealedPersonalData,
} from '@ledger/domain';
import type { Projection } from '../projection';

/**
 * What the agency is told (seed 002 §七.6: 公示或退回会通过短信提醒备案联系人和法定代表人; seed 003
 * (十五): 评价结果完成或发生变更，由应用向机构发出提示信息).
 */
export const NOTIFICATION_KINDS = [
  'filing-published',
  'filing-returned',
  'grade-completed',
  'grade-changed',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export type NotificationRecipient = 'legal-representative' | 'contact';
export type NotificationChannel = 'sms' | 'email';

/**
 * Where a notification goes: a phone sealed as the events hold it (ADR 005: opened only at
 * delivery, so an erased phone is never reached again), or the contact's e-mail address.
 */
export type NotificationAddress = SealedPersonalData | { email: string };

export interface NotificationDoc {
  /** Deterministic (the event, the agency, the recipient and channel): a rebuild makes the same. */
  notificationId: string;
  kind: NotificationKind;
  recipient: NotificationRecipient;
  channel: NotificationChannel;
  address: NotificationAddress;
  /** The event that triggered it, and its position. */
  eventId: string;
  position: number;
  /** The event's recordedAt: when the ledger knew, and so could tell. */
  createdAt: string;
  subject: string;
  text: string;
}

/** The agency's addressees as filed (and changed), and every notification it has been due. */
export interface AgencyNotificationsDoc {
  /** The USCC the agency answers to (corrected: ADR 018). */
  uscc: string;
  jurisdiction: string;
  /** Approved once: a later review is of a change (seed 002 §七.8), not of the filing. */
  approvedOnce: boolean;
  recipients: {
    legalRepresentative: { phone?: SealedPersonalData };
    contact: { phone?: SealedPersonalData; email?: string };
  };
  notifications: NotificationDoc[];
}

const notificationId = (...parts: string[]): string => {
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/** One notification per address the agency filed for each recipient. */
function notify(
  doc: AgencyNotificationsDoc,
  key: string,
  event: StoredEvent,
  kind: NotificationKind,
  subject: string,
  text: string,
): AgencyNotificationsDoc {
  const { legalRepresentative, contact } = doc.recipients;
  const addresses: [NotificationRecipient, NotificationChannel, NotificationAddress | undefined][] =
    [
      ['legal-representative', 'sms', legalRepresentative.phone],
      ['contact', 'sms', contact.phone],
      ['contact', 'email', contact.email === undefined ? undefined : { email: contact.email }],
    ];
  const due = addresses
    .filter((entry): entry is [NotificationRecipient, NotificationChannel, NotificationAddress] =>
      Boolean(entry[2]),
    )
    .map(([recipient, channel, address]) => ({
      notificationId: notificationId(event.eventId, key, recipient, channel),
      kind,
      recipient,
      channel,
      address,
      eventId: event.eventId,
      position: event.position,
      createdAt: event.recordedAt,
      subject,
      text,
    }));
  return { ...doc, notifications: [...doc.notifications, ...due] };
}

const CYCLE_PREFIX = 'grading-cycle-';

function evolveNotifications(
  doc: AgencyNotificationsDoc | null,
  event: StoredEvent,
  key: string,
): AgencyNotificationsDoc | null {
  if (event.streamId.startsWith(CYCLE_PREFIX)) {
    if (doc === null) return null;
    const cycleId = event.streamId.slice(CYCLE_PREFIX.length);
    const cycle = decodeCycleEvent(event);
    if (cycle.type === 'GradingCyclePublished') {
      const grade = cycle.data.grades.find((g) => g.uscc === key);
      if (!grade) return doc;
      return notify(
        doc,
        key,
        event,
        'grade-completed',
        '信用评价结果',
        `${doc.uscc}：${cycleId} 信用评价结果为 ${grade.grade}，${cycle.data.publishedOn} 起生效。`,
      );
    }
    if (cycle.type === 'ObjectionDecided' && cycle.data.afterPublication) {
      // An upheld objection after publication is a new grade (seed 003 (十五)): the agency
      // it names, and any other a rank-based policy moved with it.
      const moved = [cycle.data.revised, ...(cycle.data.reranked ?? [])].find(
        (p) => p?.uscc === key,
      );
      if (!moved) return doc;
      return notify(
        doc,
        key,
        event,
        'grade-changed',
        '信用评价结果变更',
        `${doc.uscc}：${cycleId} 信用评价结果变更为 ${moved.grade}，${cycle.data.decidedOn} 起生效。`,
      );
    }
    return doc;
  }
  const agency = decodeAgencyEvent(event);
  switch (agency.type) {
    case 'AgencyRegistered': {
      const { legalRepresentative, contact, uscc, jurisdiction } = agency.data;
      return {
        uscc,
        jurisdiction,
        approvedOnce: false,
        recipients: {
          legalRepresentative: {
            ...(legalRepresentative.phone && { phone: legalRepresentative.phone }),
          },
          contact: {
            ...(contact?.phone && { phone: contact.phone }),
            ...(contact?.email !== undefined && { email: contact.email }),
          },
        },
        notifications: [],
      };
    }
    case 'RegistrationChanged': {
      if (doc === null) return null;
      const { legalRepresentative, contact } = agency.data.changes;
      // The addressees of record: whoever the agency last filed (the filer is told the outcome).
      return {
        ...doc,
        recipients: {
          legalRepresentative: legalRepresentative
            ? { ...(legalRepresentative.phone && { phone: legalRepresentative.phone }) }
            : doc.recipients.legalRepresentative,
          contact: contact
            ? {
                ...(contact.phone && { phone: contact.phone }),
                ...(contact.email !== undefined && { email: contact.email }),
              }
            : doc.recipients.contact,
        },
      };
    }
    case 'RegistrationReviewed': {
      if (doc === null) return null;
      const { outcome, reason, reviewedOn } = agency.data;
      const what = doc.approvedOnce ? '备案变更' : '备案信息';
      const next = { ...doc, approvedOnce: doc.approvedOnce || outcome === 'approved' };
      return outcome === 'approved'
        ? notify(
            next,
            key,
            event,
            'filing-published',
            `${what}已公示`,
            `${doc.uscc}：${what}已于 ${reviewedOn} 审查通过并公示。`,
          )
        : notify(
            next,
            key,
            event,
            'filing-returned',
            `${what}被退回`,
            `${doc.uscc}：${what}已于 ${reviewedOn} 退回${reason ? `，原因：${reason}` : ''}。`,
          );
    }
    case 'AgencyRecordCorrected':
      if (doc === null) return null;
      return agency.data.field === 'uscc' ? { ...doc, uscc: agency.data.to } : doc;
    default:
      return doc;
  }
}

/** The types this projection reads: the agency's addressees, reviews, and grading outcomes. */
const HANDLED = new Set<string>([
  'AgencyRegistered',
  'RegistrationChanged',
  'RegistrationReviewed',
  'AgencyRecordCorrected',
  'GradingCyclePublished',
  'ObjectionDecided',
]);
// Every handled type is an agency or a cycle event: a rename there must be seen here.
for (const type of HANDLED)
  if (![...AGENCY_EVENT_TYPES, ...CYCLE_EVENT_TYPES].includes(type as never))
    throw new Error(`notifications projection: unknown event type ${type}`);

/**
 * The notification outbox (ADR 019): each notification is derived from a committed event and
 * written, as a row of `notification_outbox`, in the transaction that moves this projection's
 * checkpoint past that event. So a row exists if and only if its event is committed, exactly
 * once, on either event store. Its delivery is recorded apart (`notification_deliveries`),
 * which a rebuild leaves alone: the same ids come back, already delivered.
 */
export const notificationsProjection: Projection<AgencyNotificationsDoc> = {
  name: 'notifications',
  table: 'notification_agencies',
  handles: HANDLED,
  keyOf(event) {
    if (event.streamId.startsWith('agency-')) return event.streamId.slice('agency-'.length);
    if (!event.streamId.startsWith(CYCLE_PREFIX)) return null;
    const cycle = decodeCycleEvent(event);
    if (cycle.type === 'GradingCyclePublished') return cycle.data.grades.map((g) => g.uscc);
    if (cycle.type === 'ObjectionDecided' && cycle.data.afterPublication)
      return [cycle.data.revised, ...(cycle.data.reranked ?? [])].flatMap((p) =>
        p ? [p.uscc] : [],
      );
    return null;
  },
  evolve: (doc, event, key) => evolveNotifications(doc, event, key),
  columns: (doc) => ({ uscc: doc.uscc, jurisdiction: doc.jurisdiction }),
  children: {
    table: 'notification_outbox',
    rows: (_key, doc) =>
      doc.notifications.map((n, ordinal) => ({
        notification_id: n.notificationId,
        ordinal,
        kind: n.kind,
        recipient: n.recipient,
        channel: n.channel,
        address: JSON.stringify(n.address),
        event_id: n.eventId,
        position: n.position,
        created_at: n.createdAt,
        subject: n.subject,
        text: n.text,
      })),
  },
};
