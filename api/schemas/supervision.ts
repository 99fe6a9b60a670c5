import { z } from 'zod';
import { departmentCode } from '../auth/principal';
import { dayOrInstant } from './common';

const stepId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a step id');

/** Page size of the overdue and at-risk lists: default and maximum (every row costs the visibility store ~0.5 ms). */
export const SUPERVISION_PAGE_SIZE = { default: 50, max: 500 } as const;

const paging = {
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(SUPERVISION_PAGE_SIZE.max)
    .default(SUPERVISION_PAGE_SIZE.default)
    .describe(
      `Petitions per page, 1-${SUPERVISION_PAGE_SIZE.max} (default ${SUPERVISION_PAGE_SIZE.default}).`,
    ),
  pageToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,8192}\.[A-Za-z0-9_-]{22}$/, 'must be the nextPageToken of a previous page')
    .optional()
    .describe(
      'The nextPageToken of the previous page, with the same filters. Every page is computed for the asOf of the first.',
    ),
};

const nextPageToken = z
  .string()
  .nullable()
  .describe(
    'Token for the next page (pageToken); null on the last page. Bound to these filters and to asOf.',
  );

export const overdueQuery = z.strictObject({
  department: departmentCode.optional(),
  step: stepId.optional(),
  ...paging,
});

export const overdueResponse = z
  .object({
    asOf: z
      .string()
      .describe('The instant "now" the list was computed for; follow pages keep the asOf of the first page.'),
    items: z.array(
      z.object({
        id: z.string(),
        step: z.string().nullable(),
        department: z.string().nullable(),
        deadline: z
          .string()
          .nullable()
          .describe('The id of the deadline that is overdue (e.g. forwarding, acceptance, handling).'),
        dueAt: z.string(),
        overdueDays: z.number().int().describe('Whole days since dueAt.'),
      }),
    ),
    truncated: z
      .boolean()
      .describe('True when more petitions may follow on another page (nextPageToken is not null).'),
    nextPageToken,
  })
  .meta({ id: 'OverdueList' });

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;

/** An ISO 8601 duration of weeks, days, hours and minutes (`P3D`, `PT12H`, `P1W`), up to a year. */
export const isoDuration = z
  .string()
  .regex(DURATION, 'must be an ISO 8601 duration such as P3D, PT12H or P1W')
  .transform((s, ctx) => {
    const [, w, d, h, m] = DURATION.exec(s)!;
    const ms =
      ((Number(w ?? 0) * 7 + Number(d ?? 0)) * 24 * 60 + Number(h ?? 0) * 60 + Number(m ?? 0)) * 60_000;
    if (ms <= 0 || ms > 366 * 86_400_000) {
      ctx.addIssue({ code: 'custom', message: 'must be longer than zero and at most a year (P366D)' });
      return z.NEVER;
    }
    return ms;
  });

export const atRiskQuery = z.strictObject({
  within: z
    .string()
    .default('P3D')
    .pipe(isoDuration)
    .describe('How far ahead to look, an ISO 8601 duration (default P3D).'),
  department: departmentCode.optional(),
  step: stepId.optional(),
  ...paging,
});

export const atRiskResponse = z
  .object({
    asOf: z
      .string()
      .describe('The instant "now" the list was computed for; follow pages keep the asOf of the first page.'),
    until: z.string().describe('asOf + within.'),
    items: z.array(
      z.object({
        id: z.string(),
        step: z.string().nullable(),
        department: z.string().nullable(),
        deadline: z.string().nullable(),
        dueAt: z.string(),
        remainingHours: z.number().int().describe('Whole hours from asOf to dueAt.'),
      }),
    ),
    truncated: z
      .boolean()
      .describe('True when more petitions may follow on another page (nextPageToken is not null).'),
    nextPageToken,
  })
  .meta({ id: 'AtRiskList' });

export const statsQuery = z.strictObject({
  from: dayOrInstant.optional().describe('Received at or after (a day is read in Asia/Shanghai).'),
  to: dayOrInstant.optional().describe('Received before.'),
  department: departmentCode.optional(),
});

export const rate = z.object({
  rate: z
    .number()
    .nullable()
    .describe('numerator / denominator, rounded to 4 places; null when the denominator is 0.'),
  numerator: z.number().int(),
  denominator: z.number().int(),
});

export const statsResponse = z
  .object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    department: z.string().nullable(),
    registered: z.number().int().describe('Petitions received in the range.'),
    timelyAcceptanceRate: rate.describe(
      '及时受理率: accepted within the acceptance period / all whose acceptance was decided.',
    ),
    onTimeCompletionRate: rate.describe('按期办结率: finished within the handling period / all finished.'),
    satisfactionRate: rate.describe('群众满意率: satisfied + basically satisfied / all rated.'),
  })
  .meta({ id: 'Stats' });
