import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors';
import { departmentCode, StaffRoles } from '../auth/principal';
import { mintToken } from '../auth/secret';
import { errors } from '../schemas/common';
import type { DepartmentService } from '../services/departments';

/** A console sign-in lasts two hours; the console returns to the sign-in page when the token expires. */
export const DEV_TOKEN_TTL_SECONDS = 2 * 3600;

export interface DevTokenRouteOptions {
  /**
   * The embedded default's signing secret (DATA_DIR/jwt-secret) when it is the one the API verifies with and
   * CONSOLE_DEV_SIGN_IN is not `off`; absent otherwise, and then both routes refuse.
   */
  devSignIn?: { secret: string; issuer?: string; audience?: string };
  departments: DepartmentService;
}

const NEEDS_DEPARTMENT = new Set(['department', 'superior']);

const devSignInInfo = z
  .object({
    roles: z.array(z.enum(StaffRoles)),
    needsDepartment: z.array(z.enum(StaffRoles)),
    departments: z.array(z.object({ code: z.string(), name: z.string() })),
    ttlSeconds: z.number().int(),
  })
  .meta({ id: 'DevSignIn' });

const devTokenBody = z
  .strictObject({
    role: z.enum(StaffRoles),
    dept: departmentCode.optional().describe('Required for department and superior.'),
  })
  .meta({ id: 'DevTokenRequest' });

const devTokenResponse = z
  .object({
    token: z.string(),
    expiresAt: z.string(),
    role: z.enum(StaffRoles),
    dept: z.string().optional(),
    sub: z.string(),
  })
  .meta({ id: 'DevToken' });

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/**
 * The console's role picker on the embedded default: `GET /v1/console/dev-sign-in` (roles and departments to pick
 * from) and `POST /v1/console/dev-token` (a short-lived token for the picked role, signed with the embedded secret,
 * what `npm run token` prints). Only while that secret is in use and only for callers on this machine: with
 * JWT_SECRET or JWT_JWKS_URL (a deployment), both answer 403 and the console signs in with OpenID Connect.
 */
export const devTokenRoutes: FastifyPluginAsyncZod<DevTokenRouteOptions> = async (app, opts) => {
  const enabled = (ip: string) => {
    if (!opts.devSignIn) {
      throw new ApiError(
        403,
        'dev_sign_in_disabled',
        'The role picker exists only on the embedded default (tokens signed with the secret in DATA_DIR). This API verifies tokens from JWT_SECRET or an identity provider: sign in through the configured OpenID Connect provider, or mint a token with the secret you configured.',
      );
    }
    if (!isLoopback(ip)) {
      throw new ApiError(
        403,
        'dev_sign_in_local_only',
        'The role picker of the embedded default answers only to this machine (127.0.0.1). Open the console on the machine that runs npm start, or configure JWT_SECRET / OpenID Connect for shared use.',
      );
    }
    return opts.devSignIn;
  };

  app.get(
    '/v1/console/dev-sign-in',
    {
      config: { auth: { anonymous: true, why: 'the embedded default hands out its tokens here' } },
      schema: {
        tags: ['console'],
        summary: 'What the embedded default’s role picker offers (only while its signing secret is in use)',
        response: { 200: devSignInInfo, ...errors(403, 429, 503) },
      },
    },
    async (request) => {
      enabled(request.ip);
      const departments = await opts.departments.list();
      return {
        roles: [...StaffRoles],
        needsDepartment: StaffRoles.filter((r) => NEEDS_DEPARTMENT.has(r)),
        departments: departments.map((d) => ({ code: d.code, name: d.name })),
        ttlSeconds: DEV_TOKEN_TTL_SECONDS,
      };
    },
  );

  app.post(
    '/v1/console/dev-token',
    {
      config: { auth: { anonymous: true, why: 'the embedded default hands out its tokens here' } },
      schema: {
        tags: ['console'],
        summary: 'Mint a short-lived token for a role (embedded default only; 403 in a deployment)',
        description:
          'Signs a token with the embedded secret in DATA_DIR, as `npm run token` does, valid for two hours. Department ' +
          'and superior need `dept`, a registered department. Refused (403) when the API verifies tokens from ' +
          'JWT_SECRET or JWT_JWKS_URL, when CONSOLE_DEV_SIGN_IN=off, and for callers that are not on this machine.',
        body: devTokenBody,
        response: { 200: devTokenResponse, ...errors(400, 403, 422, 429, 503) },
      },
    },
    async (request) => {
      const signing = enabled(request.ip);
      const { role, dept } = request.body;
      if (NEEDS_DEPARTMENT.has(role) && dept === undefined) {
        throw new ApiError(
          400,
          'validation_failed',
          `The request is not valid: body.dept: a ${role} acts for a department; pick one.`,
          [{ in: 'body', field: 'body.dept', message: `required for ${role}` }],
        );
      }
      if (dept !== undefined && !(await opts.departments.get(dept))) {
        throw new ApiError(
          422,
          'unknown_department',
          `No department ${dept} is registered; pick one of GET /v1/console/dev-sign-in.`,
          {
            field: 'dept',
          },
        );
      }
      const sub = `console-${role}${dept !== undefined && NEEDS_DEPARTMENT.has(role) ? `-${dept}` : ''}`;
      const now = Math.floor(Date.now() / 1000);
      const token = mintToken(signing.secret, {
        role,
        sub,
        ...(dept !== undefined && NEEDS_DEPARTMENT.has(role) && { dept }),
        ttlSeconds: DEV_TOKEN_TTL_SECONDS,
        now,
        ...(signing.issuer !== undefined && { issuer: signing.issuer }),
        ...(signing.audience !== undefined && { audience: signing.audience }),
      });
      request.log.info({ audit: 'dev-sign-in', role, dept, sub }, 'console dev sign-in');
      return {
        token,
        expiresAt: new Date((now + DEV_TOKEN_TTL_SECONDS) * 1000).toISOString(),
        role,
        ...(dept !== undefined && NEEDS_DEPARTMENT.has(role) && { dept }),
        sub,
      };
    },
  );
};
