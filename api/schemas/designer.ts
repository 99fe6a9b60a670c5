/**
 * The designer's routes (api/routes/designer.ts): the dry run of a definition, the diff of a draft against a
 * published version, and the drafts kept between sessions.
 */
import { z } from 'zod';
import { departmentCode } from '../auth/principal';
import { instant } from './common';
import { issueSchema } from './definitions';

const definitionId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a definition id such as petition-2022');

export const draftParams = z.object({ id: definitionId });

/** `id@version` of a published (or shipped) definition; `id` alone is its latest version. */
export const definitionRef = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,63}(@[1-9]\d{0,5})?$/,
    'must be a published definition as id@version (e.g. petition-2022@2), or its id for the latest version',
  );

const inlineSource = z.strictObject({
  source: z.string().min(1).max(1_000_000).describe('The definition text.'),
  format: z.enum(['yaml', 'json', 'bpmn']).default('yaml'),
});

/** A definition to run or compare: a published one by reference, or a source (a draft, a file). */
export const definitionInput = z
  .union([definitionRef, inlineSource])
  .describe('`"id@version"` (or `"id"`: the latest) of a published definition, or `{ source, format }`.');

const actor = z.object({
  role: z.string(),
  id: z.string().optional(),
  department: z.string().optional(),
});

export const simulateBody = z
  .strictObject({
    definition: definitionInput,
    start: instant.describe('When the petition is registered; its clocks start from here.'),
    petition: z
      .strictObject({
        category: z
          .string()
          .min(1)
          .max(64)
          .optional()
          .describe("One of the definition's registration categories (default: the first declared)."),
        channel: z
          .string()
          .min(1)
          .max(64)
          .optional()
          .describe("One of the definition's registration channels (default: the first declared)."),
        department: departmentCode
          .optional()
          .describe(
            'The body that received it directly; without it, it is registered centrally (at the petition bureau).',
          ),
        concerns: departmentCode.optional().describe('For a confidential category: the body it is about.'),
        receivedAt: instant.optional().describe('When it was received (default: `start`).'),
        subject: z.string().min(1).max(200).optional(),
        content: z.string().min(1).max(20_000).optional(),
        identityClear: z
          .boolean()
          .optional()
          .describe(
            "Default true: the petitioner's name and address are known. False registers them blank (notices not owed, Art. 23 ¶2).",
          ),
      })
      .optional()
      .describe('The registration facts (each with a default).'),
    actions: z
      .array(
        z.strictObject({
          action: z.string().min(1).max(100),
          at: instant,
          input: z.record(z.string(), z.unknown()).optional(),
          role: z
            .string()
            .min(1)
            .max(64)
            .optional()
            .describe('Who acts (default: the first role the action names).'),
          department: departmentCode
            .optional()
            .describe('The body the actor acts for (default: the body holding the step).'),
        }),
      )
      .max(500)
      .default([])
      .describe('In the order they happen; none before `start`.'),
    until: instant
      .optional()
      .describe(
        'Timers fire up to here after the last action (default: until no deadline is left to wake for).',
      ),
  })
  .meta({ id: 'SimulationRequest' });

const deadlineOut = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  step: z.string(),
  article: z.string(),
  state: z.string(),
  from: z.string(),
  duration: z.number(),
  counting: z.string(),
  extendedDays: z.number(),
  pausedDays: z.number(),
  dueAt: z.string().nullable().describe('The instant it ends: 24:00 of the last day, Asia/Shanghai.'),
  lastDay: z.string().nullable(),
  provisional: z.boolean().describe('Counted over a year whose holiday arrangement is not yet published.'),
  overdue: z.boolean(),
  explanation: z.string().describe("The calendar's explanation: the rule applied, rest days skipped."),
  closedAt: z.string().nullable(),
  missedAt: z.string().nullable(),
});

const timelineOut = z.object({
  seq: z.number(),
  at: z.string(),
  type: z.string(),
  step: z.string().optional(),
  action: z.string().optional(),
  deadline: z.string().optional(),
  message: z.string(),
  actor: actor.optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

const stepCause = z.object({
  kind: z.enum(['start', 'action', 'timer', 'service-task']),
  index: z.number().int().optional(),
  action: z.string().optional(),
  element: z.string().optional(),
});

export const simulationResponse = z
  .object({
    definition: z.object({
      id: z.string(),
      version: z.number().int(),
      hash: z.string(),
      from: z.enum(['published', 'source']),
    }),
    start: z.string(),
    petition: z.object({
      category: z.string(),
      channel: z.string(),
      department: z.string().optional(),
      receivedAt: z.string(),
    }),
    steps: z
      .array(
        z.object({
          at: z.string(),
          element: z.string(),
          name: z.string(),
          type: z.string(),
          cause: stepCause,
        }),
      )
      .describe("The token's path, each with the instant it got there and what moved it."),
    applied: z.array(
      z.object({ index: z.number().int(), action: z.string(), at: z.string(), step: z.string(), actor }),
    ),
    deadlines: z.array(deadlineOut),
    happenings: z
      .array(timelineOut)
      .describe(
        'What happened on its own between actions: warnings, expiries, escalations, windows closing.',
      ),
    documents: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        title: z.string(),
        step: z.string(),
        generatedAt: z.string(),
        text: z.string(),
      }),
    ),
    timeline: z.array(timelineOut),
    refused: z
      .object({
        index: z.number().int(),
        action: z.string(),
        at: z.string(),
        step: z.string(),
        type: z.string(),
        message: z.string(),
        details: z.record(z.string(), z.unknown()).optional(),
      })
      .optional()
      .describe('The action the engine refused; it stopped the run (later actions were not applied).'),
    failed: z
      .object({ at: z.string(), step: z.string(), message: z.string() })
      .optional()
      .describe('A defect of the definition the engine met while running it.'),
    end: z.object({
      status: z.enum(['open', 'closed']),
      step: z.string(),
      stepName: z.string(),
      outcome: z
        .object({ endEvent: z.string(), outcome: z.string(), final: z.boolean(), at: z.string() })
        .nullable(),
      at: z.string(),
    }),
  })
  .meta({ id: 'SimulationResult' });

export const diffBody = z
  .strictObject({
    base: definitionInput.describe('What the draft is compared with (usually the published version).'),
    draft: definitionInput,
  })
  .meta({ id: 'DefinitionDiffRequest' });

const fieldChange = z.object({
  path: z.string().describe('The field, e.g. `duration` or `fields.reason.required`.'),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

export const diffResponse = z
  .object({
    base: z.object({ id: z.string(), version: z.number().int(), hash: z.string() }),
    draft: z.object({ id: z.string(), version: z.number().int(), hash: z.string() }),
    same: z.boolean().describe('The two definitions are the same (but for id, version and layout).'),
    changes: z.array(
      z.object({
        kind: z.enum(['added', 'removed', 'changed']),
        scope: z.enum([
          'definition',
          'element',
          'flow',
          'deadline',
          'action',
          'global-action',
          'document',
          'variable',
          'role',
        ]),
        id: z.string().describe('The id of what changed (a deadline or action: `step/id`).'),
        elementId: z.string().optional().describe('The diagram element it concerns (for markers).'),
        name: z.string().optional(),
        fields: z.array(fieldChange).optional().describe('For `changed`: what changed, field by field.'),
      }),
    ),
  })
  .meta({ id: 'DefinitionDiff' });

export const draftBody = z
  .strictObject({
    source: z.string().min(1).max(1_000_000),
    format: z.enum(['yaml', 'json', 'bpmn']).default('bpmn'),
    baseRevision: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'The revision this edit started from (0: none yet). A draft saved by someone else since answers 409; omit to overwrite.',
      ),
    basedOn: z.number().int().min(1).optional().describe('The published version the draft was started from.'),
  })
  .meta({ id: 'DraftSave' });

export const draftSchema = z
  .object({
    id: z.string(),
    revision: z.number().int().describe('Bumped by every save.'),
    source: z.string(),
    format: z.enum(['yaml', 'json', 'bpmn']),
    basedOn: z.number().int().optional(),
    savedAt: z.string(),
    savedBy: actor,
  })
  .meta({ id: 'DefinitionDraft' });

export const draftSavedResponse = draftSchema
  .omit({ source: true })
  .extend({ issues: z.array(issueSchema).describe("The validator's issues with what was saved.") })
  .meta({ id: 'DefinitionDraftSaved' });

export const draftListResponse = z.object({ items: z.array(draftSchema.omit({ source: true })) });
