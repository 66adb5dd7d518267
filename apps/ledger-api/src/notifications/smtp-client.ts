import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/**
 * A minimal SMTP client (RFC 5321) over node:net or node:tls, enough to hand one plain-text
 * UTF-8 message to a relay: EHLO, AUTH PLAIN when the URL has a user, MAIL, RCPT, DATA, QUIT.
 * No package is added for this (ADR 019); a relay that needs more (STARTTLS upgrades, OAuth)
 * is out of scope: use `smtps://` to a relay that speaks TLS from the start.
 */
export interface SmtpSettings {
  secure: boolean;
  host: string;
  port: number;
  user?: string;
  password?: string;
  /** The envelope and header sender. */
  from: string;
  /** Milliseconds a reply may take before the delivery fails (and is retried). */
  timeoutMs: number;
}

export class SmtpUrlError extends Error {
  override readonly name = 'SmtpUrlError';
}

/** `smtp://[user:password@]host[:port]?from=ledger@example.cn` or `smtps://…` (port 465). */
export function parseSmtpUrl(text: string): SmtpSettings {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SmtpUrlError('LEDGER_SMTP_URL must be a URL such as smtp://relay:25?from=a@b.cn');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new SmtpUrlError('LEDGER_SMTP_URL must start with smtp:// or smtps://');
  if (!url.hostname) throw new SmtpUrlError('LEDGER_SMTP_URL must name a host');
  const from = url.searchParams.get('from');
  if (!from || !/^[^\s@<>]+@[^\s@<>]+$/.test(from))
    throw new SmtpUrlError('LEDGER_SMTP_URL must give the sender as ?from=address@domain');
  const secure = url.protocol === 'smtps:';
  return {
    secure,
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 25,
    ...(url.username && { user: decodeURIComponent(url.username) }),
    ...(url.password && { password: decodeURIComponent(url.password) }),
    from,
    timeoutMs: Number(url.searchParams.get('timeoutMs') ?? 10_000),
  };
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** A reply the server sent instead of the one expected: the message was not accepted. */
export class SmtpReplyError extends Error {
  override readonly name = 'SmtpReplyError';
  constructor(
    readonly stage: string,
    readonly code: number,
  ) {
    // The server's text is left out: it may echo an address back.
    super(`SMTP ${stage}: server answered ${code}`);
  }
}

const encodedWord = (text: string) => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

/** The message as sent after DATA: headers, a base64 body in lines of 76, no bare dots. */
export function formatMessage(from: string, message: MailMessage, date: Date): string {
  const body = Buffer.from(message.text, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    `From: ${from}`,
    `To: ${message.to}`,
    `Subject: ${encodedWord(message.subject)}`,
    `Date: ${date.toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ].join('\r\n');
}

/** Reads SMTP replies (multi-line `250-…` up to `250 …`) from a socket, one at a time. */
class ReplyReader {
  private buffer = '';
  private waiting?: { resolve: (code: number) => void; reject: (error: Error) => void };
  private failure?: Error;

  constructor(socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.settle();
    });
    const fail = (error: Error) => {
      this.failure = error;
      this.waiting?.reject(error);
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('SMTP connection closed')));
  }

  next(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.settle();
    });
  }

  private settle(): void {
    if (!this.waiting) return;
    const lines = this.buffer.split('\r\n');
    const last = lines.findIndex((line) => /^\d{3} /.test(line) || /^\d{3}$/.test(line));
    if (last === -1) {
      if (this.failure) {
        this.waiting.reject(this.failure);
        this.waiting = undefined;
      }
      return;
    }
    this.buffer = lines.slice(last + 1).join('\r\n');
    const { resolve } = this.waiting;
    this.waiting = undefined;
    resolve(Number(lines[last].slice(0, 3)));
  }
}

/** Sends one message; resolves once the server accepted it (250 after the DATA). */
export async function sendMail(
  settings: SmtpSettings,
  message: MailMessage,
  now: Date = new Date(),
): Promise<void> {
  if (/[\r\n]/.test(message.to) || /[\r\n]/.test(settings.from))
    throw new Error('SMTP: an address may not break lines');
  const socket = settings.secure
    ? connectTls({ host: settings.host, port: settings.port, servername: settings.host })
    : connectTcp({ host: settings.host, port: settings.port });
  socket.setTimeout(settings.timeoutMs, () =>
    socket.destroy(new Error(`SMTP: no answer in ${settings.timeoutMs} ms`)),
  );
  const replies = new ReplyReader(socket);
  const expect = async (stage: string, ...codes: number[]) => {
    const code = await replies.next();
    if (!codes.includes(code)) throw new SmtpReplyError(stage, code);
  };
  const say = (line: string) => socket.write(`${line}\r\n`);
  try {
    await expect('greeting', 220);
    say('EHLO ledger');
    await expect('EHLO', 250);
    if (settings.user !== undefined) {
      const credentials = `\0${settings.user}\0${settings.password ?? ''}`;
      say(`AUTH PLAIN ${Buffer.from(credentials, 'utf8').toString('base64')}`);
      await expect('AUTH', 235);
    }
    say(`MAIL FROM:<${settings.from}>`);
    await expect('MAIL', 250);
    say(`RCPT TO:<${message.to}>`);
    await expect('RCPT', 250, 251);
    say('DATA');
    await expect('DATA', 354);
    socket.write(`${formatMessage(settings.from, message, now)}\r\n.\r\n`);
    await expect('message', 250);
    say('QUIT');
    await expect('QUIT', 221).catch(() => undefined);
  } finally {
    socket.destroy();
  }
}
