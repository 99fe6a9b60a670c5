import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { DeliveryRecord, Notifier, OutgoingMessage } from '../outbox';

/** How to reach the mail server (config/index.ts: SMTP_URL, or SMTP_HOST/PORT/SECURE/USER/PASS; SMTP_FROM). */
export interface SmtpOptions {
  /** `smtp://user:pass@host:587` or `smtps://…:465`; wins over the separate fields. */
  url?: string;
  host?: string;
  port?: number;
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  user?: string;
  pass?: string;
  /** The sender, e.g. `"市信访局" <noreply@xfj.example.gov.cn>`. */
  from: string;
  /** Per-connection timeouts in ms (default 30 s); a timeout is retried by Temporal. */
  timeoutMs?: number;
}

/** The server refused the message for good (SMTP 5xx: unknown mailbox, policy): retrying would not help. */
export class PermanentEmailError extends Error {
  override name = 'PermanentEmailError';
}

/** `zhang.san@example.com` → `z***@example.com`: enough to tell addresses apart in a timeline, no more. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

/** A stable Message-ID per delivery: a resend after a crash carries the same id, so mail clients show it once. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'petition-engine.invalid';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

/**
 * E-mail through SMTP (nodemailer). Sends to `message.to.email`. Transient failures (connection, timeouts, SMTP 4xx)
 * throw and Temporal retries the activity; SMTP 5xx throws {@link PermanentEmailError}.
 */
export function createSmtpNotifier(options: SmtpOptions): Notifier & { close(): void } {
  const timeout = options.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport(
    options.url
      ? { url: options.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout }
      : {
          host: options.host,
          port: options.port ?? (options.secure ? 465 : 587),
          secure: options.secure ?? false,
          ...(options.user !== undefined && { auth: { user: options.user, pass: options.pass ?? '' } }),
          connectionTimeout: timeout,
          greetingTimeout: timeout,
          socketTimeout: timeout,
        },
  );
  return {
    async send(message: OutgoingMessage): Promise<DeliveryRecord> {
      const address = message.to['email'];
      if (typeof address !== 'string' || address.length === 0) {
        throw new PermanentEmailError('the recipient has no e-mail address');
      }
      try {
        const info = (await transport.sendMail({
          from: options.from,
          to: address,
          subject: message.subject,
          text: message.text,
          messageId: messageIdFor(message.idempotencyKey, options.from),
          headers: { 'X-Petition-Id': message.petitionId, 'X-Idempotency-Key': message.idempotencyKey },
        })) as { response?: string; messageId?: string };
        return {
          channel: 'email',
          at: new Date().toISOString(),
          ok: true,
          detail: `to ${maskEmail(address)}: ${String(info.response ?? 'accepted').slice(0, 120)}`,
        };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        if (typeof code === 'number' && code >= 500 && code < 600) {
          throw new PermanentEmailError(`SMTP ${code}: ${String((err as Error).message).slice(0, 200)}`);
        }
        throw err;
      }
    },
    close() {
      transport.close();
    },
  };
}
