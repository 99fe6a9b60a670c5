import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DepartmentCodeSchema, DepartmentInputSchema } from '../../workflows/department-registry';
import { ApiError } from '../errors';
import { requireWorkListAccess } from '../auth/policy';
import { actorOf } from '../auth/principal';
import { ADMINS, ANY_STAFF, WORK_LIST_ROLES } from '../auth/roles';
import { staffOf } from '../auth/route-auth';
import { bearer, errors } from '../schemas/common';
import { petitionListSchema } from '../schemas/petitions';
import type { DepartmentService } from '../services/departments';
import type { SupervisionService } from '../services/supervision';

const actorSchema = z.object({
  role: z.string(),
  id: z.string().optional(),
  department: z.string().optional(),
});

/** A department as the API shows it: the webhook secret is never returned, only whether one is set. */
export const departmentSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    superior: z
      .string()
      .nullable()
      .describe('the superior body, which reviews (Art. 35) this body’s opinions'),
    supervisor: z.object({ name: z.string().optional(), email: z.string() }),
    connector: z.object({
      kind: z.enum(['worker', 'webhook', 'manual']),
      url: z.string().optional(),
      taskQueue: z
        .string()
        .optional()
        .describe('worker connector: the task queue the department’s worker polls'),
      hasSecret: z.boolean().optional().describe('webhook connector: a signing secret is set (never shown)'),
    }),
    receives: z
      .array(z.string())
      .optional()
      .describe('legal procedures whose diverted matters it receives (e.g. litigation: 诉访分离, Art. 31)'),
    revision: z.number().int(),
    updatedAt: z.string(),
    updatedBy: actorSchema,
  })
  .meta({ id: 'Department' });

const codeParams = z.object({ code: DepartmentCodeSchema });
const queueQuery = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  pageToken: z.string().max(2000).optional(),
});

export interface DepartmentRouteOptions {
  departments: DepartmentService;
  /** Visibility reads for the manual connector's queue. */
  supervision: Pick<SupervisionService, 'list'>;
}

/**
 * Departments: the registry of bodies (`GET`, `PUT` by admins) and the manual connector's work list
 * (`/queue`, from visibility). Webhook secrets go in through `PUT` and never come out.
 */
export const departmentRoutes: FastifyPluginAsyncZod<DepartmentRouteOptions> = async (
  app,
  { departments, supervision },
) => {
  app.get(
    '/v1/departments',
    {
      config: { auth: { roles: ANY_STAFF, what: 'read departments' } },
      schema: {
        tags: ['departments'],
        summary: 'List the registered departments (any staff; secrets never shown)',
        security: bearer,
        response: { 200: z.object({ items: z.array(departmentSchema) }), ...errors(401, 403, 429, 503) },
      },
    },
    async () => {
      return { items: await departments.list() };
    },
  );

  app.get(
    '/v1/departments/:code',
    {
      config: { auth: { roles: ANY_STAFF, what: 'read departments' } },
      schema: {
        tags: ['departments'],
        summary: 'Read one department (any staff; secrets never shown)',
        security: bearer,
        params: codeParams,
        response: { 200: departmentSchema, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const found = await departments.get(request.params.code);
      if (!found) throw new ApiError(404, 'not_found', `No department ${request.params.code} is registered.`);
      return found;
    },
  );

  app.put(
    '/v1/departments/:code',
    {
      config: { auth: { roles: ADMINS, what: 'change departments' } },
      schema: {
        tags: ['departments'],
        summary: 'Create or change a department (admin)',
        description:
          'Connector `{ "kind": "worker" }` (the department polls task queue `dept.<code>`), `{ "kind": "webhook", "url", "secret" }` ' +
          '(secret ≥ 32 characters; omit it to keep the current one) or `{ "kind": "manual" }`. `superior` must be registered ' +
          'already; it receives review requests (Art. 35), and its own superior re-review requests (Art. 36). 201 when created, ' +
          '200 when changed; 400 naming the field.',
        security: bearer,
        params: codeParams,
        body: DepartmentInputSchema,
        response: {
          200: departmentSchema,
          201: departmentSchema,
          ...errors(400, 401, 403, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { department, created } = await departments.put(
        request.params.code,
        request.body,
        actorOf(staffOf(request)),
      );
      if (created) void reply.header('location', `/v1/departments/${department.code}`);
      return reply.code(created ? 201 : 200).send(department);
    },
  );

  app.get(
    '/v1/departments/:code/queue',
    {
      config: { auth: { roles: WORK_LIST_ROLES, what: 'read a department’s work list' } },
      schema: {
        tags: ['departments'],
        summary: 'The department’s work list: open petitions it holds (manual connector)',
        description:
          'Open petitions whose PetitionDepartment is this code, from visibility (search attributes): right even when no ' +
          'worker runs, eventually consistent (seconds). A report is never listed to the body it concerns (Art. 30). ' +
          'Staff of that department, supervisors and admins.',
        security: bearer,
        params: codeParams,
        querystring: queueQuery,
        response: { 200: petitionListSchema, ...errors(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      const { code } = request.params;
      requireWorkListAccess(staffOf(request), code);
      return await supervision.list(
        { status: 'open', pageSize: request.query.pageSize, pageToken: request.query.pageToken },
        { department: code },
      );
    },
  );
};
