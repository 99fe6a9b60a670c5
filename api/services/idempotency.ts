/**
 * How a write is recognised when it is retried with the same `Idempotency-Key`, decided in one place: the hash a
 * request is known by, and the Update id and request id of an action.
 */
import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '../../definitions/language/hash';
import type { TimelineEntry } from '../../workflows/engine';

/** SHA-256 (hex) of the canonical JSON of a request body: the same body in another key order hashes the same. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** The ids an action is sent with. */
export interface ActionRequestIds {
  /** The Update's id: Temporal applies an Update id once per run, so a retry is not applied twice. */
  updateId: string;
  /** Recorded in the petition's timeline with the action. */
  requestId: string;
}

/**
 * With a key, the Update id is `<caller>:<key>` and the request id adds the hash of the action and its input, so a
 * key reused for another request is recognised after Temporal has deduplicated the Update by its id (it answers a
 * retried Update with the first one's result, which carries the first request id). Without a key every request is
 * new.
 */
export function actionRequestIds(
  caller: string,
  key: string | undefined,
  action: string,
  input: unknown,
): ActionRequestIds {
  if (!key) {
    const id = randomUUID();
    return { updateId: id, requestId: id };
  }
  const updateId = `${caller}:${key}`;
  return { updateId, requestId: `${updateId}#${requestHash({ action, input }).slice(0, 16)}` };
}

/** The timeline entry of the action an Update id was used for, among the entries an action's answer carries. */
export function actionEntryOf(
  timeline: readonly TimelineEntry[],
  updateId: string,
): TimelineEntry | undefined {
  return timeline.find(
    (t) =>
      t.type === 'action' &&
      typeof t.data?.['requestId'] === 'string' &&
      (t.data['requestId'] === updateId || (t.data['requestId'] as string).startsWith(`${updateId}#`)),
  );
}
