import type { FastifyInstance } from 'fastify';

/** One served path pattern (`/v1/petitions/:id`) as a matcher, and the methods it is served with. */
interface Served {
  pattern: RegExp;
  methods: Set<string>;
}

function matcherOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((part) =>
      part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * Remembers every route as it is registered, so that a request whose path is served with other methods can be
 * answered 405 with an `Allow` header (RFC 9110 §15.5.6) instead of 404. Call before any route is registered.
 */
export function trackRoutes(app: FastifyInstance): { allowedMethods(path: string): string[] } {
  const served = new Map<string, Served>();
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    // A catch-all (CORS preflight's `OPTIONS *`) says nothing about which paths exist.
    if (url === '*' || url === '/*') return;
    let entry = served.get(url);
    if (!entry) served.set(url, (entry = { pattern: matcherOf(url), methods: new Set() }));
    for (const method of [route.method].flat()) entry.methods.add(String(method).toUpperCase());
  });
  return {
    allowedMethods(path) {
      const methods = new Set<string>();
      for (const { pattern, methods: m } of served.values()) {
        if (pattern.test(path)) for (const method of m) methods.add(method);
      }
      return [...methods].sort();
    },
  };
}
