import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';
import { ApiError } from '../errors';

export interface RateLimitOptions {
  /** Requests per window per verified caller. */
  max: number;
  /** Requests per window per client address, counted before anything is verified. */
  addressMax: number;
  windowMs: number;
}

/** The bucket of a verified caller: the token's subject, or the petition a valid access code opened. */
function callerKey(principal: Principal): string {
  return principal.kind === 'staff' ? `subject:${principal.sub}` : `petition:${principal.petitionId}`;
}

type Decision = Awaited<ReturnType<ReturnType<FastifyInstance['createRateLimit']>>>;

function refuseWhenExceeded(decision: Decision, reply: FastifyReply, scope: 'address' | 'caller'): void {
  if (decision.isAllowed || !decision.isExceeded) return;
  const window = Math.round(decision.timeWindow / 1000);
  void reply
    .header('retry-after', decision.ttlInSeconds)
    .header('x-ratelimit-limit', decision.max)
    .header('x-ratelimit-remaining', 0)
    .header('x-ratelimit-reset', decision.ttlInSeconds);
  throw new ApiError(
    429,
    'rate_limited',
    `Too many requests ${scope === 'address' ? 'from this client address' : 'by this caller'}: at most ${decision.max} per ${window} s. Retry after ${decision.ttlInSeconds} s.`,
    { scope, max: decision.max, windowSeconds: window, retryAfter: decision.ttlInSeconds },
  );
}

/**
 * Two limits over the same window (`@fastify/rate-limit`'s counters): every request counts against its client
 * address as it arrives, before any token is verified, so garbage tokens, however spelt, are limited by address;
 * once the caller is verified (route-auth's preValidation) it counts against the caller itself, whatever the
 * `Authorization` header looks like. Returns the caller limit's hook: add it after authentication.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  opts: RateLimitOptions,
): Promise<(request: FastifyRequest, reply: FastifyReply) => Promise<void>> {
  await app.register(rateLimit, { global: false, timeWindow: opts.windowMs });
  const byAddress = app.createRateLimit({
    max: opts.addressMax,
    timeWindow: opts.windowMs,
    keyGenerator: (request) => `address:${request.ip}`,
  });
  const byCaller = app.createRateLimit({
    max: opts.max,
    timeWindow: opts.windowMs,
    keyGenerator: (request) => callerKey(request.principal!),
  });
  app.addHook('onRequest', async (request, reply) => {
    refuseWhenExceeded(await byAddress(request), reply, 'address');
  });
  return async (request, reply) => {
    if (request.principal) refuseWhenExceeded(await byCaller(request), reply, 'caller');
  };
}
