import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/principal';
import { DESIGNERS } from '../auth/roles';
import { staffOf } from '../auth/route-auth';
import { bearer, errors, idempotencyHeaders } from '../schemas/common';
import {
  dryRunResponse,
  migrationBody,
  migrationIdParams,
  migrationParams,
  reportQuery,
  reportResponse,
  startedResponse,
} from '../schemas/migrations';
import type { MigrationService } from '../services/migrations';

export interface MigrationRouteOptions {
  migrations: MigrationService;
}

/**
 * Moving running petitions to another version of their definition (designer, admin): a dry run that says what would
 * happen to each, or a durable batch that does it, and the batch's progress.
 */
export const migrationRoutes: FastifyPluginAsyncZod<MigrationRouteOptions> = async (app, { migrations }) => {
  app.post(
    '/v1/definitions/:id/migrations',
    {
      config: { auth: { roles: DESIGNERS, what: 'migrate petitions between definition versions' } },
      schema: {
        tags: ['definitions'],
        summary: 'Move running petitions to another version of their definition (dry run or batch)',
        description:
          'Matches the running, open petitions of `id@from` that the `filter` narrows (steps, department, category, channel, received between). ' +
          '`dryRun: true` answers, page by page, whether each can move, to which step and its deadlines after the move (the running ones keep their start and paused days and take the new period), and changes nothing. ' +
          '`dryRun: false` starts a durable batch that moves each petition through its workflow (an Update validated against its state and recorded in its timeline) and answers 202 with its id; `GET …/migrations/:mid` reports progress. ' +
          'A petition whose step has no counterpart in `to` (neither in `stepMap` nor by id) is refused and left as it is.',
        security: bearer,
        params: migrationParams,
        headers: idempotencyHeaders,
        body: migrationBody,
        response: {
          200: dryRunResponse,
          202: startedResponse,
          ...errors(400, 401, 403, 409, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(staffOf(request));
      const { id } = request.params;
      if (request.body.dryRun) return await migrations.dryRun(id, request.body, actor);
      const started = await migrations.start(id, request.body, actor, request.headers['idempotency-key']);
      void reply.header('location', `/v1/definitions/${id}/migrations/${started.id}`);
      return reply.code(202).send(started);
    },
  );

  app.get(
    '/v1/definitions/:id/migrations/:mid',
    {
      config: { auth: { roles: DESIGNERS, what: 'read definition migrations' } },
      schema: {
        tags: ['definitions'],
        summary: 'Progress of a migration batch: counts and per-petition outcomes, paged',
        security: bearer,
        params: migrationIdParams,
        querystring: reportQuery,
        response: { 200: reportResponse, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const { id, mid } = request.params;
      return await migrations.report(id, mid, request.query);
    },
  );
};
