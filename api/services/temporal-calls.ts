/**
 * How the API calls Temporal: every call bounded in time, and every call known until it has settled, so that the
 * connection is closed only once nothing runs on it any more.
 */
import type { Connection } from '@temporalio/client';
import { TemporalTimeoutError, TemporalUnreachableError } from '../errors';

/** grpc-js connectivity states (a table rather than an import of @grpc/grpc-js, which is not our dependency). */
const READY = 2;
const SHUTDOWN = 4;

/** The part of a grpc-js channel the watch needs. */
interface Channel {
  getConnectivityState(tryToConnect: boolean): number;
  watchConnectivityState(current: number, deadline: number, callback: (err?: Error) => void): void;
}

/** The connection's gRPC channel (a protected member of the SDK's Connection), if it can be read. */
function channelOf(connection: Connection): Channel | undefined {
  try {
    return (connection as unknown as { client?: { getChannel(): Channel } }).client?.getChannel();
  } catch {
    return undefined;
  }
}

/**
 * Watches whether the channel is READY at any moment until `stop()`: only a READY channel sends requests, so a
 * call during which it never was could not have reached Temporal. Unknown (no channel to watch) counts as ready.
 */
function watchReady(connection: Connection, untilMs: number): { everReady(): boolean; stop(): void } {
  const channel = channelOf(connection);
  if (!channel) return { everReady: () => true, stop: () => undefined };
  let ready = false;
  let stopped = false;
  const watch = (state: number): void => {
    if (state === READY) {
      ready = true;
      return;
    }
    if (stopped || state === SHUTDOWN) return;
    channel.watchConnectivityState(state, untilMs, (err) => {
      if (!err) watch(channel.getConnectivityState(false));
    });
  };
  watch(channel.getConnectivityState(false));
  return {
    everReady: () => ready || channel.getConnectivityState(false) === READY,
    stop: () => void (stopped = true),
  };
}

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
 *
 * A call that fails or times out while the channel was never READY throws {@link TemporalUnreachableError} (nothing
 * was sent); a timeout after it was READY throws {@link TemporalTimeoutError} (a write may still be applied).
 */
export async function boundedCall<T>(
  connection: Connection,
  ms: number,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = Date.now() + ms;
  const readiness = watchReady(connection, deadline + 1_000);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TemporalTimeoutError(what, ms)), ms);
  });
  const call = connection.withDeadline(deadline, fn);
  call.catch(() => undefined);
  track(connection, call);
  try {
    return await Promise.race([call, timeout]);
  } catch (err) {
    if (!readiness.everReady() && isTransportFailure(err)) {
      throw new TemporalUnreachableError(what, reasonOf(err));
    }
    // Our own deadline, reported by gRPC a moment before our timer fires: the same timeout, told the same way (a
    // caller that maps "no answer in time" to its own error must not depend on which of the two came first).
    if (grpcDeadlineExceeded(err) && Date.now() >= deadline - 50) throw new TemporalTimeoutError(what, ms);
    throw err;
  } finally {
    readiness.stop();
    clearTimeout(timer);
  }
}

function grpcDeadlineExceeded(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === 4) return true;
  }
  return false;
}

/** A timeout or a gRPC failure of the transport (not an answer of Temporal's: those mean it was reached). */
function isTransportFailure(err: unknown): boolean {
  if (err instanceof TemporalTimeoutError) return true;
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    // UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED
    if (code === 14 || code === 4 || code === 1) return true;
  }
  return false;
}

function reasonOf(err: unknown): string {
  if (err instanceof TemporalTimeoutError) return `no connection within ${err.ms / 1000} s`;
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200);
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
