import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The webhook signature: `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the
 * department's secret. The timestamp is signed with the body, so a captured request cannot be replayed later than
 * the receiver's tolerance; the receiver deduplicates within it by `Idempotency-Key`.
 *
 * Self-contained (node:crypto only), so a department can copy this file into its receiver.
 */

/** The header that carries the signature. */
export const SIGNATURE_HEADER = 'X-Signature';
/** The header that carries the idempotency key (stable across retries of one delivery). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** How old (or how far in the future) a signature may be, by default: 5 minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, body: string | Uint8Array): string =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');

/** The `X-Signature` value for a raw body, signed now (or at `timestamp`, unix seconds). */
export function signWebhook(
  secret: string,
  body: string | Uint8Array,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'mismatch'; message: string };

/**
 * Verifies an `X-Signature` header against the raw request body (the exact bytes received, before any JSON
 * parsing). Constant-time; accepts several `v1=` values (a sender rotating secrets may send one per secret).
 */
export function verifyWebhookSignature(
  secret: string,
  rawBody: string | Uint8Array,
  header: string | undefined | null,
  options: { toleranceSeconds?: number; now?: number } = {},
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing', message: `no ${SIGNATURE_HEADER} header` };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) {
    return {
      ok: false,
      reason: 'malformed',
      message: `${SIGNATURE_HEADER} must be "t=<unix seconds>,v1=<hex>"`,
    };
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - timestamp) > tolerance) {
    return {
      ok: false,
      reason: 'expired',
      message: `signed at ${timestamp}, more than ${tolerance} s from now (${now})`,
    };
  }
  const expected = Buffer.from(hmac(secret, timestamp, rawBody), 'hex');
  const match = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return match
    ? { ok: true, timestamp }
    : { ok: false, reason: 'mismatch', message: 'the signature does not match the body' };
}
