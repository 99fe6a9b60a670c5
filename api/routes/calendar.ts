import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { computeDeadline, DeadlineInputError, type CalendarData } from '../../definitions/calendar';
import { ApiError } from '../errors';
import { ANY_STAFF } from '../auth/roles';
import { deadlineQuery, deadlineResponse } from '../schemas/calendar';
import { bearer, errors } from '../schemas/common';

export interface CalendarRouteOptions {
  /** The legal calendar in force (official data plus supplements under DATA_DIR/calendar). */
  calendar: () => CalendarData;
}

/** `GET /v1/calendar/deadline`: the legal calendar's answer for a period, with its explanation. */
export const calendarRoutes: FastifyPluginAsyncZod<CalendarRouteOptions> = async (app, { calendar }) => {
  app.get(
    '/v1/calendar/deadline',
    {
      config: { auth: { roles: ANY_STAFF, what: 'ask the legal calendar' } },
      schema: {
        tags: ['calendar'],
        summary:
          'When does a period end? (《民法典》第二百零一条–第二百零三条, rest days and make-up working days)',
        description: 'Give exactly one of `days` (calendar days) or `workingDays`. Any authenticated role.',
        security: bearer,
        querystring: deadlineQuery,
        response: { 200: deadlineResponse, ...errors(400, 401, 429) },
      },
    },
    async (request) => {
      const { from, days, workingDays, article } = request.query;
      try {
        const result = computeDeadline(
          {
            from,
            duration: (days ?? workingDays)!,
            counting: days !== undefined ? 'calendar-days' : 'working-days',
            ...(article !== undefined && { article }),
          },
          calendar(),
        );
        return {
          ...result,
          unofficialYears: [...result.unofficialYears],
          skippedRestDays: [...result.skippedRestDays],
        };
      } catch (err) {
        if (err instanceof DeadlineInputError)
          throw new ApiError(400, 'validation_failed', err.message, err.issues);
        throw err;
      }
    },
  );
};
