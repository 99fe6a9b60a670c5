import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FieldTypes, type Definition } from '../../definitions/language/schema';
import {
  loadStatutoryDefinition,
  STATUTORY_DEFINITION_ID,
  statutoryDefinitionHash,
  STATUTORY_DEFINITION_VERSION,
} from '../../definitions/statutory';
import { indexDefinition } from '../../workflows/engine';
import { ApiError } from '../errors';
import { maySee, petitionNotFound } from '../auth/policy';
import { roleOf } from '../auth/principal';
import { PETITION_ROLES, PETITIONER_ACTIONS } from '../auth/roles';
import { principalOf } from '../auth/route-auth';
import { bearerOrAccessCode, errors } from '../schemas/common';
import { accessCodeHeaders, petitionIdParam } from '../schemas/petitions';
import type { DefinitionService } from '../services/definitions';
import type { PetitionService } from '../services/petitions';

const fieldSchema = z.object({
  type: z.enum(FieldTypes),
  required: z.boolean(),
  values: z.array(z.string()).optional(),
  min: z.number().int().optional(),
  max: z.number().int().optional(),
  maxLength: z.number().int().optional(),
  description: z.string().optional(),
});

export const actionFormsSchema = z
  .object({
    definition: z.object({ id: z.string(), version: z.number().int(), hash: z.string(), name: z.string() }),
    step: z.object({
      id: z.string(),
      name: z.string(),
      assignee: z
        .string()
        .nullable()
        .describe('Who the step waits for: bureau, department, superior, …, petitioner.'),
      holder: z
        .string()
        .nullable()
        .describe('The code of the body that holds the step now, when a body does.'),
    }),
    actions: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          description: z.string().optional(),
          fields: z.record(z.string(), fieldSchema).describe('In the order the definition declares them.'),
          document: z.string().optional().describe('The document the action issues.'),
        }),
      )
      .describe("The actions the caller's role may take now, as the definition declares their fields."),
  })
  .meta({ id: 'ActionForms' });

export interface PetitionFormRouteOptions {
  petitions: PetitionService;
  definitions?: DefinitionService;
}

/**
 * `GET /v1/petitions/:id/action-forms`: the actions the caller may take now on a petition, with the fields the
 * definition the petition follows declares for them, so a client renders the forms from the definition (a newly
 * published action appears without client code). Who may ask: whoever may read the petition.
 */
export const petitionFormRoutes: FastifyPluginAsyncZod<PetitionFormRouteOptions> = async (
  app,
  { petitions, definitions },
) => {
  async function definitionOf(ref: { id: string; version: number; hash: string }): Promise<Definition> {
    const published = definitions ? await definitions.get(ref.id, ref.version) : undefined;
    if (published && published.hash === ref.hash) return published.definition;
    if (
      ref.id === STATUTORY_DEFINITION_ID &&
      ref.version === STATUTORY_DEFINITION_VERSION &&
      ref.hash === statutoryDefinitionHash()
    ) {
      return loadStatutoryDefinition();
    }
    throw new ApiError(
      503,
      'definition_unavailable',
      `The definition ${ref.id}@${ref.version} this petition follows is not in the registry of this API; retry when the registry answers.`,
    );
  }

  app.get(
    '/v1/petitions/:id/action-forms',
    {
      config: {
        auth: { roles: PETITION_ROLES, what: 'read or act on petitions', petitioner: true },
      },
      schema: {
        tags: ['petitions'],
        summary: 'The actions the caller may take now, with their fields from the definition',
        description:
          'Staff with a token, or the petitioner with `X-Access-Code`, as for reading the petition. Each action carries the fields its definition declares (type string, text, integer with min/max, boolean, datetime, enum with values); send them to `POST /v1/petitions/{id}/actions/{action}`.',
        security: bearerOrAccessCode,
        params: petitionIdParam,
        headers: accessCodeHeaders,
        response: { 200: actionFormsSchema, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const principal = principalOf(request);
      const view = await petitions.view(id);
      // The rules of the petition's Update validator (a petitioner's code was checked when the route was entered).
      if (!maySee(principal, view, request.petitionRecord?.memo['accessCodeHash']))
        throw petitionNotFound(id);

      const definition = await definitionOf(view.definition);
      const index = indexDefinition(definition);
      const element = view.status === 'open' ? index.element(view.step) : undefined;
      const assignee = element && element.type === 'userTask' ? element.assignee : null;
      const holderVariable = assignee ? index.assignee(assignee)?.holder : undefined;
      const holder = holderVariable ? view.variables[holderVariable] : undefined;
      const allowed = new Set(
        (view.availableActions[roleOf(principal)] ?? []).filter(
          (a) => principal.kind === 'staff' || PETITIONER_ACTIONS.includes(a),
        ),
      );
      const actions = index
        .actionsOf(view.step)
        .filter((a) => allowed.has(a.id))
        .map((a) => ({
          id: a.id,
          name: a.name,
          ...(a.description !== undefined && { description: a.description }),
          fields: a.fields,
          ...(a.document !== undefined && { document: a.document }),
        }));
      return {
        definition: { ...view.definition, name: definition.name },
        step: {
          id: view.step,
          name: view.stepName,
          assignee,
          holder: typeof holder === 'string' ? holder : null,
        },
        actions,
      };
    },
  );
};
