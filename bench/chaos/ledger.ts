/**
 * What the chaos suite asked the API to do and what it answered. Every request is an *intent* with its own
 * Idempotency-Key, sent once under load and then, if it got no 2xx (a 503 or no answer at all), retried with the
 * same key until it does: a well-behaved client. Registrations carry a tag in their subject, so a petition found
 * later can be traced to the request that made it, and a second petition for one request is seen.
 */
import { randomUUID } from 'node:crypto';
import type { HttpClient } from '../lib/http';
import { describeError } from '../lib/load';
import { registrationBody } from '../lib/petitions';

/** One try of an intent: the HTTP status, or 0 when no answer came (connection refused or reset, timeout). */
export interface Attempt {
  /** When it was sent (ms since the epoch) and how long it took. */
  at: number;
  ms: number;
  status: number;
  /** The `error` code of an error body, or the client-side error for status 0. */
  error?: string;
}

interface IntentBase {
  n: number;
  scenario: string;
  key: string;
  /** The bearer token it is sent with (its subject is part of the idempotency scope). */
  token: string;
  sub: string;
  attempts: Attempt[];
}

export interface RegistrationIntent extends IntentBase {
  kind: 'registration';
  tag: string;
  body: Record<string, unknown>;
  /** Petition ids answered (201 or 200 replayed), one per 2xx attempt. */
  ids: string[];
  /** The step the registration answered with. */
  step?: string;
}

export interface ActionIntent extends IntentBase {
  kind: 'action';
  petitionId: string;
  action: string;
  input: Record<string, unknown>;
}

export type Intent = RegistrationIntent | ActionIntent;

/** A 2xx answer. */
export const accepted = (a: Attempt) => a.status >= 200 && a.status < 300;
/** What a client may retry with the same key: 503, or no answer. */
export const retryable = (a: Attempt) => a.status === 503 || a.status === 0;
export const isAccepted = (i: Intent) => i.attempts.some(accepted);

export class Ledger {
  readonly registrations: RegistrationIntent[] = [];
  readonly actions: ActionIntent[] = [];
  private n = 0;
  private readonly run = randomUUID().slice(0, 8);

  constructor(private readonly http: HttpClient) {}

  /** Every intent, in the order made. */
  all(): Intent[] {
    return [...this.registrations, ...this.actions].sort((a, b) => a.n - b.n);
  }

  registration(scenario: string, token: string, sub: string): RegistrationIntent {
    const n = this.n++;
    const tag = `chaos-${this.run}-${n}`;
    const body = { ...registrationBody(), subject: `供暖不达标 ${tag}` };
    const intent: RegistrationIntent = {
      kind: 'registration',
      n,
      scenario,
      key: `${tag}-register`,
      token,
      sub,
      tag,
      body,
      attempts: [],
      ids: [],
    };
    this.registrations.push(intent);
    return intent;
  }

  action(
    scenario: string,
    petitionId: string,
    action: string,
    input: Record<string, unknown>,
    token: string,
    sub: string,
  ): ActionIntent {
    const n = this.n++;
    const intent: ActionIntent = {
      kind: 'action',
      n,
      scenario,
      key: `chaos-${this.run}-${n}-${action}`,
      token,
      sub,
      petitionId,
      action,
      input,
      attempts: [],
    };
    this.actions.push(intent);
    return intent;
  }

  /** Sends an intent once (through `http`, default the ledger's client) and records the attempt. */
  async send(intent: Intent, http: HttpClient = this.http): Promise<Attempt> {
    const [path, body] =
      intent.kind === 'registration'
        ? ['/v1/petitions', intent.body]
        : [`/v1/petitions/${intent.petitionId}/actions/${intent.action}`, intent.input];
    const at = Date.now();
    let attempt: Attempt;
    try {
      const res = await http.request<{ id?: string; step?: string; error?: string }>('POST', path, body, {
        authorization: `Bearer ${intent.token}`,
        'idempotency-key': intent.key,
      });
      attempt = { at, ms: Date.now() - at, status: res.status };
      if (!accepted(attempt) && typeof res.body?.error === 'string') attempt.error = res.body.error;
      if (accepted(attempt) && intent.kind === 'registration' && res.body?.id) {
        intent.ids.push(res.body.id);
        intent.step ??= res.body.step;
      }
    } catch (err) {
      attempt = { at, ms: Date.now() - at, status: 0, error: describeError(err) };
    }
    intent.attempts.push(attempt);
    return attempt;
  }

  /**
   * Retries, with the same key, every intent that has no 2xx yet, until each has one or `timeoutMs` is spent.
   * Resolves with the intents still without one.
   */
  async settle(intents: readonly Intent[], timeoutMs: number, concurrency = 16): Promise<Intent[]> {
    const deadline = Date.now() + timeoutMs;
    let pending = intents.filter((i) => !isAccepted(i));
    for (let round = 0; pending.length > 0 && Date.now() < deadline; round++) {
      if (round > 0) await sleep(Math.min(250 * 2 ** round, 2_000));
      await mapLimit(pending, concurrency, (i) => this.send(i));
      pending = pending.filter((i) => !isAccepted(i));
    }
    return pending;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `fn` over `items`, at most `concurrency` at once, and resolves with the results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

/**
 * Sends each intent once, at most `concurrency` at once (a closed loop). An intent that got no answer does not hold
 * its lane: when the API is down they fail at once, and the lane waits 50 ms before the next so it does not spin.
 * `inFlight()` tells how many requests are open right now.
 */
export function sendAll(
  ledger: Ledger,
  intents: readonly Intent[],
  concurrency: number,
): { done: Promise<void>; inFlight: () => number; answered: () => number } {
  let open = 0;
  let answered = 0;
  const done = mapLimit(intents, concurrency, async (intent) => {
    open++;
    const a = await ledger.send(intent).finally(() => open--);
    answered++;
    if (a.status === 0) await sleep(50);
  }).then(() => undefined);
  return { done, inFlight: () => open, answered: () => answered };
}

/** Counts of statuses (`0` = no answer), e.g. `{ "201": 480, "503": 12 }`. */
export function statusCounts(attempts: readonly Attempt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of attempts) counts[String(a.status)] = (counts[String(a.status)] ?? 0) + 1;
  return counts;
}

/** Attempts that should never happen: a 5xx other than 503, or a 4xx (every intent is valid when sent). */
export function unexpected(a: Attempt): boolean {
  return !accepted(a) && !retryable(a);
}
