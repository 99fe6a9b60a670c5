import { z } from 'zod';

/**
 * The process definition language: a BPMN-style graph of steps (elements) joined by sequence flows, with user
 * tasks that wait for actions by roles, service tasks that run activities, exclusive gateways with FEEL
 * conditions, end events with an outcome, and legal deadlines attached to user tasks.
 *
 * Semantics the interpreter (workflows/engine) relies on:
 * - One token. It leaves the start event along its single outgoing flow; at an exclusive gateway it takes the
 *   first outgoing flow (in document order) whose FEEL condition is true, else the default flow; a service task
 *   runs its activity and follows its single outgoing flow; a user task waits for one of its actions; an end event
 *   finishes the petition with its outcome.
 * - An action with `to` moves the token to that element; without `to` it stays (extend, hearing-start, …).
 * - `set` assigns variables from FEEL expressions evaluated over the declared variables plus `input` (the
 *   action's fields) and `actionTime` (ISO instant of the action).
 * - `registration.variables` are set once, when the petition is registered: FEEL over `petition` (the registered
 *   facts), a `datetime` variable stored as an ISO instant (UTC). Then the start event's `set` is evaluated: FEEL
 *   over the variables plus `actionTime` (the start instant); there is no `input`. (Added so a definition can
 *   derive its own clocks from the intake, e.g. `receivedByBodyAt` for a petition received directly.)
 * - A deadline is armed when the token enters its user task and stays armed while the token is in that task or
 *   one of `spans`; leaving that set before the due instant meets it, otherwise it was missed. `receipt` is the
 *   instant the petition was received (its registered `receivedAt`).
 * - The engine knows no statute: the bodies that hold steps (`assignees`), the roles, categories and channels, the
 *   variables set at registration and the texts it records (supervision orders, pauses, final ends, reads of a
 *   confidential petition) are declared here. A definition written before some of these declarations means what
 *   the engine then hard-coded for all definitions: see `upgradeDefinition` (upgrade.ts).
 * - `flags` are evaluated after every step into the keywords of the `PetitionFlags` search attribute: each is a FEEL
 *   expression over the declared variables plus the engine facts (`FLAG_FACTS`): `true` sets the flag's own name, a
 *   string sets that keyword, a list of strings sets each; anything else sets nothing. Keywords are opaque codes
 *   (`route:investigation`), never personal data; a definition without `flags` sets none.
 */

/** Ids are stable wire names (they live in workflow histories): lower-case kebab case. */
export const IdSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/,
    'must be kebab-case: lower-case letters and digits joined by "-"',
  );

/** A variable name usable in FEEL: a letter followed by letters and digits (camelCase). */
export const VariableNameSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9]*$/,
    'must be a FEEL-friendly name: letters and digits, starting with a letter',
  );

export const VariableTypes = ['string', 'number', 'boolean', 'datetime'] as const;
export type VariableType = (typeof VariableTypes)[number];

export const VariableSchema = z
  .object({
    type: z.enum(VariableTypes),
    values: z.array(z.string()).min(1).optional().describe('allowed values of a string variable'),
    description: z.string().optional(),
  })
  .strict();
export type Variable = z.infer<typeof VariableSchema>;

export const FieldTypes = ['string', 'text', 'integer', 'boolean', 'datetime', 'enum'] as const;
export type FieldType = (typeof FieldTypes)[number];

/** An input field of an action: what the API validates before the action reaches the workflow. */
export const FieldSchema = z
  .object({
    type: z.enum(FieldTypes),
    required: z.boolean().default(false),
    values: z.array(z.string()).min(1).optional().describe('allowed values of an enum field'),
    min: z.number().int().optional(),
    max: z.number().int().optional(),
    maxLength: z.number().int().positive().optional(),
    notBefore: z
      .string()
      .min(1)
      .optional()
      .describe(
        'datetime fields: FEEL giving the earliest instant accepted (e.g. when the document it dates was issued); null: no bound',
      ),
    notAfter: z
      .string()
      .min(1)
      .optional()
      .describe(
        'datetime fields: FEEL giving the latest instant accepted (e.g. `actionTime`); null: no bound',
      ),
    description: z.string().optional(),
  })
  .strict();
export type Field = z.infer<typeof FieldSchema>;

export const Countings = ['calendar-days', 'working-days'] as const;
export type Counting = (typeof Countings)[number];

/** The deadline a supervision order sets the body holding the step for its written answer. */
export const SupervisionAnswerSchema = z
  .object({
    name: z.string().min(1),
    article: z.string().min(1).describe('the article the order and its answer period come from'),
    days: z.number().int().positive().describe('the answer period when the action gives no `answerDays`'),
    counting: z.enum(Countings),
  })
  .strict();
export type SupervisionAnswer = z.infer<typeof SupervisionAnswerSchema>;

/**
 * An accountable failure (Arts. 43–45 of the statutory default): what the body failed to do and the article that
 * makes it accountable. The engine records a timeline entry of type `accountability` naming the body, the period,
 * the period's article and the dates.
 */
export const AccountabilitySchema = z
  .object({
    failure: z.string().min(1).describe('the failure in words, e.g. 未在规定期限内书面告知'),
    article: z.string().min(1).describe('the article that makes it accountable'),
    bodyName: z
      .string()
      .min(1)
      .optional()
      .describe('who is named when no body code holds the step (e.g. the petition bureau, 信访部门)'),
  })
  .strict();
export type Accountability = z.infer<typeof AccountabilitySchema>;

/** What an action does to a deadline or to the petition besides moving the token. */
export const EffectSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('extend'), deadline: IdSchema }).strict(),
  z.object({ type: z.literal('pause'), deadline: IdSchema }).strict(),
  z.object({ type: z.literal('resume'), deadline: IdSchema }).strict(),
  z
    .object({
      type: z.literal('supervise'),
      answer: SupervisionAnswerSchema.optional(),
      message: z
        .string()
        .min(1)
        .optional()
        .describe('the timeline entry of the order; placeholders {{reason}} and {{answerDays}}'),
      notice: z
        .string()
        .min(1)
        .optional()
        .describe('what the supervisor contact is told; placeholders {{reason}} and {{answerDays}}'),
      answeredBy: IdSchema.optional().describe(
        'the action (effect `answer-supervision`) that alone meets the answer period: the order then goes to the body holding the current step (the handling body when none does) and stays open when the step changes; absent: the order is met when its step is left',
      ),
      accountability: AccountabilitySchema.optional().describe(
        'recorded when the answer period passes unanswered',
      ),
    })
    .strict()
    .describe(
      'a supervision order to the body holding the step: arms its answer deadline; reads the fields `reason` and `answerDays`',
    ),
  z.object({ type: z.literal('evaluate') }).strict(),
  z
    .object({ type: z.literal('answer-supervision') })
    .strict()
    .describe(
      "the supervised body's written answer: meets the oldest open supervision order addressed to the actor's body",
    ),
  z
    .object({
      type: z.literal('recuse'),
      article: z.string().min(1).describe('the article requiring the recusal'),
    })
    .strict()
    .describe('the actor (their user id) may not act on the petition from now on'),
  z
    .object({
      type: z.literal('escalate'),
      message: z
        .string()
        .min(1)
        .describe(
          'what the supervisor contact of the body concerned is told at once; placeholder {{reason}}',
        ),
    })
    .strict()
    .describe('raises the matter at once to the supervisor contact of the body holding the step'),
]);
export type Effect = z.infer<typeof EffectSchema>;

/** A statutory rule checked before an action is accepted: when the FEEL condition is false the action is refused. */
export const GuardSchema = z
  .object({
    condition: z.string().min(1),
    message: z.string().min(1),
    article: z.string().min(1),
  })
  .strict();

export const ActionSchema = z
  .object({
    id: IdSchema,
    name: z.string().min(1),
    roles: z.array(z.string().min(1)).min(1),
    fields: z.record(VariableNameSchema, FieldSchema).default({}),
    to: IdSchema.optional(),
    set: z.record(VariableNameSchema, z.string().min(1)).default({}),
    effect: EffectSchema.optional(),
    document: IdSchema.optional().describe('a document generated and served when the action is taken'),
    guards: z.array(GuardSchema).default([]),
    accountability: AccountabilitySchema.extend({
      body: VariableNameSchema.describe('the variable naming the body accountable'),
      deadline: IdSchema.optional().describe('the period it concerns, named in the entry'),
    })
      .strict()
      .optional()
      .describe('taking the action records an accountable failure of the body the variable names'),
    description: z.string().optional(),
  })
  .strict();
export type Action = z.infer<typeof ActionSchema>;

/** An action available in many user tasks (withdrawal, supervision). */
export const GlobalActionSchema = ActionSchema.extend({
  steps: z.array(IdSchema).min(1).optional().describe('the user tasks where it is offered; all when absent'),
}).strict();
export type GlobalAction = z.infer<typeof GlobalActionSchema>;

export const OnExpirySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('overdue'),
      escalate: z.boolean().default(true),
    })
    .strict()
    .describe('mark the petition overdue, name who missed it, escalate, and keep waiting'),
  z
    .object({ kind: z.literal('follow'), to: IdSchema })
    .strict()
    .describe("move the token on (a petitioner's window closing)"),
  z
    .object({ kind: z.literal('lapse') })
    .strict()
    .describe('nothing moves; only `refuseAfter` actions close'),
]);
export type OnExpiry = z.infer<typeof OnExpirySchema>;

export const DeadlineSchema = z
  .object({
    id: IdSchema,
    name: z.string().min(1),
    article: z
      .string()
      .min(1)
      .describe('the article the deadline comes from, e.g. 《信访工作条例》第三十四条'),
    duration: z.number().int().positive(),
    counting: z.enum(Countings),
    from: z
      .string()
      .min(1)
      .describe(
        '"receipt" (the petition was received), "entered" (the step was entered) or a datetime variable',
      ),
    spans: z.array(IdSchema).default([]),
    pause: z
      .object({
        start: IdSchema,
        end: IdSchema,
        name: z
          .string()
          .min(1)
          .optional()
          .describe('what stops the clock (e.g. 听证), named in the timeline and in the paused explanation'),
        counting: z
          .enum(['inclusive', 'exclusive'])
          .optional()
          .describe(
            'inclusive: every civil day the pause touches is taken out (3–4 March: 2 days); absent or exclusive: the days after the day it began (3–4 March: 1 day; at least 1)',
          ),
      })
      .strict()
      .optional(),
    extension: z
      .object({
        maxDays: z.number().int().positive(),
        maxTimes: z.number().int().positive().default(1),
        approvalRoles: z.array(z.string().min(1)).min(1),
        reasonRequired: z.boolean().default(true),
        approval: z
          .object({
            title: z.string().min(1).describe('who approves, named in the notice (e.g. 本机关负责人)'),
            accountability: AccountabilitySchema.optional().describe(
              'recorded when an extension is attempted without the approver claim',
            ),
          })
          .strict()
          .optional()
          .describe(
            "the actor must carry the approver claim (token `approver: true`); without it the attempt is refused (403) and recorded; the approver's id is recorded",
          ),
        from: z
          .enum(['period-start', 'period-end'])
          .optional()
          .describe(
            'period-end: the added days count from the last day of the period as the calendar fixed it; absent or period-start: the days lengthen the period counted from its start',
          ),
      })
      .strict()
      .optional(),
    warnings: z.array(z.number().int().positive()).default([]).describe('days before the due instant'),
    onExpiry: OnExpirySchema,
    refuseAfter: z.array(IdSchema).default([]).describe('actions refused once the deadline has passed'),
    lateEntry: z
      .object({
        field: VariableNameSchema.describe(
          'the datetime field of the `refuseAfter` actions stating when the request was received',
        ),
        graceDays: z
          .number()
          .int()
          .positive()
          .describe(
            'days after the due instant during which a request received in time may still be entered',
          ),
      })
      .strict()
      .optional()
      .describe(
        "a window judged on the request's receipt: a `refuseAfter` action is refused only when the received instant is past due; on expiry the step stays open `graceDays` longer before `onExpiry` applies, and the outcome is dated at the window's end",
      ),
    metBy: z
      .array(IdSchema)
      .optional()
      .describe(
        'actions that meet the deadline when taken, wherever the token goes next (not when it rests)',
      ),
    cancelledBy: z
      .array(IdSchema)
      .optional()
      .describe('actions that end the deadline as no longer owed (neither met nor missed)'),
    accountability: AccountabilitySchema.optional().describe(
      'recorded, naming the accountable body, when the deadline is missed',
    ),
    metric: z
      .enum(['acceptance', 'completion'])
      .optional()
      .describe('the supervisor rate this deadline feeds'),
    description: z.string().optional(),
  })
  .strict();
export type Deadline = z.infer<typeof DeadlineSchema>;

export const Assignees = ['bureau', 'department', 'superior', 'superior-of-superior', 'petitioner'] as const;
export type Assignee = (typeof Assignees)[number];

export const ActivityKinds = ['notice', 'delivery', 'escalation', 'archive'] as const;
export type ActivityKind = (typeof ActivityKinds)[number];

const base = {
  id: IdSchema,
  name: z.string().min(1).optional(),
  description: z.string().optional(),
};

export const StartEventSchema = z
  .object({
    ...base,
    type: z.literal('startEvent'),
    set: z
      .record(VariableNameSchema, z.string().min(1))
      .default({})
      .describe('variables set once at start: FEEL over the built-in variables and `actionTime`'),
  })
  .strict();
export const EndEventSchema = z
  .object({
    ...base,
    type: z.literal('endEvent'),
    outcome: IdSchema.describe('how the petition ended: final, diverted, declined, withdrawn, …'),
    final: z.boolean().default(false).describe('the matter is closed for good: it may not be raised again'),
    note: z
      .string()
      .min(1)
      .optional()
      .describe('added in brackets to the timeline entry of the end, e.g. the article that makes it final'),
    refusalNote: z
      .string()
      .min(1)
      .optional()
      .describe('added to the refusal of any action taken once the petition ended here'),
  })
  .strict();
export const UserTaskSchema = z
  .object({
    ...base,
    name: z.string().min(1),
    type: z.literal('userTask'),
    assignee: z.enum(Assignees),
    actions: z.array(ActionSchema).default([]),
    deadlines: z.array(DeadlineSchema).default([]),
  })
  .strict();
export const ServiceTaskSchema = z
  .object({
    ...base,
    name: z.string().min(1),
    type: z.literal('serviceTask'),
    activity: z.enum(ActivityKinds),
    document: IdSchema.optional(),
    recipient: z.enum(['petitioner', 'department', 'supervisor']).optional(),
    set: z
      .record(VariableNameSchema, z.string().min(1))
      .optional()
      .describe(
        'variables set when the task completes: FEEL over the variables and `actionTime` (the instant it completed; for a notice, when its document was issued)',
      ),
    receiverOf: VariableNameSchema.optional().describe(
      'a delivery to the body registered as receiving matters of the procedure this variable names (e.g. the political-legal body for litigation); nothing is delivered when none is registered',
    ),
    records: VariableNameSchema.optional().describe('the variable that records the body a delivery reached'),
  })
  .strict();
export const ExclusiveGatewaySchema = z.object({ ...base, type: z.literal('exclusiveGateway') }).strict();

export const ElementSchema = z.discriminatedUnion('type', [
  StartEventSchema,
  EndEventSchema,
  UserTaskSchema,
  ServiceTaskSchema,
  ExclusiveGatewaySchema,
]);
export type Element = z.infer<typeof ElementSchema>;
export type UserTask = z.infer<typeof UserTaskSchema>;
export type ServiceTask = z.infer<typeof ServiceTaskSchema>;
export type EndEvent = z.infer<typeof EndEventSchema>;

export const FlowSchema = z
  .object({
    id: IdSchema,
    from: IdSchema,
    to: IdSchema,
    condition: z.string().min(1).optional().describe('a FEEL expression over the declared variables'),
    default: z.boolean().default(false),
    name: z.string().optional(),
  })
  .strict();
export type Flow = z.infer<typeof FlowSchema>;

/** A document the engine generates from a template: `{{path}}` placeholders over the petition's facts. */
export const DocumentSchema = z
  .object({
    title: z.string().min(1),
    template: z.string().min(1),
    article: z.string().optional(),
  })
  .strict();
export type DocumentTemplate = z.infer<typeof DocumentSchema>;

/** A category a petition may be registered in (建议意见类, …). */
export const CategorySchema = z
  .object({
    name: z.string().min(1),
    confidential: z
      .boolean()
      .default(false)
      .describe('every read is recorded in the timeline, and it is never delivered to the body it concerns'),
    readMessage: z
      .string()
      .min(1)
      .optional()
      .describe('the timeline entry of a read of a confidential petition; placeholder {{reader}}'),
    description: z.string().optional(),
  })
  .strict();
export type Category = z.infer<typeof CategorySchema>;

/** A channel a petition may arrive by (来信, 来访, …). */
export const ChannelSchema = z
  .object({ name: z.string().min(1), description: z.string().optional() })
  .strict();
export type Channel = z.infer<typeof ChannelSchema>;

/** How a petition is registered: what it may be registered as, and the variables the engine sets then. */
export const RegistrationSchema = z
  .object({
    categories: z.record(IdSchema, CategorySchema).describe('the categories, by id (the `category` fact)'),
    channels: z.record(IdSchema, ChannelSchema).describe('the channels, by id (the `channel` fact)'),
    variables: z
      .record(VariableNameSchema, z.string().min(1))
      .default({})
      .describe(
        'variables set when the petition is registered, in this order: FEEL over `petition` (the registered facts)',
      ),
    message: z
      .string()
      .min(1)
      .optional()
      .describe('the timeline entry of the registration: FEEL over these variables and `petition`, a string'),
  })
  .strict();
export type Registration = z.infer<typeof RegistrationSchema>;

/** Who acts for the assignee of a user task. */
export const AssigneeSchema = z
  .object({
    holder: VariableNameSchema.optional().describe(
      "the variable naming the body that holds a step of this assignee (its deadlines' accountable body; deliveries record the body they reach in it)",
    ),
    role: z
      .string()
      .min(1)
      .optional()
      .describe('the role whose staff act for that body: they may act only for the body the variable names'),
    receipt: VariableNameSchema.optional().describe(
      'the datetime variable holding when the body holding such a step received the petition: a delivery sets it to the instant it reached the body (the forwarding instant for a manual connector); a body that received the petition before keeps its first receipt',
    ),
    description: z.string().optional(),
  })
  .strict();
export type AssigneeDeclaration = z.infer<typeof AssigneeSchema>;

const BoundsSchema = z
  .object({ x: z.number(), y: z.number(), width: z.number().nonnegative(), height: z.number().nonnegative() })
  .strict();
const PointSchema = z.object({ x: z.number(), y: z.number() }).strict();

/**
 * The layout a designer made in a BPMN modeller (BPMN DI), kept so that exporting the definition again gives the
 * same diagram. It has no effect on the process. Shapes are keyed by element id, edges by flow id; the BPMN form's
 * own shapes and edges (deadline timers, action and expiry flows) by the ids it derives for them
 * ("BPMN 2.0 XML" in definitions/README.md). Absent: the export lays the diagram out itself.
 */
export const DiagramSchema = z
  .object({
    shapes: z
      .record(z.string().min(1), BoundsSchema.extend({ label: BoundsSchema.optional() }).strict())
      .default({}),
    edges: z
      .record(
        z.string().min(1),
        z.object({ waypoints: z.array(PointSchema).min(2), label: BoundsSchema.optional() }).strict(),
      )
      .default({}),
  })
  .strict();
export type Diagram = z.infer<typeof DiagramSchema>;

export const DefinitionSchema = z
  .object({
    $schema: z.string().optional(),
    id: IdSchema,
    version: z.number().int().positive(),
    name: z.string().min(1),
    description: z.string().optional(),
    roles: z.array(z.string().min(1)).min(1),
    listedBody: z
      .enum(['holder', 'handling'])
      .optional()
      .describe(
        "the body a petition is listed under (PetitionDepartment, work lists, overdue lists): `holder`, the body that must act now (the holder of the current step, else the body an open supervision order awaits); absent or `handling`: the handling body (the `department` assignee's variable)",
      ),
    overrideRoles: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'roles that may take any action offered in any step, recorded as themselves (an administrator)',
      ),
    assignees: z
      .partialRecord(z.enum(Assignees), AssigneeSchema)
      .optional()
      .describe(
        'for each assignee of user tasks: the variable naming the body that holds its steps, and its role',
      ),
    registration: RegistrationSchema.optional(),
    variables: z.record(VariableNameSchema, VariableSchema).default({}),
    documents: z.record(IdSchema, DocumentSchema).default({}),
    elements: z.array(ElementSchema).min(1),
    flows: z.array(FlowSchema).default([]),
    globalActions: z.array(GlobalActionSchema).default([]),
    flags: z
      .record(IdSchema, z.string().min(1))
      .optional()
      .describe(
        'opaque facts kept in the PetitionFlags search attribute, by name: a FEEL expression over the variables and the engine facts (supervisionCount, outcome, final, evaluated, status); true sets the flag named, a string or a list of strings sets those keywords; never personal data',
      ),
    diagram: DiagramSchema.optional().describe(
      'the layout made in a BPMN modeller; no effect on the process',
    ),
  })
  .strict();

/** A parsed definition, defaults applied. */
export type Definition = z.infer<typeof DefinitionSchema>;
/** A definition as authored (defaults optional). */
export type DefinitionInput = z.input<typeof DefinitionSchema>;
