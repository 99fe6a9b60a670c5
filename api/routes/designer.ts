import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CalendarData } from '../../definitions/calendar';
import { diffDefinitions } from '../../definitions/language/diff';
import { actorOf } from '../auth/principal';
import { DESIGNERS } from '../auth/roles';
import { staffOf } from '../auth/route-auth';
import { ApiError } from '../errors';
import { bearer, errors } from '../schemas/common';
import {
  diffBody,
  diffResponse,
  draftBody,
  draftListResponse,
  draftParams,
  draftSavedResponse,
  draftSchema,
  simulateBody,
  simulationResponse,
} from '../schemas/designer';
import { checkDefinitionSource, type DefinitionService } from '../services/definitions';
import type { DraftService } from '../services/drafts';
import { resolveDefinitionInput, runSimulation } from '../services/simulation';

export interface DesignerRouteOptions {
  definitions?: DefinitionService;
  drafts?: DraftService;
  /** The legal calendar in force (with the published supplements), as registration uses it. */
  calendar: () => CalendarData;
}

/**
 * The process designer's tools (designer, admin): a dry run of a definition over the legal calendar, the diff of a
 * draft against a published version, and drafts kept between sessions. None of them changes a running petition.
 */
export const designerRoutes: FastifyPluginAsyncZod<DesignerRouteOptions> = async (
  app,
  { definitions, drafts, calendar },
) => {
  const draftStore = (): DraftService => {
    if (!drafts)
      throw new ApiError(
        503,
        'drafts_unavailable',
        'The drafts store is not configured in this API process.',
      );
    return drafts;
  };

  app.post(
    '/v1/definitions/simulate',
    {
      config: { auth: { roles: DESIGNERS, what: 'dry-run definitions' } },
      schema: {
        tags: ['definitions'],
        summary: 'Dry-run a definition: the steps, deadlines and end a series of actions produces',
        description:
          'Runs the definition (`"id@version"` published, or `{ source, format }` such as a draft) with the workflow\'s own interpreter and the legal calendar in force, registering a petition at `start` and applying each action at its `at`; deadline timers fire in between as the workflow\'s would (a window that lapses moves the token), service tasks complete at once. Nothing is started or stored. An action the engine refuses stops the run and is answered **200** with `refused` (its index, step, type and message): the definition is what is tested, not the request. 400 when the instants are out of order or a registration fact is not one the definition declares; 422 when a source does not validate.',
        security: bearer,
        body: simulateBody,
        response: { 200: simulationResponse, ...errors(400, 401, 403, 404, 413, 422, 429, 503) },
      },
    },
    async (request) => {
      const body = request.body;
      for (const [i, a] of body.actions.entries()) {
        if (a.department !== undefined && a.role === undefined)
          throw new ApiError(
            400,
            'validation_failed',
            `actions[${i}].department needs actions[${i}].role (the body is the one the role acts for).`,
            { field: `actions[${i}].department` },
          );
      }
      const resolved = await resolveDefinitionInput(body.definition, definitions);
      return runSimulation(resolved, body, calendar()) as z.input<typeof simulationResponse>;
    },
  );

  app.post(
    '/v1/definitions/diff',
    {
      config: { auth: { roles: DESIGNERS, what: 'compare definitions' } },
      schema: {
        tags: ['definitions'],
        summary: 'Compare a draft with a published version, element by element',
        description:
          'Both sides as `"id@version"` or `{ source, format }` (both must validate: 422 with the issues otherwise). Answers the elements, flows, deadlines, actions, global actions, documents, variables and roles added, removed or changed, with field-level changes (`duration`, `onExpiry.kind`, `fields.reason.required`, …). The id, the version and the diagram are not compared.',
        security: bearer,
        body: diffBody,
        response: { 200: diffResponse, ...errors(400, 401, 403, 404, 413, 422, 429, 503) },
      },
    },
    async (request) => {
      const [base, draft] = await Promise.all([
        resolveDefinitionInput(request.body.base, definitions),
        resolveDefinitionInput(request.body.draft, definitions),
      ]);
      const changes = diffDefinitions(base.definition, draft.definition);
      const ref = (d: typeof base) => ({ id: d.definition.id, version: d.definition.version, hash: d.hash });
      return { base: ref(base), draft: ref(draft), same: changes.length === 0, changes };
    },
  );

  app.get(
    '/v1/definition-drafts',
    {
      config: { auth: { roles: DESIGNERS, what: 'read drafts' } },
      schema: {
        tags: ['definitions'],
        summary: 'List the drafts of definitions (who saved each, when, its revision)',
        security: bearer,
        response: { 200: draftListResponse, ...errors(401, 403, 429, 503) },
      },
    },
    async () => ({ items: await draftStore().list() }),
  );

  app.get(
    '/v1/definitions/:id/draft',
    {
      config: { auth: { roles: DESIGNERS, what: 'read drafts' } },
      schema: {
        tags: ['definitions'],
        summary: "Read a definition's draft",
        security: bearer,
        params: draftParams,
        response: { 200: draftSchema, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const draft = await draftStore().get(request.params.id);
      if (!draft)
        throw new ApiError(
          404,
          'no_draft',
          `There is no draft of ${request.params.id}; start one from the published version (GET /v1/definitions/${request.params.id}?format=bpmn) and save it with PUT.`,
        );
      return draft;
    },
  );

  app.put(
    '/v1/definitions/:id/draft',
    {
      config: { auth: { roles: DESIGNERS, what: 'save drafts' } },
      schema: {
        tags: ['definitions'],
        summary: "Save a definition's draft (kept until published or discarded)",
        description:
          'A draft may have issues (it is work in progress); they are answered with the save. Send `baseRevision` (the revision the edit started from, 0 for a new draft) to be told with 409 `draft_conflict` when someone saved in between. The drafts together are kept up to 1.5 MiB (409 when full).',
        security: bearer,
        params: draftParams,
        body: draftBody,
        response: { 200: draftSavedResponse, ...errors(400, 401, 403, 409, 413, 429, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { source, format, baseRevision, basedOn } = request.body;
      const checked = await checkDefinitionSource(source, format);
      if (checked.definition && checked.definition.id !== id)
        throw new ApiError(
          400,
          'validation_failed',
          `The draft is of ${checked.definition.id}, not ${id}: save it under its own id (PUT /v1/definitions/${checked.definition.id}/draft).`,
          { field: 'source' },
        );
      const saved = await draftStore().save({
        id,
        source,
        format,
        actor: actorOf(staffOf(request)),
        ...(baseRevision !== undefined && { baseRevision }),
        ...(basedOn !== undefined && { basedOn }),
      });
      return { ...saved, issues: checked.issues };
    },
  );

  app.delete(
    '/v1/definitions/:id/draft',
    {
      config: { auth: { roles: DESIGNERS, what: 'discard drafts' } },
      schema: {
        tags: ['definitions'],
        summary: "Discard a definition's draft (after publishing it, or to start again)",
        description:
          '`?revision=N` discards only that revision (not one saved since). 204 when discarded; 404 when there was none (or another revision).',
        security: bearer,
        params: draftParams,
        querystring: z.strictObject({ revision: z.coerce.number().int().min(1).optional() }),
        response: { 204: z.null().describe('Discarded.'), ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const discarded = await draftStore().discard(id, actorOf(staffOf(request)), request.query.revision);
      if (!discarded)
        throw new ApiError(
          404,
          'no_draft',
          `There is no draft of ${id}${request.query.revision ? ` at revision ${request.query.revision}` : ''}.`,
        );
      return reply.code(204).send(null);
    },
  );
};
