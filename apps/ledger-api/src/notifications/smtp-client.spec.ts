import { fakeSmtpRelay as fakeRelay } from '../../../../test/support/fake-smtp-relay';
import { parseSmtpUrl, sendMail, SmtpReplyError, SmtpUrlError } from './smtp-client';

describe('the SMTP client (ADR 019)', () => {
  it('hands a UTF-8 message to the relay, with AUTH PLAIN when the URL has a user', async () => {
    const relay = fakeRelay();
    const port = await relay.listen();
    try {
      const settings = parseSmtpUrl(
        `smtp://ledger:s%40cret@127.0.0.1:${port}?from=ledger@example.cn`,
      );
      await sendMail(settings, {
        to: 'lab@example.cn',
        subject: '备案信息已公示',
        text: '91110000802100433B：备案信息已于 2026-01-13 审查通过并公示。',
      });
      const [session] = relay.sessions;
      expect(session.lines).toEqual([
        'EHLO ledger',
        `AUTH PLAIN ${Buffer.from('\0ledger\0s@cret').toString('base64')}`,
        'MAIL FROM:<ledger@example.cn>',
        'RCPT TO:<lab@example.cn>',
        'DATA',
        'QUIT',
      ]);
      const [headers, body] = session.data.split('\r\n\r\n');
      expect(headers).toContain(
        `Subject: =?UTF-8?B?${Buffer.from('备案信息已公示').toString('base64')}?=`,
      );
      expect(Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8')).toBe(
        '91110000802100433B：备案信息已于 2026-01-13 审查通过并公示。',
      );
    } finally {
      await relay.close();
    }
  });

  it('fails when the relay refuses the recipient, naming the stage, not the address', async () => {
    const relay = fakeRelay({ rcpt: 550 });
    const port = await relay.listen();
    try {
      const settings = parseSmtpUrl(`smtp://127.0.0.1:${port}?from=ledger@example.cn`);
      const sent = sendMail(settings, { to: 'gone@example.cn', subject: 's', text: 't' });
      await expect(sent).rejects.toThrow(SmtpReplyError);
      await expect(sent).rejects.toThrow('SMTP RCPT: server answered 550');
    } finally {
      await relay.close();
    }
  });

  it('fails when nothing listens', async () => {
    const relay = fakeRelay();
    const port = await relay.listen();
    await relay.close();
    const settings = parseSmtpUrl(`smtp://127.0.0.1:${port}?from=ledger@example.cn`);
    await expect(sendMail(settings, { to: 'a@b.cn', subject: 's', text: 't' })).rejects.toThrow();
  });

  it('reads LEDGER_SMTP_URL, and refuses one it cannot use', () => {
    expect(parseSmtpUrl('smtps://relay.example.cn?from=ledger@example.cn')).toMatchObject({
      secure: true,
      host: 'relay.example.cn',
      port: 465,
      from: 'ledger@example.cn',
    });
    expect(() => parseSmtpUrl('http://relay?from=a@b.cn')).toThrow(SmtpUrlError);
    expect(() => parseSmtpUrl('smtp://relay')).toThrow(/from=/);
    expect(() => parseSmtpUrl('not a url')).toThrow(SmtpUrlError);
  });
});
