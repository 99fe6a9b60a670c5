import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PetitionView } from '../../workflows/engine';
import {
  departmentScope,
  maySee,
  petitionNotFound,
  projectPetition,
  superiorMaySee,
  type PetitionRecord,
} from '../auth/policy';
import { identityMatches } from '../auth/identity-proof';
import { actorOf, type Principal } from '../auth/principal';
import { LIST_ROLES, PETITION_ROLES, PETITIONER_ACTIONS, REGISTRARS } from '../auth/roles';
import { principalOf, staffOf } from '../auth/route-auth';
import { ApiError } from '../errors';
import { bearer, bearerOrAccessCode, errors, idempotencyHeaders } from '../schemas/common';
import {
  accessCodeHeaders,
  accessCodeReissuedSchema,
  reissueAccessCodeBody,
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
import type { DepartmentDirectory } from '../services/department-directory';
import type { PetitionService } from '../services/petitions';
import type { SupervisionService } from '../services/supervision';

export interface PetitionRouteOptions {
  petitions: PetitionService;
  supervision: SupervisionService;
  /** The registry's superior relation, for what a superior may see. */
  directory: Pick<DepartmentDirectory, 'relations'>;
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
  { petitions, supervision, directory },
) => {
  /** Whether a superior (`may === 'view'`) may see the petition, by the registry's superior relation. */
  async function superiorSees(principal: Principal, view: PetitionView): Promise<boolean> {
    if (principal.kind !== 'staff' || principal.dept === undefined) return false;
    return superiorMaySee(view, principal.dept, await directory.relations());
  }

  /** Who calls about the petition in the path (authenticated before validation), and its record. */
  async function callerFor(
    request: FastifyRequest,
    id: string,
  ): Promise<{ principal: Principal; record: PetitionRecord }> {
    const principal = principalOf(request);
    // A petitioner's record was read to check the access code.
    const record = request.petitionRecord ?? (await petitions.record(id));
    if (!record) throw petitionNotFound(id);
    return { principal, record };
  }

  /** The view, if the caller may see the petition (404 otherwise, as if it did not exist). */
  async function visibleView(
    request: FastifyRequest,
    principal: Principal,
    record: PetitionRecord,
  ): Promise<PetitionView> {
    const may = maySee(principal, record);
    if (may === false) throw petitionNotFound(record.id);
    const view = await petitions.view(record.id);
    if (may === 'view' && !(await superiorSees(principal, view))) throw petitionNotFound(record.id);
    if (view.confidential) {
      // Art. 30: every read of a report is recorded, in the report's read log (which tells its timeline once per
      // reader and day) and in the API's log.
      request.log.info(
        { audit: 'report-read', petitionId: record.id, actor: actorOf(principal) },
        'report read',
      );
      await petitions.recordReportRead(record.id, actorOf(principal), request.id);
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
      const principal = staffOf(request);
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
      const { principal, record } = await callerFor(request, request.params.id);
      return projectPetition(await visibleView(request, principal, record), principal);
    },
  );

  app.post(
    '/v1/petitions/:id/actions/:action',
    {
      config: {
        auth: { roles: PETITION_ROLES, what: 'read or act on petitions', petitioner: PETITIONER_ACTIONS },
      },
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
    async (request) => {
      const { id, action } = request.params;
      const { principal, record } = await callerFor(request, id);
      const may = maySee(principal, record);
      if (may === false) throw petitionNotFound(id);
      if (may === 'view' && !(await superiorSees(principal, await petitions.view(id)))) {
        throw petitionNotFound(id);
      }
      const view = await petitions.takeAction({
        record,
        action,
        actor: actorOf(principal),
        input: request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return projectPetition(view, principal);
    },
  );

  app.post(
    '/v1/petitions/:id/access-code',
    {
      config: { auth: { roles: REGISTRARS, what: "re-issue a petitioner's access code" } },
      schema: {
        tags: ['petitions'],
        summary: "Re-issue a lost access code after checking the petitioner's identity (registrar, admin)",
        description:
          "The petitioner's name and, as registered, their ID number or phone (or both): compared with the registered identity " +
          'inside the API and never echoed; a mismatch is 422 `identity_mismatch` and changes nothing. On a match a new code is ' +
          'answered (shown this once), the old one stops working at once, and the timeline records who re-issued it. Not ' +
          'idempotent: every call issues a new code and only the newest works. A closed petition is 409 `petition_closed`.',
        security: bearer,
        params: petitionIdParam,
        body: reissueAccessCodeBody,
        response: {
          200: accessCodeReissuedSchema,
          ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const principal = staffOf(request);
      const record = await petitions.record(id);
      if (!record || maySee(principal, record) !== true) throw petitionNotFound(id);
      if (!record.running) {
        throw new ApiError(
          409,
          'petition_closed',
          `Petition ${id} is closed; its access code can no longer be re-issued (a closed petition's record cannot change). Its documents were served in writing.`,
        );
      }
      const registered = (await petitions.view(id)).petition.petitioner;
      const check = identityMatches(registered, request.body);
      if (check !== 'match') {
        request.log.info(
          { audit: 'access-code-reissue-refused', petitionId: id, actor: actorOf(principal), reason: check },
          'access code re-issue refused',
        );
        throw check === 'unverifiable'
          ? new ApiError(
              422,
              'identity_unverifiable',
              'The petition was registered without the ID number or phone given here, so the identity cannot be checked against it; give what was registered (the name, and the ID number or the phone).',
            )
          : new ApiError(
              422,
              'identity_mismatch',
              "The identity given does not match the petitioner's as registered; nothing was changed. Check the documents the petitioner shows and try again.",
            );
      }
      const { accessCode, reissuedAt } = await petitions.reissueAccessCode(id, actorOf(principal));
      request.log.info(
        { audit: 'access-code-reissued', petitionId: id, actor: actorOf(principal) },
        'access code re-issued',
      );
      return { id, accessCode, reissuedAt };
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
