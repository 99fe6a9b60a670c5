import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a request id travels in, both ways. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What an incoming `X-Request-Id` may look like to be kept: short, printable, safe in a log line and a header. */
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}$/;

/**
 * The id of a request: the caller's `X-Request-Id` when it is well-formed (so a trace crosses a proxy), else a new
 * UUID. It is in every log line about the request (`reqId`), in the `X-Request-Id` response header and in every
 * error body (`requestId`).
 */
export function requestIdOf(raw: Pick<IncomingMessage, 'headers'>): string {
  const given = raw.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
}
