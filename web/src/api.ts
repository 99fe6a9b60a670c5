/** The console's HTTP client: same origin as the API, JSON in and out, every error as an {@link ApiFailure}. */

/** An error answer of the API (`{ error, message, details? }`) or a network failure (status 0). */
export class ApiFailure extends Error {
  override name = 'ApiFailure';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  token?: string;
  accessCode?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Called when the API answers 401 to a signed-in request (the token expired): the app signs out. */
let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  if (opts.accessCode) headers['x-access-code'] = opts.accessCode;
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
      ...(opts.signal && { signal: opts.signal }),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiFailure(0, 'network', (err as Error).message);
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const body = (json ?? {}) as { error?: string; message?: string; details?: unknown };
    if (res.status === 401 && opts.token) onUnauthorized?.();
    throw new ApiFailure(
      res.status,
      body.error ?? `http_${res.status}`,
      body.message ?? res.statusText,
      body.details,
    );
  }
  return json as T;
}

/** Follows `nextPageToken` until the last page or `maxItems`; `complete` is false when it stopped early. */
export async function allPages<I>(
  path: string,
  token: string,
  maxItems: number,
): Promise<{ items: I[]; complete: boolean; asOf?: string }> {
  const items: I[] = [];
  let pageToken: string | null = null;
  let asOf: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = pageToken ? `${path}${sep}pageToken=${encodeURIComponent(pageToken)}` : path;
    const page: { items: I[]; nextPageToken: string | null; asOf?: string } = await api(url, { token });
    asOf ??= page.asOf;
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken && items.length < maxItems);
  return { items, complete: pageToken === null, ...(asOf !== undefined && { asOf }) };
}
