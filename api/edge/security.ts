import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of the API's own answers: JSON, which loads nothing and is framed by nobody. A browser
 * that renders an answer as a page (a mislabelled error, a user opening a link) runs nothing from it.
 */
const API_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
};

/**
 * The policy of Swagger UI at `/docs` (its own scripts, styles and images, the document from `/docs/json`; inline
 * style attributes, which the UI sets; nothing from elsewhere, never framed). No `upgrade-insecure-requests`: the
 * embedded default serves plain HTTP on 127.0.0.1, where upgraded requests would fail.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

/**
 * The policy of the HTML pages the API serves besides Swagger UI: the web console (`/console/`, a built single-page
 * app: its own scripts, inline styles its components set, images, calls to the API) and the codec server's sign-in
 * page (`/codec/`, an inline style and forms posting to itself). `oidcOrigin`: the console's OpenID Connect provider,
 * which the console calls (discovery, tokens) and frames (silent renewal).
 */
export function pageCsp(oidcOrigin?: string): string {
  const provider = oidcOrigin ? ` ${oidcOrigin}` : '';
  return [
    "default-src 'self'",
    "base-uri 'self'",
    `connect-src 'self'${provider}`,
    "font-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    `frame-src 'self'${provider}`,
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
  ].join('; ');
}

/**
 * Security headers on every answer (`@fastify/helmet`): `X-Content-Type-Options: nosniff`, `X-Frame-Options`,
 * `Strict-Transport-Security` (browsers honour it over HTTPS only), `Referrer-Policy: no-referrer`,
 * Cross-Origin-*-Policy, and the strict CSP above. Swagger UI replaces it with {@link DOCS_CSP} on its routes; any
 * other HTML answer (the console, the codec server's page) gets {@link pageCsp}, so that pages work and JSON stays
 * under the strict one.
 */
export function registerSecurityHeaders(app: FastifyInstance, opts: { oidcIssuer?: string } = {}): void {
  void app.register(helmet, { contentSecurityPolicy: API_CSP });
  const pagePolicy = pageCsp(opts.oidcIssuer ? new URL(opts.oidcIssuer).origin : undefined);
  app.addHook('onSend', async (request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html') && !request.url.startsWith('/docs')) {
      void reply.header('content-security-policy', pagePolicy);
    }
    return payload;
  });
}
