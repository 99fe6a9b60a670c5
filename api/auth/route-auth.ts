/**
 * Authentication and role checks, declared per route and run once for all of them before the request is validated:
 * a caller without a token gets 401 and a caller whose role may not use the route 403, never a 400 that describes
 * the route's schema. Every route under the plugin that registers this must declare `config.auth`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors';
import { petitionIdParam } from '../schemas/petitions';
import { accessCodeHashMatches } from '../../workflows/engine';
import { hashAccessCode } from './access-code';
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
    /**
     * A petitioner's petition, read to check the access code (so the handler need not read it again); null when the
     * code was not checked here (an action: the petition's validator checks it).
     */
    petitionRecord: PetitionRecord | null;
  }
}

export interface RouteAuthOptions {
  /** The petition's record (memo with the access code's hash), or undefined when there is no such petition. */
  petitionRecord: (id: string) => Promise<PetitionRecord | undefined>;
}

type Staff = Extract<Principal, { kind: 'staff' }>;

/**
 * The petitioner behind an access code for the petition in the path. On a route with actions, an action the
 * petitioner may take goes to the petition unchecked (its Update validator compares the code, and refuses a wrong one
 * exactly like an unknown id: one round trip); elsewhere, and for any other action, the code is checked here against
 * the petition's record: 404 when it does not open it, then 403 for an action a petitioner may not take.
 */
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
  const principal = {
    kind: 'petitioner',
    petitionId: id.data,
    accessCodeHash: hashAccessCode(code),
  } as const;
  if (allowed !== true && allowed.includes(String(params.action))) {
    request.principal = principal;
    return;
  }
  await checkAccessCode(request, principal, opts.petitionRecord);
  if (allowed !== true) {
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
  request.principal = principal;
}

/**
 * Checks an access code against the petition's record (memo), if that was not done yet: 404 when the code does not
 * open it, exactly as for an unknown id, so the answer never tells which petition ids exist. Keeps the record.
 */
export async function checkAccessCode(
  request: FastifyRequest,
  principal: Extract<Principal, { kind: 'petitioner' }>,
  petitionRecord: RouteAuthOptions['petitionRecord'],
): Promise<void> {
  if (request.petitionRecord) return;
  const record = await petitionRecord(principal.petitionId);
  if (!record || !accessCodeHashMatches(principal.accessCodeHash, record.memo['accessCodeHash']))
    throw petitionNotFound(principal.petitionId);
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
