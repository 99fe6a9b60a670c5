import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { validateSource } from '../../definitions/language/validate';
import { ApiError } from '../errors';
import { actorOf } from '../auth/principal';
import { DESIGNERS } from '../auth/roles';
import { staffOf } from '../auth/route-auth';
import { bearer, errors } from '../schemas/common';
import {
  definitionListResponse,
  definitionParams,
  definitionQuery,
  definitionSourceBody,
  definitionSummarySchema,
  publishedDefinitionSchema,
  validationResponse,
} from '../schemas/definitions';
import type { DefinitionService } from '../services/definitions';

export interface DefinitionRouteOptions {
  definitions?: DefinitionService;
}

function sourceOf(body: { source: string; format: 'yaml' | 'json' } | string): {
  source: string;
  format: 'yaml' | 'json';
} {
  return typeof body === 'string' ? { source: body, format: 'yaml' } : body;
}

/** Definitions (designer, admin): list, read, validate, publish. Publishing never affects running petitions. */
export const definitionRoutes: FastifyPluginAsyncZod<DefinitionRouteOptions> = async (
  app,
  { definitions },
) => {
  const service = (): DefinitionService => {
    if (!definitions)
      throw new ApiError(
        503,
        'definitions_unavailable',
        'The definition registry is not configured in this API process.',
      );
    return definitions;
  };
  const sourceDoc =
    'Send `{ "source": "<text>", "format": "yaml" | "json" }` as application/json, or the YAML itself with `Content-Type: application/yaml`.';

  app.get(
    '/v1/definitions',
    {
      config: { auth: { roles: DESIGNERS, what: 'read definitions' } },
      schema: {
        tags: ['definitions'],
        summary: 'List published definitions (every version)',
        security: bearer,
        response: { 200: definitionListResponse, ...errors(401, 403, 429, 503) },
      },
    },
    async () => {
      return { items: await service().list() };
    },
  );

  app.get(
    '/v1/definitions/:id',
    {
      config: { auth: { roles: DESIGNERS, what: 'read definitions' } },
      schema: {
        tags: ['definitions'],
        summary: 'Read a published definition (latest version, or ?version=N)',
        security: bearer,
        params: definitionParams,
        querystring: definitionQuery,
        response: { 200: publishedDefinitionSchema, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { version } = request.query;
      const found = version === undefined ? await service().latest(id) : await service().get(id, version);
      if (!found)
        throw new ApiError(
          404,
          'not_found',
          `No published definition ${id}${version === undefined ? '' : `@${version}`}.`,
        );
      return found as unknown as typeof publishedDefinitionSchema._zod.output;
    },
  );

  app.post(
    '/v1/definitions/validate',
    {
      config: { auth: { roles: DESIGNERS, what: 'validate definitions' } },
      schema: {
        tags: ['definitions'],
        summary: 'Validate a definition without publishing it',
        description: `${sourceDoc} Answers 200 with \`{ valid, issues }\` either way; issues carry line and column.`,
        security: bearer,
        body: definitionSourceBody,
        response: { 200: validationResponse, ...errors(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request) => {
      const { source, format } = sourceOf(request.body);
      const result = validateSource(source, format);
      return { valid: result.ok, issues: result.issues };
    },
  );

  app.post(
    '/v1/definitions',
    {
      config: { auth: { roles: DESIGNERS, what: 'publish definitions' } },
      schema: {
        tags: ['definitions'],
        summary: 'Publish a new definition version',
        description: `${sourceDoc} 201 with the published version; 422 with the issues when invalid; 409 when that id@version is already published with other content. Running petitions keep the version they started with.`,
        security: bearer,
        body: definitionSourceBody,
        response: { 201: definitionSummarySchema, ...errors(400, 401, 403, 409, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { source, format } = sourceOf(request.body);
      const result = await service().publish(source, format, actorOf(staffOf(request)));
      if (!result.ok) {
        if (result.conflict)
          throw new ApiError(409, 'definition_version_exists', result.message, { issues: result.issues });
        throw new ApiError(422, 'invalid_definition', result.message, { issues: result.issues });
      }
      void reply.header(
        'location',
        `/v1/definitions/${result.definition.id}?version=${result.definition.version}`,
      );
      return reply.code(201).send(result.definition);
    },
  );
};
