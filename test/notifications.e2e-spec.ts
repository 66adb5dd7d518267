/**
 * Notifications (issue 10 item 10; seed 002 §七.6, seed 003 (十五); ADR 019), over HTTP: a
 * filing published or returned and a grade completed put a notification for the agency's
 * legal representative and contact in the outbox, which the log adapter delivers; who may read
 * them; and no phone number or address in the answer.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { actors, bearer, registrationBody, startTestApp, type TestApp } from './support/app';
import { asAuditor, asBeijing, freshUscc, Ledger } from './support/fixtures';
import { HOOK_TIMEOUT_MS } from './support/timeouts';
import { fakeSmtpRelay } from './support/fake-smtp-relay';

interface NotificationView {
  notificationId: string;
  kind: string;
  recipient: string;
  channel: string;
  eventId: string;
  status: string;
  attempts: number;
  deliveredAt: string | null;
  text: string;
}

describe('notifications to the agency (issue 10, item 10)', () => {
  let t: TestApp;
  let http: App;
  let ledger: Ledger;
  const asAgency = (uscc: string) => bearer(actors.agency(uscc));

  beforeAll(async () => {
    t = await startTestApp('notifications');
    http = t.app.getHttpServer();
    ledger = new Ledger(http);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  const notifications = async (uscc: string, token = asAgency(uscc)) =>
    (
      await request(http)
        .get(`/api/v1/agencies/${uscc}/notifications`)
        .set('Authorization', token)
        .expect(200)
    ).body as NotificationView[];
  const summary = (list: NotificationView[]) =>
    list.map(({ kind, recipient, channel }) => `${kind} ${recipient} ${channel}`);
  /** The dispatcher runs on its own: wait (bounded) until it has delivered them all. */
  const delivered = async (uscc: string) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const list = await notifications(uscc);
      if (list.length > 0 && list.every((n) => n.status === 'delivered')) return list;
      if (Date.now() > deadline) throw new Error(`not delivered: ${JSON.stringify(list)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  it('tells the legal representative and the contact that the filing is published (national-faq-7-6)', async () => {
    const uscc = await ledger.agency();
    const list = await notifications(uscc);
    expect(summary(list)).toEqual([
      'filing-published legal-representative sms',
      'filing-published contact sms',
      'filing-published contact email',
    ]);
    const events = (
      await request(http)
        .get(`/api/v1/agencies/${uscc}/events`)
        .set('Authorization', asAuditor)
        .expect(200)
    ).body as { eventId: string; type: string }[];
    const review = events.find((e) => e.type === 'RegistrationReviewed')!;
    expect(list.every((n) => n.eventId === review.eventId)).toBe(true);
    // No phone number and no address in the answer: the recipient and channel say enough.
    const raw = JSON.stringify(list);
    expect(raw).not.toContain('13812345678');
    expect(raw).not.toContain('12345678');
    expect(raw).not.toContain('lab@example.cn');
    // The log adapter delivers each, once.
    const done = await delivered(uscc);
    expect(done.every((n) => n.attempts === 1 && n.deliveredAt !== null)).toBe(true);
  });

  it('tells them that the filing was returned, and why', async () => {
    const uscc = freshUscc();
    await ledger
      .post('/api/v1/agencies', asBeijing, { ...registrationBody(uscc), occurredAt: '2026-01-12' })
      .expect(201);
    await ledger
      .post(`/api/v1/agencies/${uscc}/review`, asBeijing, {
        outcome: 'returned',
        reason: '承诺书未签字',
        occurredAt: '2026-01-13',
      })
      .expect(201);
    const list = await notifications(uscc);
    expect(summary(list)).toEqual([
      'filing-returned legal-representative sms',
      'filing-returned contact sms',
      'filing-returned contact email',
    ]);
    expect(list[0].text).toContain('承诺书未签字');
  });

  it('tells them the grade once the cycle is published (jiaxing-15)', async () => {
    const uscc = await ledger.agency();
    await ledger
      .post(`/api/v1/agencies/${uscc}/assessments`, asBeijing, {
        year: 2025,
        score: 92,
        occurredAt: '2026-01-20',
      })
      .expect(201);
    await ledger
      .post('/api/v1/grading-cycles', asBeijing, {
        jurisdiction: 'beijing',
        year: 2025,
        occurredAt: '2026-02-02',
      })
      .expect(201);
    await ledger
      .post('/api/v1/grading-cycles/beijing-2025/publish', asBeijing, {
        occurredAt: '2026-03-02',
      })
      .expect(201);
    const list = await notifications(uscc);
    expect(summary(list).slice(3)).toEqual([
      'grade-completed legal-representative sms',
      'grade-completed contact sms',
      'grade-completed contact email',
    ]);
    expect(list[3].text).toContain('A');
  });

  it('is read by the agency, its regulator, an admin and an auditor; by no one else', async () => {
    const uscc = await ledger.agency();
    const path = `/api/v1/agencies/${uscc}/notifications`;
    for (const token of [asAgency(uscc), asBeijing, bearer(actors.admin), asAuditor])
      await request(http).get(path).set('Authorization', token).expect(200);
    for (const token of [asAgency(freshUscc()), bearer(actors.chongqing), bearer(actors.reviewer)])
      await request(http).get(path).set('Authorization', token).expect(403);
    await request(http).get(path).expect(401);
    await request(http)
      .get(`/api/v1/agencies/${freshUscc()}/notifications`)
      .set('Authorization', asAuditor)
      .expect(404);
  });
});

describe('notifications by e-mail through LEDGER_SMTP_URL (ADR 019)', () => {
  const relay = fakeSmtpRelay();
  let t: TestApp;
  let ledger: Ledger;

  beforeAll(async () => {
    const port = await relay.listen();
    t = await startTestApp('notifications_smtp', {
      env: { LEDGER_SMTP_URL: `smtp://127.0.0.1:${port}?from=ledger@example.cn` },
    });
    ledger = new Ledger(t.app.getHttpServer());
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
    await relay.close();
  }, HOOK_TIMEOUT_MS);

  it('hands the contact’s e-mail to the relay; text messages still go to the log', async () => {
    const uscc = await ledger.agency();
    const deadline = Date.now() + 30_000;
    let list: NotificationView[] = [];
    while (Date.now() < deadline) {
      list = (
        await request(t.app.getHttpServer())
          .get(`/api/v1/agencies/${uscc}/notifications`)
          .set('Authorization', bearer(actors.agency(uscc)))
          .expect(200)
      ).body as NotificationView[];
      if (list.length === 3 && list.every((n) => n.status === 'delivered')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(list.map((n) => n.status)).toEqual(['delivered', 'delivered', 'delivered']);
    const mails = relay.sessions.filter((s) => s.lines.includes('RCPT TO:<lab@example.cn>'));
    expect(mails).toHaveLength(1);
    const body = mails[0].data.split('\r\n\r\n')[1];
    expect(Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8')).toContain(uscc);
  });
});
