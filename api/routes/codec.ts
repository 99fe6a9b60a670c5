/**
 * The codec server of the Temporal Web UI (Temporal's remote codec protocol): `POST /codec/decode` and
 * `POST /codec/encode` take `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }` and answer the same shape,
 * run through the product's payload codec. Only supervisors and admins may use it (they may read every petition
 * anyway, api/auth/policy.ts); every other caller sees ciphertext in the UI.
 *
 * How the UI authenticates: the Web UI calls this endpoint from the browser, cross-origin. It can pass its own
 * access token (`passAccessToken`, https only, and only when the UI itself signs users in with OIDC), or include the
 * browser's cookies for this origin (`includeCredentials`). The embedded dev server's UI has no sign-in of its own, so
 * staff sign in here (`GET /codec/` → `POST /codec/session` with their bearer token): an HttpOnly, SameSite=Strict
 * cookie holding the token is set for `/codec`, and the UI sends it once "Include cross-origin credentials" is on in
 * its Codec Server settings (cookies belong to a host, not a port, so the UI on 127.0.0.1:8233 and this API on
 * 127.0.0.1:3000 are the same site). CORS answers only the configured UI origins (TEMPORAL_UI_ORIGINS).
 */
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PayloadDecryptionError } from '../../config/payload-codec';
import { payloadFromJson, payloadToJson } from '../../config/payload-json';
import { ApiError } from '../errors';
import { authenticate, registerJwt, requireRole, type AuthOptions } from '../auth/plugin';
import type { Principal, StaffRole } from '../auth/principal';
import { errors } from '../schemas/common';

/** The cookie that carries a signed-in staff member's bearer token to the codec endpoints. */
export const CODEC_COOKIE = 'petition_codec_token';
/** Roles that may decode and encode payloads (they see every petition with the identity unmasked). */
export const CODEC_ROLES: readonly StaffRole[] = ['supervisor', 'admin'];
/** A sign-in lasts as long as the token, at most this long. */
const MAX_SESSION_SECONDS = 12 * 3600;
/** At most this many payloads per request (the UI sends the payloads of one event or field at a time). */
const MAX_PAYLOADS = 10_000;

export interface CodecRouteOptions {
  codec: PayloadCodec;
  /** The namespace whose payloads this server decodes (the `X-Namespace` the UI sends must match). */
  namespace: string;
  /** Web UI origins allowed by CORS (config `codec.allowedOrigins`). */
  allowedOrigins: readonly string[];
  auth: AuthOptions;
  now: () => Date;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const jsonPayload = z
  .object({
    metadata: z.record(z.string().max(256), base64).nullish(),
    data: base64.nullish(),
  })
  .meta({
    id: 'CodecPayload',
    description: 'A Temporal payload in proto JSON form (metadata and data base64).',
  });
const payloadsBody = z
  .object({ payloads: z.array(jsonPayload).max(MAX_PAYLOADS) })
  .meta({ id: 'CodecPayloads' });
const codecHeaders = z.object({
  'x-namespace': z
    .string()
    .max(255)
    .optional()
    .describe('The namespace the payloads belong to (the Web UI sends it); must be the API’s namespace.'),
});
const sessionBody = z
  .object({ token: z.string().min(1).max(8192).optional() })
  .nullish()
  .describe('The bearer token, when not sent as `Authorization: Bearer …`.');
const sessionResponse = z.object({
  sub: z.string(),
  role: z.string(),
  expiresAt: z.string().describe('When the cookie expires (the token’s expiry, at most 12 hours).'),
  endpoint: z.string().describe('The codec endpoint to give the Web UI.'),
});

function tokenExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `https://host:port` of the request as the browser addressed it. */
function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** Routes under `/codec` (registered with that prefix by app.ts). */
export const codecRoutes: FastifyPluginAsyncZod<CodecRouteOptions> = async (app, opts) => {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(cookie);
  await app.register(cors, {
    origin: [...opts.allowedOrigins],
    credentials: true,
    methods: ['POST'],
    allowedHeaders: ['Content-Type', 'X-Namespace', 'Authorization', 'Authorization-Extras'],
    maxAge: 600,
  });
  await registerJwt(app, opts.auth);
  // The sign-in page posts an HTML form.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  // A browser request from an origin that is neither a configured UI nor this API is refused before anything else:
  // CORS alone would only hide the answer, not stop a same-site page from using the cookie.
  app.addHook('onRequest', async (request) => {
    const origin = request.headers.origin;
    if (origin === undefined || request.method === 'OPTIONS') return;
    if (origin === ownOrigin(request) || opts.allowedOrigins.includes(origin)) return;
    throw new ApiError(
      403,
      'origin_not_allowed',
      `The codec server answers only the configured Temporal Web UI origins (TEMPORAL_UI_ORIGINS); ${origin.slice(0, 200)} is not one.`,
    );
  });

  const unauthorized = (reply: FastifyReply, request: FastifyRequest) => {
    void reply.header('www-authenticate', 'Bearer');
    return new ApiError(
      401,
      'unauthorized',
      `The codec server needs a supervisor or admin token: sign in at ${ownOrigin(request)}/codec/ (a cookie the Web UI ` +
        'sends with "Include cross-origin credentials" on), or send "Authorization: Bearer <token>".',
    );
  };

  /** The caller, from `Authorization: Bearer` or the sign-in cookie; 401 without either, 403 below supervisor. */
  async function codecUser(request: FastifyRequest, reply: FastifyReply, token?: string): Promise<Principal> {
    const carried = token ?? request.cookies[CODEC_COOKIE];
    if (!request.headers.authorization) {
      if (!carried) throw unauthorized(reply, request);
      // The cookie (or form field) carries the same bearer token the API verifies everywhere.
      request.headers.authorization = `Bearer ${carried}`;
    }
    const principal = await authenticate(request, reply);
    requireRole(principal, CODEC_ROLES, 'read or write payloads through the codec server');
    return principal;
  }

  function checkNamespace(namespace: string | undefined): void {
    if (namespace !== undefined && namespace !== opts.namespace) {
      throw new ApiError(
        403,
        'namespace_not_served',
        `This codec server holds the keys of namespace "${opts.namespace}" only; the request names "${namespace.slice(0, 255)}".`,
      );
    }
  }

  async function convert(
    kind: 'decode' | 'encode',
    payloads: z.infer<typeof jsonPayload>[],
  ): Promise<{ payloads: ReturnType<typeof payloadToJson>[] }> {
    let input;
    try {
      input = payloads.map(payloadFromJson);
    } catch (err) {
      throw new ApiError(400, 'validation_failed', `A payload is not valid: ${(err as Error).message}.`);
    }
    try {
      const out = kind === 'decode' ? await opts.codec.decode(input) : await opts.codec.encode(input);
      return { payloads: out.map(payloadToJson) };
    } catch (err) {
      if (err instanceof PayloadDecryptionError) {
        throw new ApiError(
          422,
          'payload_undecryptable',
          err.message,
          err.keyId ? { keyId: err.keyId } : undefined,
        );
      }
      // Past the GCM tag only a bug could fail (the bytes are authentic): still a clear answer, never a 500.
      if (kind === 'decode') {
        throw new ApiError(
          422,
          'payload_undecryptable',
          'A payload could not be decoded: its bytes are damaged.',
        );
      }
      throw err;
    }
  }

  const callers = new WeakMap<FastifyRequest, Principal>();
  for (const kind of ['decode', 'encode'] as const) {
    app.post(
      `/${kind}`,
      {
        schema: {
          tags: ['codec'],
          summary:
            kind === 'decode'
              ? 'Decrypt payloads for the Temporal Web UI (remote codec protocol)'
              : 'Encrypt payloads for the Temporal Web UI (remote codec protocol)',
          description:
            'Supervisors and admins only, with `Authorization: Bearer` or the cookie set by `POST /codec/session`. ' +
            'Payloads the codec did not write pass through decode unchanged. Every use is logged (who, how many).',
          security: [{ bearerAuth: [] }, { codecCookie: [] }],
          headers: codecHeaders,
          body: payloadsBody,
          response: { 200: payloadsBody, ...errors(400, 401, 403, 413, 415, 422) },
        },
        // Who may call is settled before the body is looked at: a caller without the role learns nothing of the schema.
        preValidation: async (request, reply) => {
          callers.set(request, await codecUser(request, reply));
          checkNamespace(request.headers['x-namespace'] as string | undefined);
        },
      },
      async (request) => {
        const principal = callers.get(request)!;
        const result = await convert(kind, request.body.payloads);
        request.log.info(
          {
            audit: `codec-${kind}`,
            actor: principal.kind === 'staff' ? { sub: principal.sub, role: principal.role } : undefined,
            namespace: opts.namespace,
            payloads: request.body.payloads.length,
          },
          `payloads ${kind}d through the codec server`,
        );
        return result;
      },
    );
  }

  app.post(
    '/session',
    {
      schema: {
        tags: ['codec'],
        summary: 'Sign in to the codec server (sets the cookie the Web UI sends)',
        description:
          'Verifies the bearer token (header, or `token` in a JSON or form body) and sets an HttpOnly, SameSite=Strict ' +
          'cookie for `/codec` holding it, valid until the token expires (at most 12 hours). Supervisors and admins only. ' +
          'A form post from the sign-in page is answered with a redirect to it.',
        security: [{ bearerAuth: [] }],
        body: sessionBody,
        response: {
          200: sessionResponse,
          303: z.null().describe('Form posts: back to the sign-in page.'),
          ...errors(400, 401, 403, 415),
        },
      },
    },
    async (request, reply) => {
      const fromForm =
        request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ?? false;
      const token =
        request.body?.token?.trim() ||
        /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ||
        undefined;
      if (!token) {
        if (fromForm) return signInPage(reply, request, 'Paste a bearer token first.', 400);
        throw unauthorized(reply, request);
      }
      if (request.body?.token) request.headers.authorization = `Bearer ${token}`;
      let principal: Principal;
      try {
        principal = await codecUser(request, reply, token);
      } catch (err) {
        if (fromForm && err instanceof ApiError)
          return signInPage(reply, request, err.message, err.statusCode);
        throw err;
      }
      const nowSeconds = Math.floor(opts.now().getTime() / 1000);
      const maxAge = Math.max(
        0,
        Math.min((tokenExpiry(token) ?? nowSeconds) - nowSeconds, MAX_SESSION_SECONDS),
      );
      void reply.setCookie(CODEC_COOKIE, token, {
        path: '/codec',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        maxAge,
      });
      request.log.info(
        {
          audit: 'codec-sign-in',
          actor: principal.kind === 'staff' ? { sub: principal.sub, role: principal.role } : undefined,
        },
        'signed in to the codec server',
      );
      if (fromForm) return reply.redirect('/codec/', 303);
      return {
        sub: principal.kind === 'staff' ? principal.sub : '',
        role: principal.kind === 'staff' ? principal.role : 'petitioner',
        expiresAt: new Date((nowSeconds + maxAge) * 1000).toISOString(),
        endpoint: `${ownOrigin(request)}/codec`,
      };
    },
  );

  app.post(
    '/session/end',
    {
      schema: {
        tags: ['codec'],
        summary: 'Sign out of the codec server (clears the cookie)',
        response: {
          204: z.null().describe('Signed out.'),
          303: z.null().describe('Form posts: back to the sign-in page.'),
        },
      },
    },
    async (request, reply) => {
      void reply.clearCookie(CODEC_COOKIE, { path: '/codec' });
      const fromForm =
        request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ?? false;
      if (fromForm) return reply.redirect('/codec/', 303);
      return reply.code(204).send(null);
    },
  );

  app.get('/', { schema: { hide: true } }, async (request, reply) => signInPage(reply, request));

  /** The sign-in page: who is signed in, a form for a token, and how to point the Web UI here. */
  async function signInPage(reply: FastifyReply, request: FastifyRequest, problem?: string, status = 200) {
    let signedIn = '';
    const carried = request.cookies[CODEC_COOKIE];
    if (carried && !problem) {
      try {
        request.headers.authorization = `Bearer ${carried}`;
        const p = await authenticate(request, reply);
        reply.removeHeader('www-authenticate');
        if (p.kind === 'staff') {
          const exp = tokenExpiry(carried);
          signedIn = `Signed in as <b>${escapeHtml(p.sub)}</b> (${escapeHtml(p.role)})${exp ? ` until ${new Date(exp * 1000).toISOString()}` : ''}.`;
        }
      } catch {
        reply.removeHeader('www-authenticate');
        signedIn = 'The saved sign-in has expired; sign in again.';
      }
    }
    const endpoint = `${ownOrigin(request)}/codec`;
    const ui =
      opts.allowedOrigins.find((o) => new URL(o).hostname === request.hostname) ?? opts.allowedOrigins[0];
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Codec server: sign in</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}textarea{width:100%;height:6rem}code{background:#eee;padding:0 .2rem}.problem{color:#a00}</style></head>
<body>
<h1>Codec server of the petition engine</h1>
<p>Payloads in Temporal (petitions, actions, results) are encrypted. Supervisors and admins can read them in the
Temporal Web UI through this codec server; nobody else sees anything but ciphertext.</p>
${problem ? `<p class="problem">${escapeHtml(problem)}</p>` : ''}
${signedIn ? `<p>${signedIn}</p><form method="post" action="/codec/session/end"><button>Sign out</button></form>` : ''}
<h2>1. Sign in</h2>
<form method="post" action="/codec/session">
<label for="token">Bearer token of a supervisor or admin (embedded default: <code>npm run -s token -- supervisor</code>)</label>
<textarea id="token" name="token" autocomplete="off" spellcheck="false"></textarea>
<p><button>Sign in</button></p>
</form>
<h2>2. Once per browser: point the Web UI here</h2>
<ol>
<li>Open the Web UI${ui ? ` at <a href="${escapeHtml(ui)}">${escapeHtml(ui)}</a>` : ''} (the same host name as this page: cookies belong to a host).</li>
<li>Open its <b>Codec Server</b> settings (the codec icon in the top bar).</li>
<li>Choose <b>Use my browser setting</b>, enter <code>${escapeHtml(endpoint)}</code>, turn on
<b>Include cross-origin credentials</b>, and apply.</li>
</ol>
<p>The sign-in is a cookie for <code>/codec</code> on this host, HttpOnly, valid until the token expires (at most 12 hours).</p>
</body></html>
`;
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  }
};
