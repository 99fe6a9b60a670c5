/**
 * A small JSON client over node:http with keep-alive (cheaper per request than fetch on Node 20, so the load
 * generator takes less of the CPU it shares with what it measures). Loopback only.
 */
import http from 'node:http';

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: http.IncomingHttpHeaders;
}

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    const b = body as { error?: string; message?: string } | undefined;
    super(
      `${what}: HTTP ${status}${b?.error ? ` ${b.error}` : ''}${b?.message ? `: ${b.message.slice(0, 160)}` : ''}`,
    );
  }
}

export function createHttpClient(baseUrl: string, opts: { timeoutMs?: number; maxSockets?: number } = {}) {
  const url = new URL(baseUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    throw new Error(`the bench only sends traffic to loopback, not ${url.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 256 });
  const timeoutMs = opts.timeoutMs ?? 30_000;

  function request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonResponse<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          agent,
          headers: {
            accept: 'application/json',
            ...(payload && { 'content-type': 'application/json', 'content-length': String(payload.length) }),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () =>
        req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs / 1000} s`)),
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  return {
    request,
    /** Like `request`, but a status other than `expected` throws {@link HttpError}. */
    async expect<T>(
      expected: number,
      method: string,
      path: string,
      body?: unknown,
      headers?: Record<string, string>,
    ): Promise<T> {
      const res = await request<T>(method, path, body, headers);
      if (res.status !== expected)
        throw new HttpError(res.status, res.body, `${method} ${path.replace(/XF\w+/g, ':id')}`);
      return res.body;
    },
    close(): void {
      agent.destroy();
    },
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;
