import { ActivityFailure, log, patched } from '@temporalio/workflow';
import type { Definition } from '../../definitions/language/schema';
import type { Delivery, DeliverToDepartmentResult, GenerateDocumentInput } from '../activity-contracts';
import { deliveryRoute, type DeliveryRoute } from '../department-routing';
import { handlingBody } from '../engine/context';
import { generateDocument } from '../documents';
import { indexDefinition, type DefinitionIndex } from '../engine/definition-index';
import { precomputedCalculation, type PrecomputedDeadline } from '../engine/registration';
import type { BodyFacts, DocumentRecord, EngineCommand, EngineEvent, PetitionState } from '../engine/types';
import { deadlineView, isConfidential } from '../engine/view';
import { departmentIo, departmentWorker, io, local, notices } from './activity-options';
import { now } from './clock';
import { decideDeliveryFailure, raisedToSupervisor } from './delivery-failure';
import type { PinnedDefinition } from './pinned-definition';

/** Patch: documents are rendered in the workflow (before: by the `generateDocument` local activity). */
const DOCUMENTS_RENDERED_IN_WORKFLOW = 'documents-rendered-in-workflow';
/**
 * Patch: a service task that waits on the outside (a hand-over to a department, an escalation, archiving) runs in
 * the background, so the action that led to it is answered as soon as the state is decided (design settled point
 * 9); before, the action's Update waited for the hand-over.
 */
const SERVICE_TASKS_IN_BACKGROUND = 'service-tasks-in-background';

type ServiceTaskCommand = Extract<EngineCommand, { type: 'run-service-task' }>;
type ServiceTaskResult = {
  deliveries: Delivery[];
  variables?: Record<string, unknown>;
  bodies?: Record<string, BodyFacts | null>;
};

/** Work that runs beside the petition (not under its lock) and yields events to apply when done. */
export type Background = (work: () => Promise<EngineEvent[]>) => void;

/**
 * Carries out the interpreter's commands: computes deadlines, renders and delivers documents, runs service tasks
 * (notice, delivery to a department, escalation, archive) and tells the supervisor of warnings, overdue steps and
 * supervision orders. Each command answers with the events that follow from it; deliveries of notices,
 * escalations and hand-overs run in the background and never delay or fail an action (settled point 9).
 */
export class CommandRunner {
  readonly #pinned: PinnedDefinition;
  readonly #inBackground: Background;
  /** Deadlines registration computed for the first step; consulted only while the first step is decided. */
  #precomputed: readonly PrecomputedDeadline[] | undefined;

  constructor(
    pinned: PinnedDefinition,
    precomputed: readonly PrecomputedDeadline[] | undefined,
    inBackground: Background,
  ) {
    this.#pinned = pinned;
    this.#precomputed = precomputed;
    this.#inBackground = inBackground;
  }

  /** The definition the petition follows now (swapped only by a definition migration). */
  get #definition(): Definition {
    return this.#pinned.current;
  }

  get #index(): DefinitionIndex {
    return indexDefinition(this.#pinned.current);
  }

  /** Registration is decided: deadlines are computed by the calendar activity from now on. */
  registrationSettled(): void {
    this.#precomputed = undefined;
  }

  /**
   * Carries out one command. Events that follow a local activity take the instant of the event that caused them:
   * a local activity resolves within the same workflow task, where the clock is not replayed exactly.
   */
  async execute(command: EngineCommand, snapshot: PetitionState, at: string): Promise<EngineEvent[]> {
    switch (command.type) {
      case 'compute-deadline': {
        const calculation =
          precomputedCalculation(this.#precomputed, command) ??
          (await local.computeDeadline(command.request));
        return [{ type: 'deadline-computed', at, key: command.key, calculation }];
      }
      case 'generate-document': {
        const document = await this.#generate(
          snapshot,
          command.document,
          command.step,
          command.input,
          command.deadlineKey,
          at,
        );
        if (!document) return [];
        this.#inBackground(() => this.#deliver(snapshot, document, command.recipient));
        return [{ type: 'document-generated', at, document }];
      }
      case 'run-service-task': {
        if (command.activity === 'notice') {
          const document = command.document
            ? await this.#generate(snapshot, command.document, command.element, {}, undefined, at)
            : undefined;
          const completed: EngineEvent = {
            type: 'activity-completed',
            at,
            element: command.element,
            document,
            detail: document ? undefined : `${command.element}: 无文书`,
          };
          if (document) this.#inBackground(() => this.#deliver(snapshot, document, command.recipient));
          return [completed];
        }
        if (patched(SERVICE_TASKS_IN_BACKGROUND)) {
          // The token rests on the service task meanwhile; its completion moves it on, under the lock.
          this.#inBackground(async () => [await this.#runServiceTask(command, snapshot, at)]);
          return [];
        }
        return [await this.#runServiceTask(command, snapshot, at)];
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
        this.#inBackground(async () => {
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

  /** Runs a service task that waits on the outside, and answers with its completion. */
  async #runServiceTask(
    command: ServiceTaskCommand,
    snapshot: PetitionState,
    at: string,
  ): Promise<EngineEvent> {
    const { deliveries, variables, bodies } = await this.#runIo(command, snapshot, at);
    return {
      type: 'activity-completed',
      at: now(),
      element: command.element,
      detail:
        deliveries
          .map((d) => `${d.channel}: ${d.ok ? 'ok' : 'failed'}${d.detail ? ` (${d.detail})` : ''}`)
          .join('; ') || command.element,
      ...(variables && { variables }),
      ...(bodies && { bodies }),
    };
  }

  async #runIo(command: ServiceTaskCommand, snapshot: PetitionState, at: string): Promise<ServiceTaskResult> {
    const department = handlingBody(this.#index, snapshot.variables);
    switch (command.activity) {
      case 'delivery':
        return this.#deliverToDepartment(command.element, snapshot, department, at);
      case 'escalation':
        return {
          deliveries: await io.escalate({
            petitionId: snapshot.petitionId,
            reason: 'overdue',
            step: command.element,
            department,
            deadlineKey: command.element,
            message: `${this.#index.element(command.element).name ?? command.element}`,
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
   * superior bodies (review, re-review); the body found is recorded in the variable the route names. A failure is
   * decided by the delivery-failure policy.
   */
  async #deliverToDepartment(
    element: string,
    snapshot: PetitionState,
    department: string | undefined,
    at: string,
  ): Promise<ServiceTaskResult> {
    const route = deliveryRoute(this.#index, element, snapshot, at);
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
        confidential: isConfidential(this.#definition, snapshot),
        petition: snapshot.petition,
        deadline: route.deadline,
        dueAt: snapshot.deadlines.find((d) => d.status === 'running' && d.calculation)?.calculation?.dueAt,
        idempotencyKey,
      });
      // Histories recorded before routing existed answered with the delivery list alone.
      const result: DeliverToDepartmentResult = Array.isArray(raw) ? { deliveries: raw } : raw;
      resolved = result.department;
      const bodies = resolved && result.body !== undefined ? { [resolved]: result.body } : undefined;
      const recorded = (deliveries: Delivery[]) => ({
        deliveries,
        variables: routeVariables(route, resolved, receiptOf(deliveries, at)),
        ...(bodies && { bodies }),
      });
      if (!result.dispatch) return recorded(result.deliveries);
      const receipt = await departmentWorker(result.dispatch.taskQueue).receivePetition(
        result.dispatch.delivery,
      );
      const reference = receipt.reference ? `, reference ${receipt.reference}` : '';
      return recorded([
        {
          channel: 'worker',
          at: now(),
          ok: true,
          detail: `accepted by ${resolved} on ${result.dispatch.taskQueue}${reference}`,
        },
      ]);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const decision = decideDeliveryFailure(err, {
        petitionId: snapshot.petitionId,
        step: element,
        route,
        department,
        resolved,
        idempotencyKey,
        at,
      });
      const escalations = await io.escalate(decision.escalation);
      return {
        deliveries: [decision.failed, ...raisedToSupervisor(escalations)],
        // The body works from its queue from now on: that is its receipt.
        variables: routeVariables(route, decision.receiver, now()),
      };
    }
  }

  async #generate(
    snapshot: PetitionState,
    kind: string,
    stepId: string,
    actionInput: Record<string, unknown>,
    deadlineKey: string | undefined,
    at: string,
  ): Promise<DocumentRecord | undefined> {
    const template = this.#definition.documents[kind];
    if (!template) return undefined;
    const deadline = deadlineKey ? snapshot.deadlines.find((d) => d.key === deadlineKey) : undefined;
    const request: GenerateDocumentInput = {
      petitionId: snapshot.petitionId,
      kind,
      template,
      step: stepId,
      stepName: this.#index.element(stepId).name ?? stepId,
      petition: snapshot.petition,
      variables: snapshot.variables,
      ...(snapshot.bodies && { bodies: snapshot.bodies }),
      input: actionInput,
      deadline: deadline ? deadlineView(this.#definition, deadline) : undefined,
      at,
      documentId: `${snapshot.petitionId}-${kind}-${snapshot.seq}-${snapshot.documents.length + 1}`,
    };
    // Rendering is pure: done here, not in a local activity (one activity round trip and one history marker less per
    // document). Petitions that rendered through the activity before keep doing so on replay.
    if (patched(DOCUMENTS_RENDERED_IN_WORKFLOW)) return generateDocument(request);
    return local.generateDocument(request);
  }

  async #deliver(
    snapshot: PetitionState,
    document: DocumentRecord,
    recipient: 'petitioner' | 'department' | 'supervisor' = 'petitioner',
  ): Promise<EngineEvent[]> {
    let deliveries: Delivery[];
    try {
      deliveries = await notices.deliverDocument({
        petitionId: snapshot.petitionId,
        document,
        recipient,
        department: handlingBody(this.#index, snapshot.variables),
        petitioner: snapshot.petition.petitioner,
        idempotencyKey: `${snapshot.petitionId}:${document.id}:${recipient}`,
      });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      deliveries = [{ channel: 'delivery', at: now(), ok: false, detail: err.cause?.message ?? err.message }];
    }
    return [{ type: 'document-delivered', at: now(), documentId: document.id, deliveries }];
  }
}

/** The variables a delivery records: the body it reached and, where declared, when that body received it. */
function routeVariables(
  route: DeliveryRoute,
  body: string | undefined,
  receivedAt: string,
): Record<string, unknown> | undefined {
  if (!route.records && !route.receipt) return undefined;
  return {
    ...(route.records && { [route.records]: body ?? null }),
    ...(route.receipt && body && { [route.receipt]: receivedAt }),
  };
}

/**
 * When the body received the petition: the forwarding instant for a manual connector (the matter is in its queue
 * from then), else when the connector handed it over.
 */
function receiptOf(deliveries: Delivery[], forwardedAt: string): string {
  if (deliveries.length === 0 || deliveries.every((d) => d.channel === 'manual')) return forwardedAt;
  return deliveries.find((d) => d.ok)?.at ?? now();
}
