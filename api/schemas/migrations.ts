import { z } from 'zod';
import { departmentCode } from '../auth/principal';
import { dayOrInstant } from './common';

const stepId = z
  .string()
  .regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'must be a step id (an element id of the definition)');
const code = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be an id such as complaint');
const version = z.number().int().min(1).max(999_999);

export const migrationParams = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a definition id such as petition-2022'),
});

export const migrationIdParams = migrationParams.extend({
  mid: z.string().regex(/^m-[a-z0-9]{8,40}$/, 'must be a migration id as POST answered it (m-…)'),
});

/**
 * Which petitions of `id@from` to move. Each field narrows the set on one search attribute; the API always adds
 * `PetitionDefinition = 'id@from'` and open, running petitions registered before the request. No query text is taken.
 */
export const migrationFilterSchema = z
  .strictObject({
    steps: z.array(stepId).min(1).max(50).optional().describe('Steps of `from` the petition rests on (any).'),
    department: departmentCode.optional().describe('The body holding it (`PetitionDepartment`).'),
    category: code.optional(),
    channel: code.optional(),
    receivedAfter: dayOrInstant
      .optional()
      .describe('Received at or after (a day is its start in Asia/Shanghai).'),
    receivedBefore: dayOrInstant
      .optional()
      .describe('Received before (a day is its start in Asia/Shanghai).'),
  })
  .meta({ id: 'MigrationFilter' });

export const migrationBody = z
  .strictObject({
    from: version.describe('The version the petitions follow now.'),
    to: version.describe('The published version to move them to.'),
    stepMap: z
      .record(stepId, stepId)
      .refine((m) => Object.keys(m).length <= 200, 'at most 200 entries')
      .optional()
      .describe('Step of `from` → step of `to`; a step not named moves to the step of the same id.'),
    filter: migrationFilterSchema.optional(),
    dryRun: z
      .boolean()
      .describe('true: answer what would happen to each petition, change nothing; false: start the batch.'),
    pageSize: z.number().int().min(1).max(200).default(50).describe('Dry run: petitions per page.'),
    pageToken: z
      .string()
      .regex(/^[A-Za-z0-9+/=_-]{1,4096}$/, 'must be the nextPageToken of a previous dry run')
      .optional()
      .describe('Dry run: the next page.'),
  })
  .meta({ id: 'MigrationRequest' });
export type MigrationBody = z.infer<typeof migrationBody>;

export const reportQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  outcome: z.enum(['moved', 'refused', 'failed']).optional().describe('Only outcomes of this kind.'),
});

const deadlineAfter = z.object({
  key: z.string(),
  id: z.string(),
  name: z.string(),
  step: z.string(),
  fate: z
    .enum(['kept', 'changed', 'cancelled', 'armed'])
    .describe(
      '`kept`: same period; `changed`: the new version’s period from the same start; `cancelled`: not counted any more; `armed`: new in this step.',
    ),
  status: z.string(),
  from: z.string().describe('The instant the period runs from (kept by a move).'),
  duration: z.number(),
  counting: z.string(),
  extendedDays: z.number(),
  pausedDays: z.number().describe('Days the clock stood still (kept by a move).'),
  dueAt: z.string().nullable(),
  lastDay: z.string().nullable(),
  overdue: z.boolean().describe('The due instant has passed (or had, when it was missed before).'),
  before: z.object({ duration: z.number(), counting: z.string(), dueAt: z.string().nullable() }).nullable(),
});

export const dryRunItemSchema = z
  .object({
    id: z.string(),
    canMove: z.boolean(),
    step: z.object({ from: z.string(), to: z.string().nullable() }),
    refusal: z.object({ reason: z.string(), message: z.string() }).nullable(),
    deadlines: z.array(deadlineAfter),
  })
  .meta({ id: 'MigrationDryRunItem' });

export const dryRunResponse = z.object({
  dryRun: z.literal(true),
  from: z.string(),
  to: z.string(),
  at: z.string().describe('The instant the moves were computed for.'),
  matched: z.number().describe('Petitions the filter matches (visibility count).'),
  items: z.array(dryRunItemSchema),
  nextPageToken: z.string().nullable(),
});

const countsSchema = z.object({
  matched: z.number().nullable(),
  processed: z.number(),
  moved: z.number(),
  refused: z.number(),
  failed: z.number(),
  remaining: z.number().nullable(),
});

export const startedResponse = z.object({
  dryRun: z.literal(false),
  id: z.string(),
  status: z.string(),
  from: z.string(),
  to: z.string(),
  replayed: z.boolean().describe('true when an earlier request with this Idempotency-Key started it.'),
});

export const reportResponse = z
  .object({
    id: z.string(),
    definition: z.string(),
    from: z.number(),
    to: z.number(),
    stepMap: z.record(z.string(), z.string()),
    filter: z.record(z.string(), z.unknown()),
    requestedBy: z.object({ role: z.string(), id: z.string().optional() }),
    requestedAt: z.string(),
    status: z.enum(['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed-out']),
    counts: countsSchema,
    runs: z.number(),
    finishedAt: z.string().nullable(),
    outcomes: z.object({
      total: z.number(),
      dropped: z.number(),
      offset: z.number(),
      items: z.array(
        z.object({
          petitionId: z.string(),
          outcome: z.enum(['moved', 'refused', 'failed']),
          step: z.object({ from: z.string(), to: z.string() }).optional(),
          reason: z.string().optional(),
          message: z.string().optional(),
        }),
      ),
    }),
  })
  .meta({ id: 'MigrationReport' });
