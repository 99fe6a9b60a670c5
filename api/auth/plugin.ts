import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import buildGetJwks from 'get-jwks';
import { ApiError } from '../errors';
import { tokenClaimsSchema, type Principal, type StaffRole } from './principal';

/**
 * How tokens are verified: HS256 with a shared secret (the embedded default, or JWT_SECRET), or asymmetric
 * signatures against the keys of a JWKS document (JWT_JWKS_URL, production). Issuer and audience are checked when set.
 */
export interface AuthOptions {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

/** The asymmetric algorithms accepted with a JWKS (never `none`, never HMAC with a public key). */
const JWKS_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** Registers @fastify/jwt in the calling scope with the configured verifier. */
export async function registerJwt(app: FastifyInstance, opts: AuthOptions): Promise<void> {
  const verify = {
    ...(opts.issuer !== undefined && { allowedIss: opts.issuer }),
    ...(opts.audience !== undefined && { allowedAud: opts.audience }),
  };
  if (opts.jwksUrl) {
    // The JWKS location is configuration, never taken from a token (no URL fetching driven by callers).
    const url = new URL(opts.jwksUrl);
    const getJwks = buildGetJwks({ jwksPath: `${url.pathname}${url.search}`, ttl: 10 * 60_000 });
    await app.register(fastifyJwt, {
      secret: async (_request: FastifyRequest, token: unknown) => {
        const header = (token as { header?: { kid?: string; alg?: string } }).header ?? {};
        return await getJwks.getPublicKey({ domain: url.origin, kid: header.kid, alg: header.alg });
      },
      decode: { complete: true },
      verify: { ...verify, algorithms: JWKS_ALGORITHMS as never },
    });
    return;
  }
  if (!opts.secret) throw new Error('registerJwt needs a secret or a JWKS URL');
  await app.register(fastifyJwt, {
    secret: opts.secret,
    verify: { ...verify, algorithms: ['HS256'] as never },
  });
}

function unauthorized(reply: FastifyReply, message: string): ApiError {
  void reply.header('www-authenticate', 'Bearer');
  return new ApiError(401, 'unauthorized', message);
}

/** Verifies the bearer token and reads its claims; 401 when it is missing, invalid, expired or lacks a claim. */
export async function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Extract<Principal, { kind: 'staff' }>> {
  if (!request.headers.authorization) {
    throw unauthorized(
      reply,
      'This endpoint needs a bearer token: send "Authorization: Bearer <token>" (for the embedded default: npm run -s token -- ROLE).',
    );
  }
  let payload: unknown;
  try {
    payload = await request.jwtVerify();
  } catch (err) {
    throw unauthorized(reply, `The bearer token was not accepted: ${(err as Error).message}.`);
  }
  const claims = tokenClaimsSchema.safeParse(payload);
  if (!claims.success) {
    throw unauthorized(
      reply,
      `The bearer token lacks a claim the API needs: ${claims.error.issues.map((i) => `${i.path.join('.') || 'token'}: ${i.message}`).join('; ')}.`,
    );
  }
  const { sub, role, dept, approver } = claims.data;
  return {
    kind: 'staff',
    sub,
    role,
    ...(dept !== undefined && { dept }),
    ...(approver === true && { approver }),
  };
}

/** 403 unless the caller holds one of the roles. */
export function requireRole(principal: Principal, roles: readonly StaffRole[], what: string): void {
  const role = principal.kind === 'petitioner' ? 'petitioner' : principal.role;
  if (!(roles as readonly string[]).includes(role)) {
    throw new ApiError(
      403,
      'forbidden',
      `Role "${role}" may not ${what}; it is reserved for: ${roles.join(', ')}.`,
      { role, roles },
    );
  }
}
