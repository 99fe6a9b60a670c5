import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { generateDocument } from './documents';
import type {
  Delivery,
  DeliverToDepartmentResult,
  GenerateDocumentInput,
  PetitionActivities,
  PetitionLocalActivities,
} from './activity-contracts';
import type { Definition } from '../definitions/language/schema';
import { builtInDefinition } from '../definitions/statutory/built-in';
import type { DepartmentActivities } from './department-activities';
import { deliveryRoute } from './department-routing';
import { indexDefinition } from './engine/definition-index';
import { nextWakeAt, step } from './engine/interpreter';
import { precomputedCalculation } from './engine/registration';
import type { EngineCommand, EngineEvent, PetitionOutcome, PetitionState } from './engine/types';
import { FailureType } from './failure-types';
import { checkAction } from './engine/validate-action';
import { deadlineView, searchValuesOf, summaryOf, viewOf, type PetitionSearchValues } from './engine/view';
import {
  calendarUpdatedSignal,
  petitionActionUpdate,
  reportReadSignal,
  petitionStateQuery,
  type PetitionWorkflowInput,
} from './messages';
import { searchAttributeUpdates } from './search-attributes';

/** Patch: documents are rendered in the workflow (before: by the `generateDocument` local activity). */
const DOCUMENTS_RENDERED_IN_WORKFLOW = 'documents-rendered-in-workflow';

const local = proxyLocalActivities<PetitionLocalActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
});

const io = proxyActivities<PetitionActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: [FailureType.DeliveryRejected],
  },
});

/**
 * Notices and escalations: retried with backoff for up to a day, then recorded as failed. They run beside the
 * petition (not under its processing lock), so a mail server that is down never holds up actions or deadlines.
 */
const notices = proxyActivities<PetitionActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: [FailureType.DeliveryRejected],
  },
});

const deliveryRetry = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '10 minutes',
  nonRetryableErrorTypes: [FailureType.DeliveryRejected, FailureType.ConfidentialityViolation],
};

/**
 * Hand-overs to departments. The activity heartbeats while a webhook holds the request, so an attempt lost with a
 * crashed worker is retried within seconds rather than after the start-to-close timeout. A delivery not made within
 * a day is recorded as failed and raised to the supervisor; the department then works from its queue.
 */
const departmentIo = proxyActivities<PetitionActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: deliveryRetry,
});

/** The worker connector: `receivePetition` on the department's own task queue (`dept.<code>`), run by its worker. */
const departmentWorker = (taskQueue: string) =>
  proxyActivities<DepartmentActivities>({
    taskQueue,
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '1 day',
    retry: deliveryRetry,
  });

/**
 * One petition: interprets the definition it was started with, keeps a durable timer for every legal deadline and
 * applies actions sent as Updates. Decisions are made by the pure interpreter; this function only runs its
 * commands (settled points 1–4).
 */
export async function petition(input: PetitionWorkflowInput): Promise<PetitionOutcome> {
  const definition = definitionOf(input);
  const index = indexDefinition(definition);
  let state: PetitionState | undefined;
  let version = 0;
  let calendarUpdates = 0;
  // Registration started the petition with these search values: the first task upserts only what changed since.
  let lastSearch: PetitionSearchValues | undefined = input.registration?.searchValues;
  // Deadlines registration computed for the first step; consulted only while the first step is decided.
  let precomputed = input.registration?.deadlines;
  let queue: Promise<void> = Promise.resolve();

  /** Serialises event processing: Updates, timers and signals interleave at awaits otherwise. */
  const serialised = (fn: () => Promise<void>): Promise<void> => {
    const next = queue.then(fn);
    queue = next.catch(() => undefined);
    return next;
  };

  /** Deliveries and escalations running beside the petition; awaited before the workflow returns. */
  const background: Promise<void>[] = [];
  const inBackground = (work: () => Promise<EngineEvent[]>): void => {
    background.push(
      work().then((events) =>
        serialised(async () => {
          for (const event of events) await process(event);
        }),
      ),
    );
  };

  const current = (): PetitionState => {
    if (!state)
      throw ApplicationFailure.create({
        type: FailureType.NotStarted,
        message: 'The petition is still being registered.',
      });
    return state;
  };

  // Registration is decided before any handler is registered: an Update delivered with the first workflow task
  // (the API's first action may race it) is dispatched as soon as its handler is set, and must find a real state.
  const registered = apply({
    type: 'start',
    at: input.registeredAt ?? new Date(workflowInfo().startTime).toISOString(),
    petitionId: input.petitionId,
    definitionHash: input.definitionHash,
    petition: input.petition,
    actor: input.registeredBy,
  });
  setHandler(petitionStateQuery, () => viewOf(definition, current()));

  setHandler(
    petitionActionUpdate,
    async (request) => {
      const at = new Date().toISOString();
      await serialised(async () => {
        // Re-checked inside the lock: an earlier Update may have moved the token since the validator ran.
        const checked = checkAction(definition, current(), { ...request, at });
        if (!checked.ok) throw refusalFailure(checked.refusal);
        await process({
          type: 'action',
          at,
          action: request.action,
          actor: request.actor,
          input: checked.input,
          requestId: request.requestId,
        });
      });
      return summaryOf(definition, current());
    },
    {
      validator: (request) => {
        const checked = checkAction(definition, current(), { ...request, at: new Date().toISOString() });
        if (!checked.ok) throw refusalFailure(checked.refusal);
      },
    },
  );

  setHandler(calendarUpdatedSignal, () => {
    calendarUpdates += 1;
  });

  setHandler(reportReadSignal, ({ actor }) => {
    if (current().petition.category !== 'report') return;
    void serialised(() => process({ type: 'report-read', at: now(), actor }));
  });

  /** Applies one event and everything that follows from it, then publishes the search attributes. */
  async function process(event: EngineEvent): Promise<void> {
    await drain(apply(event));
  }

  /** The synchronous half of processing: the interpreter decides; nothing is awaited. */
  function apply(event: EngineEvent): Decided {
    const result = step(definition, state, event);
    state = result.state;
    version += 1;
    return { commands: result.commands, snapshot: result.state, at: event.at };
  }

  /** Runs commands (in parallel: they are independent) and applies the events they produce, in command order. */
  async function drain(first: Decided): Promise<void> {
    let batch = [first];
    while (batch.length > 0) {
      const next: Decided[] = [];
      for (const { commands, snapshot, at } of batch) {
        const followUps = await Promise.all(commands.map((c) => execute(c, snapshot, at)));
        for (const events of followUps) for (const event of events) next.push(apply(event));
      }
      batch = next;
    }
    publishSearchAttributes();
  }

  /**
   * Carries out one command. Events that follow a local activity take the instant of the event that caused them:
   * a local activity resolves within the same workflow task, where the clock is not replayed exactly.
   */
  async function execute(
    command: EngineCommand,
    snapshot: PetitionState,
    at: string,
  ): Promise<EngineEvent[]> {
    switch (command.type) {
      case 'compute-deadline': {
        const calculation =
          precomputedCalculation(precomputed, command) ?? (await local.computeDeadline(command.request));
        return [{ type: 'deadline-computed', at, key: command.key, calculation }];
      }
      case 'generate-document': {
        const document = await generate(
          snapshot,
          command.document,
          command.step,
          command.input,
          command.deadlineKey,
          at,
        );
        if (!document) return [];
        inBackground(() => deliver(snapshot, document, command.recipient));
        return [{ type: 'document-generated', at, document }];
      }
      case 'run-service-task': {
        if (command.activity === 'notice') {
          const document = command.document
            ? await generate(snapshot, command.document, command.element, {}, undefined, at)
            : undefined;
          const completed: EngineEvent = {
            type: 'activity-completed',
            at,
            element: command.element,
            document,
            detail: document ? undefined : `${command.element}: 无文书`,
          };
          if (document) inBackground(() => deliver(snapshot, document, command.recipient));
          return [completed];
        }
        const { deliveries, variables } = await runIo(command, snapshot, at);
        return [
          {
            type: 'activity-completed',
            at: now(),
            element: command.element,
            detail:
              deliveries
                .map((d) => `${d.channel}: ${d.ok ? 'ok' : 'failed'}${d.detail ? ` (${d.detail})` : ''}`)
                .join('; ') || command.element,
            ...(variables && { variables }),
          },
        ];
      }
      case 'escalate':
      case 'warn': {
        const escalation = {
          petitionId: snapshot.petitionId,
          reason: command.type === 'warn' ? 'warning' : command.reason,
          step: command.step,
          department: command.department,
          deadlineKey: command.key,
          message: command.message,
          at,
          idempotencyKey: `${snapshot.petitionId}:${command.type}:${command.key}:${command.type === 'warn' ? command.daysBefore : command.reason}`,
        } as const;
        inBackground(async () => {
          await notices.escalate(escalation).catch((err: unknown) => {
            if (!(err instanceof ActivityFailure)) throw err;
            log.warn('escalation could not be delivered', {
              petitionId: snapshot.petitionId,
              key: command.key,
              error: err.message,
            });
          });
          return [];
        });
        return [];
      }
      case 'complete':
        return [];
    }
  }

  async function runIo(
    command: Extract<EngineCommand, { type: 'run-service-task' }>,
    snapshot: PetitionState,
    at: string,
  ): Promise<{ deliveries: Delivery[]; variables?: Record<string, unknown> }> {
    const department =
      typeof snapshot.variables['department'] === 'string'
        ? (snapshot.variables['department'] as string)
        : undefined;
    switch (command.activity) {
      case 'delivery':
        return deliverToDepartment(command.element, snapshot, department, at);
      case 'escalation':
        return {
          deliveries: await io.escalate({
            petitionId: snapshot.petitionId,
            reason: 'overdue',
            step: command.element,
            department,
            deadlineKey: command.element,
            message: `${index.element(command.element).name ?? command.element}`,
            at,
            idempotencyKey: `${snapshot.petitionId}:${command.element}:${snapshot.seq}`,
          }),
        };
      case 'archive':
        return {
          deliveries: await io.archivePetition({
            petitionId: snapshot.petitionId,
            outcome: snapshot.outcome?.outcome ?? command.element,
            at,
            documents: snapshot.documents,
          }),
        };
      case 'notice':
        return { deliveries: [] };
    }
  }

  /**
   * Hands the petition to the body that holds the next step, through that body's connector. The registry resolves
   * review and re-review bodies (Art. 35–36); the body found is recorded in the variable the route names. A
   * delivery refused for good or not made in time does not fail the petition: it is recorded as failed, raised to
   * the supervisor, and the body works from its queue.
   */
  async function deliverToDepartment(
    element: string,
    snapshot: PetitionState,
    department: string | undefined,
    at: string,
  ): Promise<{ deliveries: Delivery[]; variables?: Record<string, unknown> }> {
    const route = deliveryRoute(index, element, snapshot.variables, at);
    const idempotencyKey = `${snapshot.petitionId}:${element}:${snapshot.seq}`;
    let resolved: string | undefined;
    try {
      const raw: DeliverToDepartmentResult | Delivery[] = await departmentIo.deliverToDepartment({
        petitionId: snapshot.petitionId,
        step: element,
        department,
        target: route.target,
        nextStep: route.nextStep,
        category: snapshot.petition.category,
        petition: snapshot.petition,
        deadline: route.deadline,
        dueAt: snapshot.deadlines.find((d) => d.status === 'running' && d.calculation)?.calculation?.dueAt,
        idempotencyKey,
      });
      // Histories recorded before routing existed answered with the delivery list alone.
      const result: DeliverToDepartmentResult = Array.isArray(raw) ? { deliveries: raw } : raw;
      resolved = result.department;
      const variables = route.records ? { [route.records]: resolved ?? null } : undefined;
      if (!result.dispatch) return { deliveries: result.deliveries, variables };
      const receipt = await departmentWorker(result.dispatch.taskQueue).receivePetition(
        result.dispatch.delivery,
      );
      const reference = receipt.reference ? `, reference ${receipt.reference}` : '';
      return {
        deliveries: [
          {
            channel: 'worker',
            at: now(),
            ok: true,
            detail: `accepted by ${resolved} on ${result.dispatch.taskQueue}${reference}`,
          },
        ],
        variables,
      };
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const cause = err.cause;
      const info = (cause instanceof ApplicationFailure ? cause.details?.[0] : undefined) as
        { department?: string; channel?: string } | undefined;
      // A routing failure names the body whose superior is unknown: tell its supervisor, but it holds nothing.
      const receiver = resolved ?? (info?.channel === 'routing' ? undefined : info?.department);
      const body =
        receiver ?? info?.department ?? (route.target.kind === 'department' ? route.target.code : department);
      const reason = cause?.message ?? err.message;
      const failed: Delivery = {
        channel: info?.channel ?? (resolved ? 'worker' : 'delivery'),
        at: now(),
        ok: false,
        detail: reason,
      };
      const escalations = await io.escalate({
        petitionId: snapshot.petitionId,
        reason: 'delivery-failed',
        step: element,
        department: body,
        deadlineKey: element,
        message: `交送${body ?? '有权处理机关'}失败：${reason}`,
        at,
        idempotencyKey: `${idempotencyKey}:delivery-failed`,
      });
      return {
        deliveries: [
          failed,
          ...escalations.map((d) => ({
            ...d,
            detail: `raised to the supervisor${d.detail ? `: ${d.detail}` : ''}`,
          })),
        ],
        variables: route.records ? { [route.records]: receiver ?? null } : undefined,
      };
    }
  }

  async function generate(
    snapshot: PetitionState,
    kind: string,
    stepId: string,
    actionInput: Record<string, unknown>,
    deadlineKey: string | undefined,
    at: string,
  ) {
    const template = definition.documents[kind];
    if (!template) return undefined;
    const deadline = deadlineKey ? snapshot.deadlines.find((d) => d.key === deadlineKey) : undefined;
    const request: GenerateDocumentInput = {
      petitionId: snapshot.petitionId,
      kind,
      template,
      step: stepId,
      stepName: index.element(stepId).name ?? stepId,
      petition: snapshot.petition,
      variables: snapshot.variables,
      input: actionInput,
      deadline: deadline ? deadlineView(deadline) : undefined,
      at,
      documentId: `${snapshot.petitionId}-${kind}-${snapshot.seq}-${snapshot.documents.length + 1}`,
    };
    // Rendering is pure: done here, not in a local activity (one activity round trip and one history marker less per
    // document). Petitions that rendered through the activity before keep doing so on replay.
    if (patched(DOCUMENTS_RENDERED_IN_WORKFLOW)) return generateDocument(request);
    return local.generateDocument(request);
  }

  async function deliver(
    snapshot: PetitionState,
    document: NonNullable<Awaited<ReturnType<typeof generate>>>,
    recipient: 'petitioner' | 'department' | 'supervisor' = 'petitioner',
  ): Promise<EngineEvent[]> {
    let deliveries: Delivery[];
    try {
      deliveries = await notices.deliverDocument({
        petitionId: snapshot.petitionId,
        document,
        recipient,
        department:
          typeof snapshot.variables['department'] === 'string'
            ? (snapshot.variables['department'] as string)
            : undefined,
        petitioner: snapshot.petition.petitioner,
        idempotencyKey: `${snapshot.petitionId}:${document.id}:${recipient}`,
      });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      deliveries = [{ channel: 'delivery', at: now(), ok: false, detail: err.cause?.message ?? err.message }];
    }
    return [{ type: 'document-delivered', at: now(), documentId: document.id, deliveries }];
  }

  function publishSearchAttributes(): void {
    const values = searchValuesOf(current());
    const updates = searchAttributeUpdates(values, lastSearch);
    if (updates.length > 0) upsertSearchAttributes(updates);
    lastSearch = values;
  }

  await serialised(() => drain(registered));
  precomputed = undefined;

  // One durable timer for the earliest warning or due instant; kept while that instant stays the same, so an
  // action that leaves the deadlines alone costs no timer cancel/restart in history.
  let timer: { at: string; scope: CancellationScope; fired: boolean } | undefined;
  let seenCalendar = 0;
  while (current().status === 'open') {
    const wake = nextWakeAt(definition, current());
    if (timer && timer.at !== wake) {
      timer.scope.cancel();
      timer = undefined;
    }
    if (wake && !timer) {
      const armed = { at: wake, scope: new CancellationScope(), fired: false };
      armed.scope
        // The workflow clock: Temporal's sandbox replaces Date with the deterministic workflow time.
        // eslint-disable-next-line no-restricted-properties
        .run(() => sleep(Math.max(1, Date.parse(wake) - Date.now())))
        .then(
          () => (armed.fired = true),
          () => undefined,
        );
      timer = armed;
    }
    const seen = version;
    await condition(
      () =>
        version !== seen ||
        current().status !== 'open' ||
        calendarUpdates !== seenCalendar ||
        timer?.fired === true,
    );
    if (timer?.fired) {
      timer = undefined;
      await serialised(() => process({ type: 'timer-fired', at: now() }));
    }
    if (calendarUpdates !== seenCalendar) {
      seenCalendar = calendarUpdates;
      await serialised(() => process({ type: 'calendar-updated', at: now() }));
    }
  }
  timer?.scope.cancel();
  // Notices still on their way (the closing opinion's, say) are delivered before the workflow completes.
  while (background.length > 0) await Promise.all(background.splice(0));
  await condition(allHandlersFinished);
  return current().outcome!;
}

/**
 * The pinned definition: the snapshot in the input, or the shipped definition it names. A reference this code does
 * not ship, or whose content differs from the hash the petition was registered with, fails the workflow task (not
 * the petition): it is retried until a worker that has the definition picks it up.
 */
function definitionOf(input: PetitionWorkflowInput): Definition {
  if (input.definition) return input.definition;
  const ref = input.definitionRef;
  const builtIn = ref && builtInDefinition(ref);
  if (!builtIn || builtIn.hash !== input.definitionHash) {
    throw new Error(
      `petition ${input.petitionId} follows ${ref ? `${ref.id}@${ref.version}` : 'no definition'} with hash ${input.definitionHash}, which this worker does not ship${builtIn ? ` (it ships hash ${builtIn.hash})` : ''}; deploy a worker that has it`,
    );
  }
  return builtIn.definition;
}

interface Decided {
  commands: EngineCommand[];
  snapshot: PetitionState;
  /** The instant of the event that produced the commands. */
  at: string;
}

function now(): string {
  return new Date().toISOString();
}

function refusalFailure(refusal: {
  type: string;
  message: string;
  details?: Record<string, unknown>;
}): ApplicationFailure {
  return ApplicationFailure.create({
    type: refusal.type,
    message: refusal.message,
    details: refusal.details ? [refusal.details] : [],
    nonRetryable: true,
  });
}

