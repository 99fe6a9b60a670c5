/**
 * Authentication and role checks, declared per route and run once for all of them before the request is validated:
 * a caller without a token gets 401 and a caller whose role may not use the route 403, never a 400 that describes
 * the route's schema. Every route under the plugin that registers this must declare `config.auth`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors';
import { petitionIdParam } from '../schemas/petitions';
import { accessCodeMatches } from './access-code';
import { authenticate, requireRole } from './plugin';
import { petitionNotFound, type PetitionRecord } from './policy';
import type { Principal, StaffRole } from './principal';

/** Who may call a route: staff roles (and maybe the petitioner), or anyone (`anonymous`, see below). */
export type RouteAuth = StaffRouteAuth | AnonymousRouteAuth;

/**
 * A route that takes no token, declared as such (not forgotten): the embedded default's console sign-in, which is
 * how a token is obtained there. Its handler does its own checks.
 */
export interface AnonymousRouteAuth {
  anonymous: true;
  /** Why the route needs no token (documentation for the reader of the route table). */
  why: string;
}

export interface StaffRouteAuth {
  anonymous?: undefined;
  /** Staff roles that may call it with a bearer token (see api/auth/roles.ts). */
  roles: readonly StaffRole[];
  /** What those roles do there, for the 403 message: `Role "designer" may not <what>`. */
  what: string;
  /**
   * The petitioner may call it with `X-Access-Code` instead of a token (routes with the petition `:id` in the path):
   * the actions (`:action`) a petitioner may take there, or `true` where there is no action.
   */
  petitioner?: true | readonly string[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route, checked before validation (api/auth/route-auth.ts). */
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    /** The authenticated caller; set before validation on every route that declares `config.auth`. */
    principal: Principal | null;
    /** A petitioner's petition, read to check the access code (so the handler need not read it again). */
    petitionRecord: PetitionRecord | null;
  }
}

export interface RouteAuthOptions {
  /** The petition's record (memo with the access code's hash), or undefined when there is no such petition. */
  petitionRecord: (id: string) => Promise<PetitionRecord | undefined>;
}

type Staff = Extract<Principal, { kind: 'staff' }>;

/** The petitioner behind an access code for the petition in the path; 404 when the code does not open it. */
async function petitioner(
  request: FastifyRequest,
  code: string,
  allowed: true | readonly string[],
  opts: RouteAuthOptions,
): Promise<void> {
  const params = request.params as { id?: unknown; action?: unknown };
  // A malformed id opens nothing: validation answers for it (400 about the path, never about a petition).
  const id = petitionIdParam.shape.id.safeParse(params.id);
  if (!id.success) return;
  const record = await opts.petitionRecord(id.data);
  // A wrong code answers exactly like an unknown id: the answer never tells which petition ids exist.
  if (!record || !accessCodeMatches(code, record.memo['accessCodeHash'])) throw petitionNotFound(id.data);
  if (allowed !== true && !allowed.includes(String(params.action))) {
    throw new ApiError(
      403,
      'forbidden',
      `With an access code a petitioner may only: ${allowed.join(', ')}.`,
      {
        action: params.action,
        allowed,
      },
    );
  }
  request.principal = { kind: 'petitioner', petitionId: id.data };
  request.petitionRecord = record;
}

/**
 * Checks `config.auth` of every route registered after it in this scope, in `preValidation` (after the body is
 * parsed, before it is validated). Registering a route without `config.auth` throws at start-up.
 */
export function registerRouteAuth(app: FastifyInstance, opts: RouteAuthOptions): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('petitionRecord', null);
  app.addHook('onRoute', (route) => {
    if (!route.config?.auth) {
      throw new Error(
        `${String(route.method)} ${route.url} declares no config.auth (see api/auth/route-auth.ts)`,
      );
    }
  });
  app.addHook('preValidation', async (request, reply) => {
    const auth = request.routeOptions.config.auth;
    if (!auth || auth.anonymous) return;
    const code = request.headers['x-access-code'];
    if (auth.petitioner && !request.headers.authorization && typeof code === 'string' && code !== '') {
      await petitioner(request, code, auth.petitioner, opts);
      return;
    }
    const principal = await authenticate(request, reply);
    requireRole(principal, auth.roles, auth.what);
    request.principal = principal;
  });
}

/** The caller of a route that declares `config.auth` (a staff member, or a petitioner where the route allows it). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new Error(`${request.method} ${request.url}: no principal (config.auth missing?)`);
  return request.principal;
}

/** The staff caller of a route that admits no petitioner. */
export function staffOf(request: FastifyRequest): Staff {
  const principal = principalOf(request);
  if (principal.kind !== 'staff')
    throw new Error(`${request.method} ${request.url}: a petitioner got through`);
  return principal;
}
