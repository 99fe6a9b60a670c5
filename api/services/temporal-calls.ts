/**
 * How the API calls Temporal: every call bounded in time, and every call known until it has settled, so that the
 * connection is closed only once nothing runs on it any more.
 */
import type { Connection } from '@temporalio/client';
import { TemporalTimeoutError } from '../errors';

/** The calls made through {@link boundedCall} that have not settled yet, per connection. */
const running = new WeakMap<Connection, Set<Promise<unknown>>>();

function track(connection: Connection, call: Promise<unknown>): void {
  let calls = running.get(connection);
  if (!calls) running.set(connection, (calls = new Set()));
  calls.add(call);
  const settled = () => void calls.delete(call);
  call.then(settled, settled);
}

/**
 * Runs one Temporal call with a deadline. The client retries UNAVAILABLE with backoff past a gRPC deadline, so the
 * call is also raced against a timer: a request never hangs on a Temporal that is down. The call itself goes on
 * until the SDK gives up on it; {@link settleCalls} waits for that.
 */
export async function boundedCall<T>(
  connection: Connection,
  ms: number,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TemporalTimeoutError(what, ms)), ms);
  });
  const call = connection.withDeadline(Date.now() + ms, fn);
  call.catch(() => undefined);
  track(connection, call);
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits, at most `maxMs`, until every call made through {@link boundedCall} on the connection has settled; false when
 * some are still running then. Close the connection only after this: the SDK's retry interceptor (grpc-retry) starts
 * the next attempt of a failed call from a timer, even one whose request has long been answered 503, and that timer
 * throws "Channel has been shut down" out of nowhere when the connection was closed meanwhile. A call settles at the
 * latest with the first attempt after its deadline (DEADLINE_EXCEEDED is not retried), one backoff (≤ 6 s) later.
 */
export async function settleCalls(connection: Connection, maxMs: number): Promise<boolean> {
  const calls = running.get(connection);
  if (!calls || calls.size === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), maxMs);
  });
  try {
    return await Promise.race([Promise.allSettled([...calls]).then(() => true as const), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}
