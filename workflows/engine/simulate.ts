import { indexDefinition } from './definition-index';
import { EngineError, nextWakeAt, step } from './interpreter';
import type {
  Actor,
  DeadlineCalculation,
  DeadlineRequest,
  Definition,
  DocumentRecord,
  EngineCommand,
  EngineEvent,
  PetitionFacts,
  PetitionOutcome,
  PetitionState,
  Refusal,
  TimelineEntry,
} from './types';
import { checkAction } from './validate-action';
import { deadlineView, type DeadlineView } from './view';

/** One action of a dry run: what is done, when, and (optionally) by whom. */
export interface SimulatedAction {
  action: string;
  /** ISO instant; actions come in order, none before the start. */
  at: string;
  input?: Record<string, unknown>;
  /** Default: the first role the action names, acting for the body that holds the step. */
  actor?: Actor;
}

export interface SimulationInput {
  petitionId: string;
  definitionHash: string;
  petition: PetitionFacts;
  /** The registration instant. */
  start: string;
  registeredBy: Actor;
  actions: SimulatedAction[];
  /** Timers fire up to this instant after the last action (default: until no deadline is left to wake for). */
  until?: string;
}

/** What the workflow's activities would do, done at once and without I/O (the legal calendar is required). */
export interface SimulationDeps {
  /** The legal calendar in force (the `computeDeadline` activity's function). */
  compute(request: DeadlineRequest): DeadlineCalculation;
  /** Renders a document as the workflow would; without it documents are listed by kind only. */
  render?(request: {
    kind: string;
    step: string;
    input: Record<string, unknown>;
    deadlineKey?: string;
    /** The state the command was decided on. */
    state: PetitionState;
    at: string;
    documentId: string;
  }): DocumentRecord | undefined;
  /** A `delivery` service task: the detail and the variables its result sets (default: none, "manual"). */
  deliver?(
    element: string,
    state: PetitionState,
    at: string,
  ): {
    detail: string;
    variables?: Record<string, unknown>;
  };
}

/** Where the token came to rest, and why. */
export interface SimulatedStep {
  at: string;
  element: string;
  name: string;
  type: 'userTask' | 'serviceTask' | 'endEvent';
  /** What moved it there: registration, an action (its index in the request), a timer, or a service task's end. */
  cause:
    | { kind: 'start' }
    | { kind: 'action'; index: number; action: string }
    | { kind: 'timer' }
    | { kind: 'service-task'; element: string };
}

/** An action the run applied. */
export interface AppliedAction {
  index: number;
  action: string;
  at: string;
  step: string;
  actor: Actor;
}

export interface SimulationResult {
  /** The token's path, with the instants it moved. */
  steps: SimulatedStep[];
  applied: AppliedAction[];
  /** Every deadline armed, as people read it (due instant, last day, article, provisional, explanation, state). */
  deadlines: DeadlineView[];
  /** What happened on its own between actions: warnings, expiries, escalations, windows that closed (timeline entries). */
  happenings: TimelineEntry[];
  /** Documents the workflow would generate, in order. */
  documents: Array<Pick<DocumentRecord, 'id' | 'kind' | 'title' | 'step' | 'generatedAt' | 'text'>>;
  /** The whole timeline, as the petition would record it. */
  timeline: TimelineEntry[];
  /** The action the engine refused, which stopped the run (the rest were not applied). */
  refused?: { index: number; action: string; at: string; step: string } & Refusal;
  /** A defect of the definition met while running it (the engine could not go on). */
  failed?: { at: string; step: string; message: string };
  end: {
    status: 'open' | 'closed';
    step: string;
    stepName: string;
    outcome: PetitionOutcome | null;
    /** The instant the run stopped at: the end, the last timer fired, or the last action. */
    at: string;
  };
  /** The final state (for callers that want more than the summary); absent when registration itself failed. */
  state?: PetitionState;
}

/** The request itself is inconsistent (instants out of order): the caller's mistake, not the definition's. */
export class SimulationInputError extends Error {
  override name = 'SimulationInputError';
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Bound on timer firings in one run: a day-by-day warning ladder over years stays far below it. */
const MAX_WAKES = 10_000;

/**
 * A dry run: registers a petition at `start` and applies the actions at their instants with the same pure
 * interpreter the workflow runs (`step`, `nextWakeAt`). Deadlines are computed at once by `deps.compute` (the legal
 * calendar), timers fire at each instant the workflow would wake at up to the next action (so a lapsed window moves
 * the token as it would), service tasks complete at once. A refused action stops the run and is reported, as is a
 * defect of the definition met on the way. Pure and synchronous.
 */
export function simulate(
  definition: Definition,
  input: SimulationInput,
  deps: SimulationDeps,
): SimulationResult {
  checkOrder(input);
  const index = indexDefinition(definition);
  const run = new Run(definition, deps);
  const startAt = new Date(Date.parse(input.start)).toISOString();
  try {
    run.apply(
      {
        type: 'start',
        at: startAt,
        petitionId: input.petitionId,
        definitionHash: input.definitionHash,
        petition: input.petition,
        actor: input.registeredBy,
      },
      { kind: 'start' },
    );
    for (const [i, a] of input.actions.entries()) {
      const at = new Date(Date.parse(a.at)).toISOString();
      run.fireTimersUntil(at);
      const actor = a.actor ?? defaultActor(index, run.state, a.action);
      const checked = checkAction(definition, run.state, {
        action: a.action,
        actor,
        input: a.input ?? {},
        at,
      });
      if (!checked.ok) {
        run.refused = { index: i, action: a.action, at, step: run.state.token, ...checked.refusal };
        break;
      }
      const stepId = run.state.token;
      const refusal = run.apply(
        { type: 'action', at, action: a.action, actor, input: checked.input },
        { kind: 'action', index: i, action: a.action },
      );
      // Refused once on the record (an extension without the approver's claim), as the workflow refuses it.
      if (refusal) {
        run.refused = { index: i, action: a.action, at, step: stepId, ...refusal };
        break;
      }
      run.applied.push({ index: i, action: a.action, at, step: stepId, actor });
    }
    if (!run.refused && run.state.status === 'open') run.fireTimersUntil(input.until);
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    run.failed = { at: run.at, step: run.started ? run.state.token : '', message: err.message };
  }
  return run.result(definition);
}

function checkOrder(input: SimulationInput): void {
  const start = Date.parse(input.start);
  let previous = start;
  for (const [i, a] of input.actions.entries()) {
    const at = Date.parse(a.at);
    if (at < start)
      throw new SimulationInputError(`actions[${i}].at (${a.at}) is before the start (${input.start}).`, {
        field: `actions[${i}].at`,
      });
    if (at < previous)
      throw new SimulationInputError(
        `actions[${i}].at (${a.at}) is before actions[${i - 1}].at (${input.actions[i - 1]!.at}); list the actions in the order they happen.`,
        { field: `actions[${i}].at` },
      );
    previous = at;
  }
  if (input.until !== undefined && Date.parse(input.until) < previous)
    throw new SimulationInputError(`until (${input.until}) is before the last action or the start.`, {
      field: 'until',
    });
}

/**
 * Who takes an action when the request does not say: the first role the action names that is not an override role,
 * and, for the role that acts for the step's body, that body (so the engine's holder check passes as for its staff),
 * with the approver's claim (an extension that needs approval is approved; name an actor to try one without).
 */
function defaultActor(
  index: ReturnType<typeof indexDefinition>,
  state: PetitionState,
  actionId: string,
): Actor {
  const action = index.actionsOf(state.token).find((a) => a.id === actionId);
  const role = action?.roles.find((r) => !index.overrideRoles.has(r)) ?? action?.roles[0] ?? 'system';
  const task = index.userTask(state.token);
  const acting = task ? index.assignee(task.assignee) : undefined;
  const holder = acting?.holder ? state.variables[acting.holder] : undefined;
  return {
    role,
    id: 'dry-run',
    ...(acting?.role === role && typeof holder === 'string' && { department: holder }),
    approver: true,
  };
}

class Run {
  state!: PetitionState;
  started = false;
  at = '';
  readonly steps: SimulatedStep[] = [];
  readonly applied: AppliedAction[] = [];
  readonly happenings: TimelineEntry[] = [];
  refused: SimulationResult['refused'];
  failed: SimulationResult['failed'];
  readonly #definition: Definition;
  readonly #index: ReturnType<typeof indexDefinition>;
  readonly #deps: SimulationDeps;
  #wakes = 0;

  constructor(definition: Definition, deps: SimulationDeps) {
    this.#definition = definition;
    this.#index = indexDefinition(definition);
    this.#deps = deps;
  }

  /**
   * Applies one event and, as the workflow's command runner does, everything that follows from it: the commands of
   * one decision run against the state they were decided on, and the events they yield are applied in command order.
   */
  /** Applies an event and what follows from it; answers the refusal of an event refused once recorded. */
  apply(event: EngineEvent, cause: SimulatedStep['cause']): Refusal | undefined {
    this.at = event.at;
    const first = this.#decide(event, cause);
    let batch = [first];
    while (batch.length > 0) {
      const next: typeof batch = [];
      for (const { commands, snapshot, at } of batch) {
        const followUps = commands.flatMap((command) => this.#execute(command, snapshot, at));
        for (const followUp of followUps) {
          next.push(
            this.#decide(
              followUp,
              followUp.type === 'activity-completed'
                ? { kind: 'service-task', element: followUp.element }
                : cause,
            ),
          );
        }
      }
      batch = next;
    }
    return first.refusal;
  }

  /** Fires the deadline timers the workflow would wake for, in order, up to `limit` (inclusive; none: until quiet). */
  fireTimersUntil(limit: string | undefined): void {
    const bound = limit === undefined ? Infinity : Date.parse(limit);
    for (;;) {
      if (this.state.status !== 'open') return;
      const wake = nextWakeAt(this.#definition, this.state);
      if (wake === undefined || Date.parse(wake) > bound) return;
      if (++this.#wakes > MAX_WAKES)
        throw new EngineError(`more than ${MAX_WAKES} timer firings: the deadlines never settle`);
      const before = this.state.timeline.length;
      this.apply({ type: 'timer-fired', at: wake }, { kind: 'timer' });
      this.happenings.push(...this.state.timeline.slice(before));
    }
  }

  #decide(
    event: EngineEvent,
    cause: SimulatedStep['cause'],
  ): { commands: EngineCommand[]; snapshot: PetitionState; at: string; refusal?: Refusal } {
    const before = this.started ? { token: this.state.token, status: this.state.status } : undefined;
    const result = step(this.#definition, this.started ? this.state : undefined, event);
    this.state = result.state;
    this.started = true;
    if (!before || before.token !== this.state.token || before.status !== this.state.status) {
      const element = this.#index.element(this.state.token);
      if (element.type === 'userTask' || element.type === 'serviceTask' || element.type === 'endEvent') {
        this.steps.push({
          at: event.at,
          element: element.id,
          name: element.name ?? element.id,
          type: element.type,
          cause,
        });
      }
    }
    return {
      commands: result.commands,
      snapshot: result.state,
      at: event.at,
      ...(result.refusal && { refusal: result.refusal }),
    };
  }

  /** The events a command yields, as the workflow's command runner would (without its I/O). */
  #execute(command: EngineCommand, snapshot: PetitionState, at: string): EngineEvent[] {
    switch (command.type) {
      case 'compute-deadline':
        return [
          { type: 'deadline-computed', at, key: command.key, calculation: this.#compute(command.request) },
        ];
      case 'generate-document': {
        const document = this.#render(
          snapshot,
          command.document,
          command.step,
          command.input,
          at,
          command.deadlineKey,
        );
        return document ? [{ type: 'document-generated', at, document }] : [];
      }
      case 'run-service-task': {
        if (command.activity === 'notice') {
          const document = command.document
            ? this.#render(snapshot, command.document, command.element, {}, at)
            : undefined;
          return [
            {
              type: 'activity-completed',
              at,
              element: command.element,
              document,
              detail: document ? undefined : `${command.element}: 无文书`,
            },
          ];
        }
        if (command.activity === 'delivery') {
          const delivered = this.#deps.deliver?.(command.element, snapshot, at) ?? { detail: 'manual' };
          return [
            {
              type: 'activity-completed',
              at,
              element: command.element,
              detail: delivered.detail,
              ...(delivered.variables && { variables: delivered.variables }),
            },
          ];
        }
        return [
          {
            type: 'activity-completed',
            at,
            element: command.element,
            detail: `${command.activity}: dry run`,
          },
        ];
      }
      case 'escalate':
      case 'warn':
      case 'complete':
        return [];
    }
  }

  /** The calendar's answer; a period it cannot count (years out, say) stops the run as the activity would fail. */
  #compute(request: DeadlineRequest): DeadlineCalculation {
    try {
      return this.#deps.compute(request);
    } catch (err) {
      throw new EngineError(
        `the legal calendar could not count ${request.duration} ${request.counting} from ${request.from} (${request.article}): ${(err as Error).message}`,
      );
    }
  }

  #render(
    snapshot: PetitionState,
    kind: string,
    stepId: string,
    input: Record<string, unknown>,
    at: string,
    deadlineKey?: string,
  ): DocumentRecord | undefined {
    const template = this.#definition.documents[kind];
    if (!template) return undefined;
    // The id the workflow's command runner gives it: petition, kind, the counter and the documents so far.
    const documentId = `${snapshot.petitionId}-${kind}-${snapshot.seq}-${snapshot.documents.length + 1}`;
    return (
      this.#deps.render?.({ kind, step: stepId, input, deadlineKey, state: snapshot, at, documentId }) ?? {
        id: documentId,
        kind,
        title: template.title,
        text: '',
        step: stepId,
        generatedAt: at,
        deliveries: [],
      }
    );
  }

  result(definition: Definition): SimulationResult {
    const element = this.started ? this.#index.element(this.state.token) : undefined;
    return {
      steps: this.steps,
      applied: this.applied,
      deadlines: this.started ? this.state.deadlines.map((d) => deadlineView(definition, d)) : [],
      happenings: this.happenings,
      documents: this.started
        ? this.state.documents.map(({ id, kind, title, step: s, generatedAt, text }) => ({
            id,
            kind,
            title,
            step: s,
            generatedAt,
            text,
          }))
        : [],
      timeline: this.started ? this.state.timeline : [],
      ...(this.refused && { refused: this.refused }),
      ...(this.failed && { failed: this.failed }),
      end: {
        status: this.started ? this.state.status : 'open',
        step: this.started ? this.state.token : '',
        stepName: element?.name ?? (this.started ? this.state.token : ''),
        outcome: this.started ? (this.state.outcome ?? null) : null,
        at: this.at,
      },
      ...(this.started && { state: this.state }),
    };
  }
}
