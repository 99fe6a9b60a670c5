import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { departmentScope } from '../auth/policy';
import { LIST_ROLES } from '../auth/roles';
import { staffOf } from '../auth/route-auth';
import { bearer, errors } from '../schemas/common';
import {
  atRiskQuery,
  atRiskResponse,
  overdueQuery,
  overdueResponse,
  statsQuery,
  statsResponse,
} from '../schemas/supervision';
import type { SupervisionService } from '../services/supervision';

export interface SupervisionRouteOptions {
  supervision: SupervisionService;
}

/** `GET /v1/supervision/overdue`, `GET /v1/supervision/at-risk`, `GET /v1/stats`: read from visibility only. */
export const supervisionRoutes: FastifyPluginAsyncZod<SupervisionRouteOptions> = async (
  app,
  { supervision },
) => {
  app.get(
    '/v1/supervision/overdue',
    {
      config: { auth: { roles: LIST_ROLES, what: 'read the overdue list' } },
      schema: {
        tags: ['supervision'],
        summary: 'Overdue petitions, most overdue first, one page at a time',
        description:
          'Open petitions whose earliest body deadline (PetitionDueAt) has passed: `PetitionStatus = open AND PetitionDueAt < asOf`, ' +
          'answered from search attributes, so it is right even when no worker runs. Department staff see their own body only. ' +
          'Ordered by overdueDays, highest first, across pages; within a page by dueAt, then id. Follow `nextPageToken` ' +
          '(as `pageToken`, with the same filters) for the next page: every page is computed for the `asOf` of the first, so a ' +
          'petition does not move between pages as time passes. A page may hold fewer than `pageSize` items and still have a ' +
          'next page; `truncated` is true exactly when `nextPageToken` is not null.',
        security: bearer,
        querystring: overdueQuery,
        response: { 200: overdueResponse, ...errors(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      return await supervision.overdue(
        request.query,
        departmentScope(staffOf(request), request.query.department),
      );
    },
  );

  app.get(
    '/v1/supervision/at-risk',
    {
      config: { auth: { roles: LIST_ROLES, what: 'read the at-risk list' } },
      schema: {
        tags: ['supervision'],
        summary: 'Open petitions due within a period (default P3D), soonest first, one page at a time',
        description:
          'Open petitions whose earliest body deadline falls in [asOf, asOf + within). Ordered by remainingHours, lowest ' +
          'first, across pages; within a page by dueAt, then id. Paged like the overdue list (`pageSize`, ' +
          "`pageToken`, `nextPageToken`; follow pages keep the first page's `asOf` and `until`).",
        security: bearer,
        querystring: atRiskQuery,
        response: { 200: atRiskResponse, ...errors(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      const { within, ...filters } = request.query;
      return await supervision.atRisk(
        within,
        filters,
        departmentScope(staffOf(request), request.query.department),
      );
    },
  );

  app.get(
    '/v1/stats',
    {
      config: { auth: { roles: LIST_ROLES, what: 'read statistics' } },
      schema: {
        tags: ['supervision'],
        summary: '及时受理率, 按期办结率, 群众满意率 with the counts behind each',
        description:
          'Over petitions received in [from, to): timelyAcceptanceRate = accepted on time / acceptance decided (on time or late); ' +
          'onTimeCompletionRate = finished on time / finished; satisfactionRate = (satisfied + basically-satisfied) / rated. ' +
          'A rate is null when its denominator is 0. Counts come from visibility and are eventually consistent (seconds).',
        security: bearer,
        querystring: statsQuery,
        response: { 200: statsResponse, ...errors(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      const scope = departmentScope(staffOf(request), request.query.department);
      return await supervision.stats(
        request.query.from,
        request.query.to,
        scope.department ?? request.query.department,
      );
    },
  );
};
