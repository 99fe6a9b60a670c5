import { ApplicationFailure } from '@temporalio/common';
import type { Delivery } from '../../workflows/activity-contracts';
import type { DepartmentDelivery } from '../../workflows/department-activities';
import { FailureType } from '../../workflows/failure-types';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signWebhook } from './webhook-signature';

export interface WebhookTarget {
  department: string;
  url: string;
  secret: string;
}

export interface WebhookOptions {
  /** How long one attempt waits for the answer (default 30 s); a timeout is retried by Temporal. */
  timeoutMs?: number;
  /** Aborts the request (the activity was cancelled). */
  signal?: AbortSignal;
  now?: () => Date;
}

/** Where a URL points, without its query or credentials (those may carry tokens: never in history or logs). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * One signed JSON POST of a delivery to a department's webhook. The body is the {@link DepartmentDelivery} itself,
 * the same bytes on every retry; `Idempotency-Key` lets the receiver deduplicate. 2xx is delivered. Network errors,
 * timeouts, 408, 429 and 5xx throw a retryable failure (Temporal retries with backoff, honouring `Retry-After`);
 * any other answer throws a non-retryable `DeliveryRejected`, which the workflow raises to the supervisor.
 */
export async function postWebhook(
  target: WebhookTarget,
  delivery: DepartmentDelivery,
  options: WebhookOptions = {},
): Promise<Delivery> {
  const now = options.now ?? (() => new Date());
  const body = JSON.stringify(delivery);
  const where = describeUrl(target.url);
  const details = { department: target.department, channel: 'webhook' };
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'petition-engine/webhook',
        [SIGNATURE_HEADER]: signWebhook(target.secret, body, Math.floor(now().getTime() / 1000)),
        [IDEMPOTENCY_HEADER]: delivery.idempotencyKey,
      },
      body,
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
  } catch (err) {
    const reason = timeout.aborted
      ? `no answer within ${(options.timeoutMs ?? 30_000) / 1000} s`
      : errorText(err);
    throw ApplicationFailure.create({
      type: FailureType.DeliveryFailed,
      message: `webhook of ${target.department} (${where}) not reached: ${reason}`,
      details: [details],
    });
  }
  const text = (await response.text().catch(() => '')).slice(0, 2000);
  const status = response.status;
  if (status >= 200 && status < 300) {
    const reference = referenceOf(text);
    return {
      channel: 'webhook',
      at: now().toISOString(),
      ok: true,
      detail: `${target.department} answered HTTP ${status}${reference ? `, reference ${reference}` : ''}`,
    };
  }
  const summary = `${target.department} (${where}) answered HTTP ${status}${text ? `: ${oneLine(text)}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfter = retryAfterMs(response.headers.get('retry-after'), now());
    throw ApplicationFailure.create({
      type: FailureType.DeliveryFailed,
      message: `webhook delivery failed, will retry: ${summary}`,
      details: [{ ...details, status }],
      ...(retryAfter !== undefined && { nextRetryDelay: retryAfter }),
    });
  }
  throw ApplicationFailure.create({
    type: FailureType.DeliveryRejected,
    message:
      status >= 300 && status < 400
        ? `webhook rejected: ${target.department} (${where}) redirects (HTTP ${status}); register the final URL`
        : `webhook rejected: ${summary}`,
    details: [{ ...details, status }],
    nonRetryable: true,
  });
}

function referenceOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { reference?: unknown };
    return typeof parsed.reference === 'string' ? parsed.reference.slice(0, 100) : undefined;
  } catch {
    return undefined;
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function errorText(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

/** `Retry-After` as seconds or an HTTP date, capped at an hour; undefined when absent or unreadable. */
function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim())
    ? Number(header.trim()) * 1000
    : Date.parse(header) - now.getTime();
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  return Math.min(seconds, 3_600_000);
}
