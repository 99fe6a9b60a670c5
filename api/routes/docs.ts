import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { DOCS_CSP } from '../edge/security';
import { errorSchema } from '../schemas/common';

/**
 * The OpenAPI 3 document, generated from the routes' zod schemas (`GET /docs/json`), and Swagger UI (`GET /docs`).
 * Registered on the root instance before any route, so that every route is documented.
 */
export function registerDocs(app: FastifyInstance): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Petition engine API (信访工作流引擎)',
        version: '1.0.0',
        description:
          'Petitions under the 2022 《信访工作条例》: registration, actions, supervision, the legal calendar and process definitions. ' +
          'Every error has the shape `{ error, message, details?, requestId }`; see docs/api.md for the limits and statuses.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          accessCode: { type: 'apiKey', in: 'header', name: 'X-Access-Code' },
          codecCookie: { type: 'apiKey', in: 'cookie', name: 'petition_codec_token' },
        },
      },
      tags: [
        { name: 'petitions', description: 'Registration, reading and actions' },
        { name: 'supervision', description: 'Overdue and at-risk lists, statistics' },
        { name: 'calendar', description: 'The legal calendar' },
        { name: 'definitions', description: 'Process definitions (designers)' },
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'codec', description: 'Codec server of the Temporal Web UI (supervisors and admins)' },
      ],
    },
    transform: withBodyErrors(
      createJsonSchemaTransform({
        skipList: ['/docs', '/docs/', '/docs/json', '/docs/yaml', '/docs/static/*', '/docs/*'],
      }),
    ),
    transformObject: jsonSchemaTransformObject,
  });
  // Swagger UI loads its own scripts and styles: it replaces the API's strict CSP with one that allows exactly those.
  void app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
}

type SchemaTransform = ReturnType<typeof createJsonSchemaTransform>;

/**
 * Every operation that takes a body documents 413 (over `API_BODY_LIMIT`) and 415 (a media type it does not parse):
 * the body parser answers them before the route runs, whatever the route lists.
 */
function withBodyErrors(transform: SchemaTransform): SchemaTransform {
  return (input) => {
    const { schema } = input;
    if (!schema?.body || !schema.response) return transform(input);
    const response = { 413: errorSchema, 415: errorSchema, ...(schema.response as object) };
    return transform({ ...input, schema: { ...schema, response } });
  };
}
