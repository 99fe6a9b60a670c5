import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PetitionView } from '../../workflows/engine';
import { departmentScope, maySee, petitionNotFound, projectPetition } from '../auth/policy';
import { actorOf, callerOf, type Principal } from '../auth/principal';
import { LIST_ROLES, PETITION_ROLES, PETITIONER_ACTIONS, REGISTRARS } from '../auth/roles';
import { checkAccessCode, principalOf, staffOf } from '../auth/route-auth';
import { bearer, bearerOrAccessCode, errors, idempotencyHeaders } from '../schemas/common';
import {
  accessCodeHeaders,
  actionAnswerSchema,
  actionBody,
  actionParams,
  listQuery,
  petitionDetailSchema,
  petitionIdParam,
  petitionListSchema,
  registeredSchema,
  registerPetitionBody,
  relatedBody,
  relatedResponse,
  replayedSchema,
} from '../schemas/petitions';
import type { PetitionService } from '../services/petitions';
import type { SupervisionService } from '../services/supervision';

export interface PetitionRouteOptions {
  petitions: PetitionService;
  supervision: SupervisionService;
}

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
  /**
   * The view, if the caller may see the petition (404 otherwise, as if it did not exist): the rules of the
   * petition's Update validator, applied to what the query read.
   */
  async function visibleView(
    request: FastifyRequest,
    principal: Principal,
    id: string,
  ): Promise<PetitionView> {
    const view = await petitions.view(id);
    if (!maySee(principal, view, request.petitionRecord?.memo['accessCodeHash'])) throw petitionNotFound(id);
    if (view.confidential) {
      // Art. 30: every read of a report is recorded, in its timeline and in the audit log.
      request.log.info({ audit: 'report-read', petitionId: id, actor: actorOf(principal) }, 'report read');
      await petitions.recordReportRead(id, actorOf(principal));
    }
    return view;
  }

  app.post(
    '/v1/petitions',
    {
      config: { auth: { roles: REGISTRARS, what: 'register petitions' } },
      schema: {
        tags: ['petitions'],
        summary: 'Register a petition (registrar)',
        description:
          "Starts the petition's workflow with the latest published statutory definition (or `definition`). Answers 201 with the " +
          "petition, its `accessCode`, shown this once, and `related`: the same petitioner's other petitions (see " +
          '`POST /v1/petitions/related`; `sameMatterAs` registers it as the same matter as one of them). With an `Idempotency-Key`, a retry of the same body answers 200 with ' +
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
      const principal = staffOf(request);
      const result = await petitions.register(
        request.body,
        actorOf(principal),
        request.headers['idempotency-key'],
      );
      const detail = projectPetition(result.view, principal);
      void reply.header('location', `/v1/petitions/${result.id}`);
      if (result.created)
        return reply.code(201).send({ ...detail, related: result.related, accessCode: result.accessCode });
      return reply.code(200).send({ ...detail, related: result.related, replayed: true as const });
    },
  );

  app.post(
    '/v1/petitions/related',
    {
      config: { auth: { roles: REGISTRARS, what: 'look up related petitions' } },
      schema: {
        tags: ['petitions'],
        summary: "The same petitioner's other petitions, before registering (registrar)",
        description:
          'The petitions whose same-matter key equals that of this petitioner (Arts. 19, 36 ¶3): the key is HMAC-SHA256 of the ' +
          'ID number when given (trimmed, upper-cased), else of the name with the phone (digits only), under a secret of the ' +
          'server; only the key is kept (search attribute PetitionIdentity), never the identity. Nothing is registered. ' +
          'Answers `related: []` when neither an ID number nor a phone is given. Each item `{ id, step, status, outcome, final }` ' +
          'comes from visibility (eventually consistent); register with `sameMatterAs` to treat the new petition as the same matter.',
        security: bearer,
        body: relatedBody,
        response: { 200: relatedResponse, ...errors(400, 401, 403, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      return { related: await petitions.related(request.body.petitioner) };
    },
  );

  app.get(
    '/v1/petitions/:id',
    {
      config: { auth: { roles: PETITION_ROLES, what: 'read or act on petitions', petitioner: true } },
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
    async (request) => {
      const principal = principalOf(request);
      return projectPetition(await visibleView(request, principal, request.params.id), principal);
    },
  );

  app.post(
    '/v1/petitions/:id/actions/:action',
    {
      config: {
        auth: { roles: PETITION_ROLES, what: 'read or act on petitions', petitioner: PETITIONER_ACTIONS },
      },
      // A petitioner's access code is checked by the petition itself, after validation: an invalid request is
      // answered 400 only to a caller whose code opens the petition (404 otherwise), checked here in that case.
      attachValidation: true,
      schema: {
        tags: ['petitions'],
        summary: 'Take an action on a petition (accept, opinion, reply, request-review, supervise, …)',
        description: actionsDoc,
        security: bearerOrAccessCode,
        params: actionParams,
        headers: idempotencyHeaders.extend(accessCodeHeaders.shape),
        body: actionBody,
        response: { 200: actionAnswerSchema, ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 503) },
      },
    },
    async (request) => {
      if (request.validationError) {
        if (request.principal?.kind === 'petitioner')
          await checkAccessCode(request, request.principal, petitions.record);
        throw request.validationError;
      }
      const { id, action } = request.params;
      const principal = principalOf(request);
      // One round trip: the Update's validator decides whether the caller may see the petition and take the action,
      // and its result is the answer.
      return await petitions.takeAction({
        id,
        action,
        caller: callerOf(principal),
        // Temporal answers a repeated Update id with the first answer before any validator runs: a petitioner's
        // keys are scoped by the code, so that only its holder is answered.
        keyScope:
          principal.kind === 'petitioner'
            ? `petitioner-${principal.accessCodeHash.slice(0, 32)}`
            : principal.sub,
        input: request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
    },
  );

  app.get(
    '/v1/petitions',
    {
      config: { auth: { roles: LIST_ROLES, what: 'list petitions' } },
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
    async (request) => {
      const scope = departmentScope(staffOf(request), request.query.department);
      return await supervision.list(request.query, scope);
    },
  );
};
