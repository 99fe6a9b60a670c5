/**
 * The API's page tokens. Temporal's own token is opaque and answered with a retryable error when damaged (the client
 * would retry it until its deadline), so every token the API hands out carries a checksum over what it belongs to
 * (the query, or the list, its filters and the caller's scope) and is checked here: 400 invalid_page_token.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../../errors';
import type { WalkCursor } from './due-window-walk';
import type { Scope } from './visibility-query';

const checksum = (query: string, token: string) =>
  createHash('sha256').update(`${query}\n${token}`).digest('base64url').slice(0, 22);

const invalidPageToken = () =>
  new ApiError(
    400,
    'invalid_page_token',
    'The pageToken is damaged or belongs to other filters; repeat the first request (without pageToken) and follow its nextPageToken.',
    { field: 'querystring.pageToken' },
  );

/**
 * The API's page token: Temporal's, bound to the query it belongs to by a checksum. Temporal answers a damaged
 * token with a retryable UNKNOWN error (the client would retry it until the deadline), so tokens are checked here.
 */
export function encodePageToken(query: string, raw: Uint8Array): string {
  const token = Buffer.from(raw).toString('base64url');
  return `${token}.${checksum(query, token)}`;
}

/** Temporal's page token inside an API page token; 400 when it was damaged or belongs to another query. */
export function decodePageToken(query: string, pageToken: string): Uint8Array {
  const [token, sum, ...rest] = pageToken.split('.');
  if (!token || !sum || rest.length > 0 || checksum(query, token) !== sum) throw invalidPageToken();
  return Buffer.from(token, 'base64url');
}

/** The API's page token of the overdue and at-risk lists: the walk's cursor plus the `asOf` of the first page. */
export interface ListCursor extends WalkCursor {
  asOf: number;
}

/** What a supervision page token is bound to: the list, its filters and the caller's scope. */
export function cursorKey(
  kind: 'overdue' | 'at-risk',
  filters: { department?: string; step?: string; within?: number },
  scope: Scope,
): string {
  return JSON.stringify([
    kind,
    1, // version of the window layout
    filters.department ?? null,
    filters.step ?? null,
    filters.within ?? null,
    scope.department ?? null,
  ]);
}

export function encodeCursor(key: string, cursor: ListCursor): string {
  const payload: Array<number | string> = [cursor.asOf, cursor.window, cursor.scan ? 1 : 0];
  if (cursor.token) payload.push(Buffer.from(cursor.token).toString('base64url'));
  const token = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${token}.${checksum(key, token)}`;
}

export function decodeCursor(key: string, pageToken: string): ListCursor {
  const [token, sum, ...rest] = pageToken.split('.');
  if (!token || !sum || rest.length > 0 || checksum(key, token) !== sum) throw invalidPageToken();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidPageToken();
  }
  if (
    !Array.isArray(payload) ||
    payload.length < 3 ||
    payload.length > 4 ||
    !Number.isSafeInteger(payload[0]) ||
    !Number.isSafeInteger(payload[1]) ||
    (payload[1] as number) < 0 ||
    (payload[2] !== 0 && payload[2] !== 1) ||
    (payload.length === 4 && (typeof payload[3] !== 'string' || !/^[A-Za-z0-9_-]{1,4096}$/.test(payload[3])))
  ) {
    throw invalidPageToken();
  }
  const [asOf, window, scan, visibilityToken] = payload as [number, number, 0 | 1, string | undefined];
  return {
    asOf,
    window,
    scan: scan === 1,
    ...(visibilityToken !== undefined && { token: Buffer.from(visibilityToken, 'base64url') }),
  };
}
