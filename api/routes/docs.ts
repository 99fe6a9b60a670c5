import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

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
          'Every error has the shape `{ error, message, details? }`.',
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
    transform: createJsonSchemaTransform({
      skipList: ['/docs', '/docs/', '/docs/json', '/docs/yaml', '/docs/static/*', '/docs/*'],
    }),
    transformObject: jsonSchemaTransformObject,
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });
}
