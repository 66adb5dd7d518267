import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
import type { SealedPersonalData } from '@ledger/domain';
import type { NotificationAddress } from '@ledger/projections';
import { sendMail, type SmtpSettings } from './smtp-client';

/** A notification as a sender gets it: the address opened, nothing else personal. */
export interface OutgoingNotification {
  notificationId: string;
  kind: string;
  uscc: string;
  recipient: string;
  channel: string;
  /** The phone number or e-mail address, in clear: for the sender only, never for a log. */
  address: string;
  subject: string;
  text: string;
}

/** Delivers one notification; throws when it could not (the dispatcher retries). */
export interface NotificationSender {
  readonly name: string;
  deliver(notification: OutgoingNotification): Promise<void>;
}

/**
 * The default sender: a log line per notification, with its id, kind, agency, recipient and
 * channel, never the phone number or address (ADR 005). Where no gateway is configured the
 * notification is recorded as delivered to the log, so an operator can see what was due.
 */
export class LogSender implements NotificationSender {
  readonly name = 'log';
  constructor(private readonly log: (message: string) => void) {}

  deliver(n: OutgoingNotification): Promise<void> {
    this.log(
      `notification ${n.notificationId} ${n.kind} for agency ${n.uscc} to the ${n.recipient} by ${n.channel}`,
    );
    return Promise.resolve();
  }
}

/** E-mail through the relay of `LEDGER_SMTP_URL` (smtp-client.ts). */
export class SmtpSender implements NotificationSender {
  readonly name = 'smtp';
  constructor(private readonly settings: SmtpSettings) {}

  deliver(n: OutgoingNotification): Promise<void> {
    return sendMail(this.settings, { to: n.address, subject: n.subject, text: n.text });
  }
}

export interface DispatcherOptions {
  /** How often to look for due notifications. Default 1 s. */
  pollIntervalMs?: number;
  /** First wait after a failed delivery; doubles with each failure, up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

interface DueRow {
  notification_id: string;
  kind: string;
  recipient: string;
  channel: string;
  address: NotificationAddress;
  subject: string;
  text: string;
  uscc: string;
  attempts: number;
}

const isSealed = (address: NotificationAddress): address is SealedPersonalData => '$pii' in address;

/**
 * Delivers the notification outbox (ADR 019), at least once: each due notification is locked
 * (`FOR UPDATE SKIP LOCKED`, so several instances share the work), sent, and marked delivered
 * in the same transaction. A process that dies after sending and before the commit leaves it
 * unmarked, and it is sent again. A failed delivery is recorded with its error and retried
 * with backoff, without end: nothing due is ever dropped.
 */
export class NotificationDispatcher {
  private stopped = true;
  /** Set by stop(): a drain in progress ends after the notification in hand. */
  private halted = false;
  private loop?: Promise<void>;
  private waking = new AbortController();

  constructor(
    private readonly pool: Pool,
    private readonly open: (sealed: SealedPersonalData) => Promise<string | null>,
    private readonly senderFor: (channel: string) => NotificationSender,
    private readonly options: DispatcherOptions = {},
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halted = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    this.waking.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const pollIntervalMs = this.options.pollIntervalMs ?? 1000;
    while (!this.stopped) {
      try {
        await this.dispatchDue();
      } catch (error) {
        // Stopping, the pool may close under a drain: no loss (it is delivered next start).
        if (!this.halted)
          this.warn(`notifications: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (this.stopped) break;
      this.waking = new AbortController();
      await sleep(pollIntervalMs, undefined, { signal: this.waking.signal }).catch(() => undefined);
    }
  }

  /** Delivers what is due now, one notification per transaction; the number attempted. */
  async dispatchDue(limit = 100): Promise<number> {
    // Every outbox row gets its delivery record; the runner never writes this table.
    await this.pool.query(
      `INSERT INTO notification_deliveries (notification_id)
       SELECT o.notification_id FROM notification_outbox o
       WHERE NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = o.notification_id)
       ON CONFLICT DO NOTHING`,
    );
    let attempted = 0;
    while (attempted < limit && !this.halted) {
      const client = await this.pool.connect();
      client.on('error', ignore);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<DueRow>(
          `SELECT o.notification_id, o.kind, o.recipient, o.channel, o.address, o.subject, o.text,
                  a.uscc, d.attempts
           FROM notification_deliveries d
           JOIN notification_outbox o USING (notification_id)
           JOIN notification_agencies a ON a.key = o.key
           WHERE d.delivered_at IS NULL AND d.next_attempt_at <= now()
           ORDER BY o.position, o.ordinal
           LIMIT 1
           FOR UPDATE OF d SKIP LOCKED`,
        );
        if (rows.length === 0) {
          await client.query('COMMIT');
          break;
        }
        attempted += 1;
        await this.deliver(client, rows[0]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch((failed: Error) => (broken = failed));
        throw error;
      } finally {
        client.off('error', ignore);
        client.release(broken);
      }
    }
    return attempted;
  }

  private async deliver(client: PoolClient, row: DueRow): Promise<void> {
    const address = isSealed(row.address) ? await this.open(row.address) : row.address.email;
    if (address === null) {
      // Erased (ADR 005): there is no one to reach any more, and never will be.
      await client.query(
        `UPDATE notification_deliveries SET attempts = attempts + 1, last_attempt_at = now(),
           last_error = 'the address was erased', next_attempt_at = 'infinity'
         WHERE notification_id = $1`,
        [row.notification_id],
      );
      return;
    }
    const sender = this.senderFor(row.channel);
    try {
      await sender.deliver({
        notificationId: row.notification_id,
        kind: row.kind,
        uscc: row.uscc,
        recipient: row.recipient,
        channel: row.channel,
        address,
        subject: row.subject,
        text: row.text,
      });
    } catch (error) {
      const retryMs = this.options.retryMs ?? 1000;
      const maxRetryMs = this.options.maxRetryMs ?? 3_600_000;
      const wait = Math.min(maxRetryMs, retryMs * 2 ** Math.min(row.attempts, 30));
      const message = error instanceof Error ? error.message : String(error);
      await client.query(
        `UPDATE notification_deliveries SET attempts = attempts + 1, last_attempt_at = now(),
           last_error = $2, next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
         WHERE notification_id = $1`,
        [row.notification_id, `${sender.name}: ${message}`.slice(0, 500), wait],
      );
      this.warn(
        `notification ${row.notification_id} ${row.kind} for agency ${row.uscc} by ${row.channel}: ${sender.name} failed (attempt ${row.attempts + 1}), retrying in ${wait} ms`,
      );
      return;
    }
    await client.query(
      `UPDATE notification_deliveries SET attempts = attempts + 1, last_attempt_at = now(),
         last_error = NULL, delivered_at = now(), delivered_by = $2
       WHERE notification_id = $1`,
      [row.notification_id, sender.name],
    );
  }
}

function ignore(): void {}
