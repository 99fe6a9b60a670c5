import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MAX_NESTING_DEPTH, sourceNestingDepth } from '../../definitions/language/nesting-depth';
import { tooDeep } from '../edge/json-body';
import { ApiError } from '../errors';
import { actorOf } from '../auth/principal';
import { DESIGNERS } from '../auth/roles';
import { staffOf } from '../auth/route-auth';
import { bearer, errors } from '../schemas/common';
import {
  BPMN_MEDIA_TYPE,
  bpmnXmlSchema,
  definitionListResponse,
  definitionParams,
  definitionQuery,
  definitionSourceBody,
  publishedDefinitionSchema,
  publishResponseSchema,
  validationResponse,
} from '../schemas/definitions';
import {
  checkDefinitionSource,
  publishedAsBpmn,
  type DefinitionService,
  type SourceFormat,
} from '../services/definitions';

export interface DefinitionRouteOptions {
  definitions?: DefinitionService;
}

/**
 * The source and its format: `{ source, format }`, or a raw body whose format its content type says. A YAML or JSON
 * source nested deeper than {@link MAX_NESTING_DEPTH} is 400 `validation_failed` (`too_deep`), measured before any
 * parser (which would recurse, or exhaust memory) sees it.
 */
function sourceOf(
  body: { source: string; format: SourceFormat } | string,
  contentType: string | undefined,
): { source: string; format: SourceFormat } {
  const found =
    typeof body !== 'string'
      ? body
      : {
          source: body,
          format: contentType?.startsWith(BPMN_MEDIA_TYPE) ? ('bpmn' as const) : ('yaml' as const),
        };
  if (
    found.format !== 'bpmn' &&
    sourceNestingDepth(found.source, found.format, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH
  ) {
    throw tooDeep(typeof body === 'string' ? 'body' : 'body.source', 'the definition source');
  }
  return found;
}

/** Whether a request asks for BPMN XML: `?format=bpmn`, or an Accept header naming it (and `format` not json). */
function wantsBpmn(format: 'json' | 'bpmn' | undefined, accept: string | undefined): boolean {
  return format === 'bpmn' || (format === undefined && (accept ?? '').includes(BPMN_MEDIA_TYPE));
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
  // BPMN 2.0 XML bodies, for these routes only (the YAML parser is registered for every /v1 route).
  app.addContentTypeParser(BPMN_MEDIA_TYPE, { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  const sourceDoc =
    'Send `{ "source": "<text>", "format": "yaml" | "json" | "bpmn" }` as application/json, or the text itself with `Content-Type: application/yaml` or `application/bpmn+xml` (BPMN 2.0 XML with the pe: extensions of definitions/README.md).';
  const consumes = ['application/json', 'application/yaml', BPMN_MEDIA_TYPE];

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
        summary: 'Read a published definition (latest version, or ?version=N), as JSON or as BPMN 2.0 XML',
        description:
          'JSON by default; BPMN 2.0 XML (`application/bpmn+xml`, with a diagram: the one the definition carries, else laid out automatically) with `?format=bpmn` or `Accept: application/bpmn+xml`.',
        security: bearer,
        params: definitionParams,
        querystring: definitionQuery,
        response: {
          200: {
            description: 'The published definition.',
            content: {
              'application/json': { schema: publishedDefinitionSchema },
              [BPMN_MEDIA_TYPE]: { schema: bpmnXmlSchema },
            },
          },
          ...errors(400, 401, 403, 404, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { version, format } = request.query;
      const found = version === undefined ? await service().latest(id) : await service().get(id, version);
      if (!found)
        throw new ApiError(
          404,
          'not_found',
          `No published definition ${id}${version === undefined ? '' : `@${version}`}.`,
        );
      if (!wantsBpmn(format, request.headers.accept))
        return found as unknown as typeof publishedDefinitionSchema._zod.output;
      let xml: string;
      try {
        xml = await publishedAsBpmn(found);
      } catch (err) {
        request.log.error({ err, definition: `${found.id}@${found.version}` }, 'BPMN export failed');
        throw new ApiError(
          422,
          'bpmn_export_failed',
          `${found.id}@${found.version} could not be written as BPMN XML (${(err as Error).message}); read it as JSON.`,
        );
      }
      return reply
        .type(`${BPMN_MEDIA_TYPE}; charset=utf-8`)
        .header('content-disposition', `inline; filename="${found.id}-${found.version}.bpmn"`)
        .send(xml);
    },
  );

  app.post(
    '/v1/definitions/validate',
    {
      config: { auth: { roles: DESIGNERS, what: 'validate definitions' } },
      schema: {
        tags: ['definitions'],
        summary: 'Validate a definition without publishing it',
        description: `${sourceDoc} Answers 200 with \`{ valid, issues }\` either way; YAML and JSON issues carry line and column, BPMN issues the id of the element they concern (other modellers' extensions are \`severity: "warning"\` and leave it valid).`,
        security: bearer,
        consumes,
        body: definitionSourceBody,
        response: { 200: validationResponse, ...errors(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request) => {
      const { source, format } = sourceOf(request.body, request.headers['content-type']);
      const result = await checkDefinitionSource(source, format);
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
        description: `${sourceDoc} 201 with the published version (and, for BPMN, the warnings about what the file held that the definition does not keep); 422 with the issues when invalid; 409 when that id@version is already published with other content. Running petitions keep the version they started with.`,
        security: bearer,
        consumes,
        body: definitionSourceBody,
        response: { 201: publishResponseSchema, ...errors(400, 401, 403, 409, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { source, format } = sourceOf(request.body, request.headers['content-type']);
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
      return reply
        .code(201)
        .send({ ...result.definition, ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}) });
    },
  );
};
