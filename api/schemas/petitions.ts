import { z } from 'zod';
import { STATUTORY_CATEGORIES, STATUTORY_CHANNELS } from '../../definitions/statutory';
import { departmentCode } from '../auth/principal';
import { dayOrInstant, instant, ordered, queryBool } from './common';

/** A petition id, as registration makes them (`XF` + day + 12 characters) or as older petitions have them. */
const petitionId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a petition id such as XF20260301K7M3Q9TX2B4D');

/** Art. 20: a group petition elects at most five representatives. */
export const MAX_REPRESENTATIVES = 5;

const person = {
  name: z.string().trim().min(1).max(100),
  phone: z.string().trim().min(1).max(40).optional(),
  idNumber: z.string().trim().min(1).max(40).optional(),
};

const petitionerSchema = z.strictObject({
  ...person,
  address: z.string().trim().min(1).max(500).optional(),
  email: z.email().max(254).optional().describe('Where notices are e-mailed when SMTP is configured.'),
});

/** `POST /v1/petitions` body. Unknown fields are refused, so a misspelt field is reported instead of dropped. */
export const registerPetitionBody = z
  .strictObject({
    channel: z.enum(STATUTORY_CHANNELS).describe('How it arrived (Art. 17).'),
    category: z
      .enum(STATUTORY_CATEGORIES)
      .describe('suggestion (Art. 29), report 检举控告 (Art. 30), complaint (Art. 31).'),
    petitioner: petitionerSchema,
    subject: z.string().trim().min(1).max(200),
    content: z.string().trim().min(1).max(20_000),
    receivedAt: instant
      .optional()
      .describe(
        'When the petition was received (default: now). Never in the future; a past instant registers a petition received earlier, and its statutory clocks run from then.',
      ),
    department: departmentCode
      .optional()
      .describe(
        'The body that received it directly (Art. 23 ¶2): its first step is the acceptance notice. Without it the petition is registered at the petition bureau and its first step is forwarding (Art. 22).',
      ),
    // The schema documents the statutory limit; more than 5 is refused with 422 statutory_rule citing Art. 20 (the
    // service checks it), beyond 100 with 400 like any oversized list.
    representatives: z
      .array(z.strictObject(person))
      .max(100)
      .optional()
      .describe(
        'Elected representatives of a group petition: at most 5 (Art. 20); more is 422 statutory_rule.',
      )
      .meta({ maxItems: MAX_REPRESENTATIVES }),
    concerns: departmentCode.optional().describe('For a report: the code of the body it is about (Art. 30).'),
    attachments: z
      .array(
        z.strictObject({
          name: z.string().trim().min(1).max(255),
          ref: z
            .string()
            .trim()
            .min(1)
            .max(500)
            .describe('An opaque reference to where the file is kept; never fetched.'),
        }),
      )
      .max(50)
      .optional(),
    definition: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}@[1-9]\d{0,5}$/, 'must be id@version, e.g. petition-2022@1')
      .optional()
      .describe('The published definition to follow (default: the latest version of petition-2022).'),
    sameMatterAs: petitionId
      .optional()
      .describe(
        'The id of an earlier petition of the same petitioner on the same matter (Arts. 19, 36 ¶3; `related` lists them). petition-2022@2: when that petition ended with a final re-review opinion, this one is registered and closed at once with a 不予受理告知书 (Art. 36 ¶3); when it is still open, this one is linked to it and closed as merged, with a notice; otherwise it is registered as usual, the link recorded.',
      ),
  })
  .meta({ id: 'RegisterPetition' });
export type RegisterPetitionBody = z.infer<typeof registerPetitionBody>;

export const petitionIdParam = z.object({ id: petitionId });

export const actionParams = petitionIdParam.extend({
  action: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be an action id such as accept or request-review'),
});

/** The action's own fields; checked against the definition by the workflow (unknown fields are refused). */
export const actionBody = z.record(z.string(), z.unknown()).default({}).meta({ id: 'ActionInput' });

/** `POST /v1/petitions/:id/access-code`: the petitioner's identity as their documents show it. */
export const reissueAccessCodeBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).describe("The petitioner's name as on their identity document."),
    idNumber: z.string().trim().min(1).max(40).optional().describe('Their ID number, if one was registered.'),
    phone: z.string().trim().min(1).max(40).optional().describe('Their phone number, if one was registered.'),
  })
  .refine((b) => b.idNumber !== undefined || b.phone !== undefined, {
    message: 'give the ID number or the phone (as registered) besides the name',
    path: ['idNumber'],
  })
  .meta({ id: 'IdentityProof' });

export const accessCodeReissuedSchema = z
  .object({
    id: z.string(),
    accessCode: z
      .string()
      .describe('The new access code: shown once, only in this response; the old one no longer works.'),
    reissuedAt: z.string(),
  })
  .meta({ id: 'AccessCodeReissued' });

export const accessCodeHeaders = z.object({
  'x-access-code': z
    .string()
    .max(64)
    .optional()
    .describe("The petitioner's access code issued at registration (instead of a bearer token)."),
});

const actorSchema = z.object({
  role: z.string(),
  id: z.string().optional(),
  department: z.string().optional(),
});

export const deadlineSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    step: z.string(),
    article: z.string(),
    state: z.enum(['pending', 'running', 'paused', 'met', 'missed', 'cancelled']),
    dueAt: z.string().nullable(),
    lastDay: z.string().nullable(),
    provisional: z.boolean(),
    paused: z.boolean(),
    overdue: z.boolean(),
    explanation: z.string(),
    counting: z.string(),
    duration: z.number(),
    extendedDays: z.number(),
    pausedDays: z.number(),
    from: z.string(),
    closedAt: z.string().nullable(),
    missedAt: z.string().nullable(),
    graceEndsAt: z
      .string()
      .nullable()
      .optional()
      .describe(
        'A request window after its end: requests received in time may be entered until then (Art. 35–36).',
      ),
    approvedBy: z.string().nullable().optional().describe('Who approved the latest extension (user id).'),
    approverTitle: z
      .string()
      .nullable()
      .optional()
      .describe('In what capacity (e.g. 本机关负责人, Art. 34).'),
    originalLastDay: z
      .string()
      .nullable()
      .optional()
      .describe('The last day before the extension, from which the extension counts.'),
  })
  .meta({ id: 'Deadline' });

const timelineEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  type: z.string(),
  step: z.string().optional(),
  actor: actorSchema.optional(),
  action: z.string().optional(),
  deadline: z.string().optional(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});

const outcomeSchema = z
  .object({ endEvent: z.string(), outcome: z.string(), final: z.boolean(), at: z.string() })
  .nullable();

const documentSchema = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  text: z.string(),
  step: z.string(),
  generatedAt: z.string(),
});

const personOut = z.object({
  name: z.string(),
  address: z.string().optional(),
  phone: z.string().optional(),
  idNumber: z.string().optional(),
  email: z.string().optional(),
});

/** `GET /v1/petitions/:id`: the petition as the caller may see it. */
export const petitionDetailSchema = z
  .object({
    id: z.string(),
    status: z.enum(['open', 'closed']),
    step: z.string().describe('The current step (element id of the definition).'),
    stepName: z.string(),
    category: z.string(),
    channel: z.string(),
    department: z.string().nullable().describe('The body handling the petition.'),
    holder: z
      .string()
      .nullable()
      .optional()
      .describe(
        'The body holding the current step (the reviewing body during a review); null while the bureau or the petitioner holds it.',
      ),
    concerns: z
      .string()
      .nullable()
      .optional()
      .describe('For a report: the body it is about (only shown to registrar, supervisor, admin).'),
    receivedAt: z.string(),
    registeredAt: z.string().optional().describe('When the petition was registered.'),
    lateRegistrationDays: z
      .number()
      .nullable()
      .optional()
      .describe(
        'Whole days the registration came after the day following receipt (Arts. 43–44), where the definition counts them.',
      ),
    definition: z.object({ id: z.string(), version: z.number(), hash: z.string() }),
    subject: z.string(),
    content: z.string(),
    petitioner: personOut.describe('Masked unless the caller needs the identity (Art. 30 for reports).'),
    identityMasked: z.boolean(),
    representatives: z.array(personOut),
    attachments: z.array(z.object({ name: z.string(), ref: z.string() })),
    deadlines: z.array(deadlineSchema),
    availableActions: z.array(z.string()).describe("The actions the caller's role may take now."),
    timeline: z.array(timelineEntrySchema),
    documents: z.array(documentSchema),
    supervision: z.array(
      z.object({
        seq: z.number(),
        issuedAt: z.string(),
        reason: z.string(),
        answerDays: z.number(),
        step: z.string(),
        department: z.string().optional(),
        answeredAt: z.string().optional().describe('When the supervised body answered in writing (Art. 40).'),
        answer: z.string().optional(),
      }),
    ),
    outcome: outcomeSchema,
    metrics: z.object({
      acceptedOnTime: z.boolean().optional(),
      finishedOnTime: z.boolean().optional(),
      satisfaction: z.string().optional(),
    }),
    sameMatter: z
      .object({
        id: z.string(),
        status: z.enum(['open', 'closed']),
        outcome: z.string().nullable(),
        final: z.boolean(),
      })
      .nullable()
      .describe('The petition registered as the same matter (`sameMatterAs`), as it was at registration.'),
  })
  .meta({ id: 'Petition' });

/** Another petition of the same petitioner (the same identity key), from visibility: no personal data. */
export const relatedPetitionSchema = z
  .object({
    id: z.string(),
    step: z.string().nullable(),
    status: z.string().nullable(),
    outcome: z
      .string()
      .nullable()
      .describe('The outcome of the end it reached (from its flags); null while open.'),
    final: z.boolean().describe('It ended with a final re-review opinion (Art. 36 ¶3).'),
  })
  .meta({ id: 'RelatedPetition' });
export type RelatedPetition = z.infer<typeof relatedPetitionSchema>;

const related = z
  .array(relatedPetitionSchema)
  .describe(
    'The other petitions of the same petitioner (the same key of the ID number, else of the name with the phone; none when neither is given), newest first, at most 100 (Arts. 19, 36 ¶3).',
  );

/** `POST /v1/petitions/related` body: the petitioner as registration would take it. */
export const relatedBody = z.strictObject({ petitioner: petitionerSchema }).meta({ id: 'RelatedQuery' });
export const relatedResponse = z.object({ related });
export type PetitionDetail = z.infer<typeof petitionDetailSchema>;

/**
 * `POST /v1/petitions/:id/actions/:action`: the state the action led to, for the caller, as the petition's workflow
 * answered it (one round trip). `GET` shows the whole petition.
 */
export const actionAnswerSchema = z
  .object({
    id: z.string(),
    status: z.enum(['open', 'closed']),
    step: z
      .string()
      .describe(
        'The current step. A hand-over to a body (e.g. deliver-to-department) is a step of its own until the body has received the petition.',
      ),
    stepName: z.string(),
    holder: z
      .string()
      .nullable()
      .describe(
        'The body holding the step; on a hand-over, the body it goes to once known (a review body once the registry has named it).',
      ),
    deadlines: z
      .array(
        deadlineSchema
          .pick({
            id: true,
            key: true,
            name: true,
            state: true,
            dueAt: true,
            lastDay: true,
            explanation: true,
            article: true,
            overdue: true,
          })
          .meta({ id: 'ActionDeadline' }),
      )
      .describe('The open deadlines and those of the current step.'),
    availableActions: z.array(z.string()).describe("The actions the caller's role may take now."),
    outcome: outcomeSchema,
    timeline: z
      .array(timelineEntrySchema)
      .describe('The timeline entries this action added (GET has the whole timeline).'),
    lastSeq: z.number().describe("The sequence number of the petition's latest timeline entry."),
  })
  .meta({ id: 'ActionResult' });

export const registeredSchema = petitionDetailSchema
  .extend({
    related,
    accessCode: z
      .string()
      .describe(
        "The petitioner's access code: shown once, only in this response; hand it to the petitioner.",
      ),
  })
  .meta({ id: 'RegisteredPetition' });

export const replayedSchema = petitionDetailSchema
  .extend({
    related,
    replayed: z
      .literal(true)
      .describe('A retry with the same Idempotency-Key: no access code is shown again.'),
  })
  .meta({ id: 'ReplayedRegistration' });

/** `GET /v1/petitions` query. */
export const listQuery = z
  .strictObject({
    step: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a step id')
      .optional(),
    department: departmentCode.optional(),
    status: z.enum(['open', 'closed']).optional(),
    category: z.enum(STATUTORY_CATEGORIES).optional(),
    overdue: queryBool
      .optional()
      .describe('true: open and past the earliest body deadline; false: the others.'),
    dueBefore: dayOrInstant.optional(),
    receivedFrom: dayOrInstant.optional(),
    receivedTo: dayOrInstant.optional(),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
    pageToken: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,4096}\.[A-Za-z0-9_-]{22}$/, 'must be the nextPageToken of a previous page')
      .optional(),
  })
  .refine((q) => ordered(q.receivedFrom, q.receivedTo), {
    message: 'must not lie before `receivedFrom`: the range is [receivedFrom, receivedTo)',
    path: ['receivedTo'],
  });
export type ListQuery = z.infer<typeof listQuery>;

/** A list item: search attributes only, so never any personal data. */
export const petitionListItemSchema = z
  .object({
    id: z.string(),
    status: z.string().nullable(),
    step: z.string().nullable(),
    category: z.string().nullable(),
    channel: z.string().nullable(),
    department: z.string().nullable(),
    receivedAt: z.string().nullable(),
    dueAt: z.string().nullable(),
    overdue: z.boolean(),
  })
  .meta({ id: 'PetitionListItem' });
export type PetitionListItem = z.infer<typeof petitionListItemSchema>;

export const petitionListSchema = z.object({
  items: z.array(petitionListItemSchema),
  nextPageToken: z.string().nullable(),
});
