import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PetitionView } from '../../workflows/engine/view';
import { ApiError } from '../app';
import { accessCodeMatches } from '../auth/access-code';
import { authenticate, requireRole } from '../auth/plugin';
import { maySee, projectPetition, superiorMaySee, type PetitionRecord } from '../auth/policy';
import { actorOf, type Principal, type StaffRole } from '../auth/principal';
import { bearer, bearerOrAccessCode, errors, idempotencyHeaders } from '../schemas/common';
import {
  accessCodeHeaders,
  actionBody,
  actionParams,
  listQuery,
  petitionDetailSchema,
  petitionIdParam,
  petitionListSchema,
  registeredSchema,
  registerPetitionBody,
  replayedSchema,
} from '../schemas/petitions';
import { requestHash, type PetitionService } from '../services/petitions';
import type { SupervisionService } from '../services/supervision';

/** Staff roles that read and act on petitions (object-level rules in api/auth/policy.ts narrow it further). */
const PETITION_ROLES: readonly StaffRole[] = ['registrar', 'department', 'superior', 'supervisor', 'admin'];
/** Roles that list petitions; department staff see their own body's only. */
export const LIST_ROLES: readonly StaffRole[] = ['registrar', 'department', 'supervisor', 'admin'];
/** What a petitioner may do with the access code (Art. 21, 35, 36 and withdrawal). */
const PETITIONER_ACTIONS = new Set(['evaluate', 'request-review', 'request-re-review', 'withdraw']);

export interface PetitionRouteOptions {
  petitions: PetitionService;
  supervision: SupervisionService;
}

const notFound = (id: string) =>
  new ApiError(
    404,
    'not_found',
    `No petition ${id} that you may see (check the id, and the access code if you are the petitioner).`,
  );

const actionsDoc = [
  "The action's fields as a JSON object; the workflow checks them against the definition the petition follows and",
  'refuses unknown or missing fields (400, naming the field). The statutory definition (petition-2022):',
  '`forward {department, mode?}`, `accept {route?}`, `decline {reason}`, `object {reason}`, `divert {channel, body?, reason?}`,',
  '`opinion {outcome: support|explain|reject, text}`, `extend {days ≤ 30, reason}`, `mediate {kind, text}`, `reply {servedAt?}`,',
  '`request-review {reason, receivedAt?}`, `review-opinion {outcome, text, servedAt?}`, `request-re-review {reason, receivedAt?}`,',
  '`hearing-start {}`, `hearing-end {}`, `re-review-opinion {outcome, text, servedAt?}`, `withdraw {reason?}`,',
  '`supervise {reason, answerDays}` (supervisor, 督办, Art. 40), `evaluate {rating: satisfied|basically-satisfied|unsatisfied, comment?}`.',
  'A petitioner may send evaluate, request-review, request-re-review and withdraw with the X-Access-Code header instead of a token.',
].join(' ');

export const petitionRoutes: FastifyPluginAsyncZod<PetitionRouteOptions> = async (
  app,
  { petitions, supervision },
) => {
  /** Who calls about petition `id`, and its record: a petitioner by access code, or staff by token. */
  async function callerFor(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
  ): Promise<{ principal: Principal; record: PetitionRecord }> {
    const code = request.headers['x-access-code'];
    if (!request.headers.authorization && typeof code === 'string' && code !== '') {
      const record = await petitions.record(id);
      // A wrong code answers exactly like an unknown id: the answer never tells which petition ids exist.
      if (!record || !accessCodeMatches(code, record.memo['accessCodeHash'])) throw notFound(id);
      return { principal: { kind: 'petitioner', petitionId: id }, record };
    }
    const principal = await authenticate(request, reply);
    requireRole(principal, PETITION_ROLES, 'read or act on petitions');
    const record = await petitions.record(id);
    if (!record) throw notFound(id);
    return { principal, record };
  }

  /** The view, if the caller may see the petition (404 otherwise, as if it did not exist). */
  async function visibleView(
    request: FastifyRequest,
    principal: Principal,
    record: PetitionRecord,
  ): Promise<PetitionView> {
    const may = maySee(principal, record);
    if (may === false) throw notFound(record.id);
    const view = await petitions.view(record.id);
    if (may === 'view' && !superiorMaySee(view)) throw notFound(record.id);
    if (view.confidential) {
      // Art. 30: every read of a report is recorded, in its timeline and in the audit log.
      request.log.info(
        { audit: 'report-read', petitionId: record.id, actor: actorOf(principal) },
        'report read',
      );
      await petitions.recordReportRead(record.id, actorOf(principal));
    }
    return view;
  }

  app.post(
    '/v1/petitions',
    {
      schema: {
        tags: ['petitions'],
        summary: 'Register a petition (registrar)',
        description:
          "Starts the petition's workflow with the latest published statutory definition (or `definition`). Answers 201 with the " +
          'petition and its `accessCode`, shown this once. With an `Idempotency-Key`, a retry of the same body answers 200 with ' +
          'the same petition and `replayed: true` (no access code: only its hash is kept); the same key with another body is 409.',
        security: bearer,
        headers: idempotencyHeaders,
        body: registerPetitionBody,
        response: {
          201: registeredSchema,
          200: replayedSchema,
          ...errors(400, 401, 403, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const principal = await authenticate(request, reply);
      requireRole(principal, ['registrar', 'admin'], 'register petitions');
      const result = await petitions.register(
        request.body,
        actorOf(principal),
        request.headers['idempotency-key'],
      );
      const detail = projectPetition(result.view, principal);
      void reply.header('location', `/v1/petitions/${result.id}`);
      if (result.created) return reply.code(201).send({ ...detail, accessCode: result.accessCode });
      return reply.code(200).send({ ...detail, replayed: true as const });
    },
  );

  app.get(
    '/v1/petitions/:id',
    {
      schema: {
        tags: ['petitions'],
        summary: 'Read a petition',
        description:
          "Staff with a token, or the petitioner with `X-Access-Code`. `availableActions` lists what the caller's role may do now. " +
          'Identity fields are masked unless the caller needs them (Art. 30 for reports). Unknown, or not visible to the caller: 404.',
        security: bearerOrAccessCode,
        params: petitionIdParam,
        headers: accessCodeHeaders,
        response: { 200: petitionDetailSchema, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { principal, record } = await callerFor(request, reply, request.params.id);
      return projectPetition(await visibleView(request, principal, record), principal);
    },
  );

  app.post(
    '/v1/petitions/:id/actions/:action',
    {
      schema: {
        tags: ['petitions'],
        summary: 'Take an action on a petition (accept, opinion, reply, request-review, supervise, …)',
        description: actionsDoc,
        security: bearerOrAccessCode,
        params: actionParams,
        headers: idempotencyHeaders.extend(accessCodeHeaders.shape),
        body: actionBody,
        response: { 200: petitionDetailSchema, ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { id, action } = request.params;
      const { principal, record } = await callerFor(request, reply, id);
      if (principal.kind === 'petitioner' && !PETITIONER_ACTIONS.has(action)) {
        throw new ApiError(
          403,
          'forbidden',
          `With an access code a petitioner may only: ${[...PETITIONER_ACTIONS].join(', ')}.`,
          {
            action,
            allowed: [...PETITIONER_ACTIONS],
          },
        );
      }
      const may = maySee(principal, record);
      if (may === false) throw notFound(id);
      if (may === 'view' && !superiorMaySee(await petitions.view(id))) throw notFound(id);

      const key = request.headers['idempotency-key'];
      const caller = principal.kind === 'petitioner' ? 'petitioner' : principal.sub;
      const updateId = key ? `${caller}:${key}` : randomUUID();
      // The body's hash rides along in the request id (it is recorded in the timeline), so a reused key with
      // another body is recognised after Temporal has deduplicated the Update by its id.
      const requestId = key
        ? `${updateId}#${requestHash({ action, input: request.body }).slice(0, 16)}`
        : updateId;
      const replayOf = (view: PetitionView) =>
        view.timeline.find(
          (t) =>
            t.type === 'action' &&
            typeof t.data?.['requestId'] === 'string' &&
            (t.data['requestId'] as string).startsWith(`${updateId}#`),
        );

      const closed = async () => {
        if (key) {
          const view = await petitions.view(id);
          const earlier = replayOf(view);
          if (earlier?.data?.['requestId'] === requestId) return view;
        }
        throw new ApiError(
          409,
          'petition_closed',
          `Petition ${id} is closed; no further action is possible.`,
          { step: null },
        );
      };

      let view: PetitionView;
      if (!record.running) {
        view = await closed();
      } else {
        try {
          await petitions.act(id, action, actorOf(principal), request.body, requestId, updateId);
          view = await petitions.view(id);
        } catch (err) {
          // An Update sent to a workflow that has just finished fails at the server, not in the workflow.
          if (
            !(err instanceof ApiError) &&
            (err instanceof WorkflowNotFoundError ||
              /completed|not found/i.test(String((err as Error)?.message))) &&
            (await petitions.isClosed(id))
          ) {
            view = await closed();
          } else {
            throw err;
          }
        }
      }
      if (key) {
        const earlier = replayOf(view);
        if (earlier && earlier.data?.['requestId'] !== requestId) {
          throw new ApiError(
            409,
            'idempotency_conflict',
            `This Idempotency-Key was already used on petition ${id} for another request (action "${earlier.action}"); use a new key.`,
            {
              action: earlier.action,
            },
          );
        }
      }
      return projectPetition(view, principal);
    },
  );

  app.get(
    '/v1/petitions',
    {
      schema: {
        tags: ['petitions'],
        summary: 'List petitions (supervisor, registrar, admin; department staff: their own)',
        description:
          'From search attributes only: items carry no personal data. Filters combine with AND. `pageToken` is the `nextPageToken` of the previous page.',
        security: bearer,
        querystring: listQuery,
        response: { 200: petitionListSchema, ...errors(400, 401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      const principal = await authenticate(request, reply);
      requireRole(principal, LIST_ROLES, 'list petitions');
      const scope = departmentScope(principal, request.query.department);
      return await supervision.list(request.query, scope);
    },
  );
};

/** Department staff are scoped to their body; asking for another body is refused rather than silently narrowed. */
export function departmentScope(
  principal: Extract<Principal, { kind: 'staff' }>,
  requested: string | undefined,
): { department?: string } {
  if (principal.role !== 'department') return {};
  if (requested !== undefined && requested !== principal.dept) {
    throw new ApiError(
      403,
      'forbidden',
      `Department staff see their own body's petitions only (${principal.dept}), not ${requested}.`,
    );
  }
  return { department: principal.dept! };
}
