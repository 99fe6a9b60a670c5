import {
  ApplicationFailure,
  currentUpdateInfo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Definition } from '../../definitions/language/schema';
import { PETITION_ACCESS } from '../access-policy';
import { actionAnswerOf, type ActionAnswer, type EntryRange } from '../engine/answer';
import {
  accessFactsOf,
  actorOfCaller,
  authorize,
  callerRole,
  seesIdentity,
  type Caller,
} from '../engine/authorize';
import { EngineError, step } from '../engine/interpreter';
import type { Actor, EngineCommand, EngineEvent, PetitionState, Refusal, StepResult } from '../engine/types';
import { checkAction } from '../engine/validate-action';
import { isConfidential, searchValuesOf, type PetitionSearchValues } from '../engine/view';
import { FailureType } from '../failure-types';
import type { ActionAnswerQueryInput, ActionAnswerQueryResult, PetitionActionInput } from '../messages';
import { searchAttributeUpdates } from '../search-attributes';
import type { PinnedDefinition } from './pinned-definition';

/** Runs one command and answers with the events that follow from it (the command runner). */
export type Execute = (command: EngineCommand, snapshot: PetitionState, at: string) => Promise<EngineEvent[]>;

/** Commands the interpreter decided for one event, with the state they were decided on. */
export interface Decided {
  commands: EngineCommand[];
  snapshot: PetitionState;
  /** The instant of the event that produced the commands. */
  at: string;
  /** The event was recorded but refused (an extension without the approver's claim): the Update fails with it. */
  refusal?: Refusal;
}

/** An action the rules allow, as it will be applied. */
interface Checked {
  actor: Actor;
  input: Record<string, unknown>;
}

/**
 * The state of one running petition and the order its events are applied in. Updates, timers, signals and
 * background deliveries interleave at every await; here they are serialised, each event is decided by the pure
 * interpreter, the commands it yields are run and the events those produce are applied in command order, and the
 * search attributes are published once everything that followed is applied.
 */
export class PetitionRun {
  /** Bumped by every event applied: the main loop re-reads the deadlines when it changes. */
  version = 0;
  readonly #pinned: PinnedDefinition;
  readonly #execute: Execute;
  #state: PetitionState | undefined;
  #queue: Promise<void> = Promise.resolve();
  readonly #background: Promise<void>[] = [];
  /** The search values last published (registration started the petition with some). */
  #lastSearch: PetitionSearchValues | undefined;
  /** The validator's verdict by Update id, for its handler while the state and the instant are those it judged. */
  readonly #validated = new Map<string, { version: number; at: string; checked: Checked }>();
  /** The timeline entries each applied request added, by request id: a retry after closing is answered from them. */
  readonly #added = new Map<string, EntryRange>();

  constructor(pinned: PinnedDefinition, startedWith: PetitionSearchValues | undefined, execute: Execute) {
    this.#pinned = pinned;
    this.#lastSearch = startedWith;
    this.#execute = execute;
  }

  /** The definition the petition follows now (swapped only by a definition migration). */
  get #definition(): Definition {
    return this.#pinned.current;
  }

  /** The current state; an Update or Query before registration is decided is told to retry. */
  current(): PetitionState {
    if (!this.#state)
      throw ApplicationFailure.create({
        type: FailureType.NotStarted,
        message: 'The petition is still being registered.',
      });
    return this.#state;
  }

  /** Runs `fn` after everything queued before it: Updates, timers and signals interleave at awaits otherwise. */
  serialised = (fn: () => Promise<void>): Promise<void> => {
    const next = this.#queue.then(fn);
    this.#queue = next.catch(() => undefined);
    return next;
  };

  /** Runs deliveries and escalations beside the petition; the events they yield are applied when they are done. */
  inBackground = (work: () => Promise<EngineEvent[]>): void => {
    this.#background.push(
      work().then((events) =>
        this.serialised(async () => {
          for (const event of events) await this.process(event);
        }),
      ),
    );
  };

  /** The synchronous half of processing: the interpreter decides; nothing is awaited. */
  decide(event: EngineEvent): Decided {
    const result = step(this.#definition, this.#state, event);
    this.#state = result.state;
    this.version += 1;
    return {
      commands: result.commands,
      snapshot: result.state,
      at: event.at,
      ...(result.refusal && { refusal: result.refusal }),
    };
  }

  /**
   * Takes a state decided outside `step` (a definition migration, workflows/engine/migration.ts) as the current one;
   * `drain` then runs its commands like those of any event.
   */
  adopt(result: StepResult, at: string): Decided {
    this.#state = result.state;
    this.version += 1;
    return { commands: result.commands, snapshot: result.state, at };
  }

  /** Applies one event and everything that follows from it, then publishes the search attributes. */
  async process(event: EngineEvent): Promise<void> {
    await this.drain(this.decide(event));
  }

  /** Runs commands (in parallel: they are independent) and applies the events they produce, in command order. */
  async drain(first: Decided): Promise<void> {
    let batch = [first];
    while (batch.length > 0) {
      const next: Decided[] = [];
      for (const { commands, snapshot, at } of batch) {
        const followUps = await Promise.all(commands.map((c) => this.#execute(c, snapshot, at)));
        for (const events of followUps) for (const event of events) next.push(this.decide(event));
      }
      batch = next;
    }
    this.#publishSearchAttributes();
  }

  /**
   * The Update validator: refuses, before anything reaches history, an action on a petition the caller may not see
   * (as if it did not exist) and one the current state does not allow.
   */
  validate(request: PetitionActionInput, at: string): void {
    const checked = this.#check(request, at);
    // A definition the interpreter cannot carry out here (a loop without a wait state, say) refuses the action
    // before it reaches history, instead of failing the workflow task for good.
    try {
      step(this.#definition, this.current(), {
        type: 'action',
        at,
        action: request.action,
        actor: checked.actor,
        input: checked.input,
        requestId: request.requestId,
      });
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      const { id, version } = this.#definition;
      throw refusalFailure({
        type: FailureType.InvalidDefinition,
        message: `Action "${request.action}" cannot be carried out: the definition ${id}@${version} fails here (${err.message}). Nothing was changed; its designers must publish a corrected version.`,
      });
    }
    const updateId = currentUpdateInfo()?.id;
    if (updateId !== undefined) this.#validated.set(updateId, { version: this.version, at, checked });
  }

  /**
   * Applies an action (the Update handler) and answers with the state it led to, for the caller. The answer is
   * given once the state is decided: a hand-over to a department started by the action runs in the background.
   */
  async act(request: PetitionActionInput, at: string): Promise<ActionAnswer> {
    const updateId = currentUpdateInfo()?.id;
    let answer: ActionAnswer | undefined;
    await this.serialised(async () => {
      const validated = updateId === undefined ? undefined : this.#validated.get(updateId);
      if (updateId !== undefined) this.#validated.delete(updateId);
      // Re-checked inside the lock unless nothing has happened since the validator judged it (on replay no
      // validator runs): an earlier Update may have moved the token since.
      const checked =
        validated && validated.version === this.version && validated.at === at
          ? validated.checked
          : this.#check(request, at);
      const after = this.current().seq;
      const decided = this.decide({
        type: 'action',
        at,
        action: request.action,
        actor: checked.actor,
        input: checked.input,
        requestId: request.requestId,
      });
      await this.drain(decided);
      // What the definition refuses only once it is on the record (an extension without the approver's claim): the
      // attempt stays in the timeline, the Update fails with the refusal (403).
      if (decided.refusal) throw refusalFailure(decided.refusal);
      const entries = { after, upTo: this.current().seq };
      if (request.requestId !== undefined) this.#added.set(request.requestId, entries);
      answer = this.#answer(request.caller, checked.actor, entries);
    });
    return answer!;
  }

  /** The query behind a retried action on a closed petition: its answer, rebuilt from the entries it added. */
  answerTo(request: ActionAnswerQueryInput): ActionAnswerQueryResult {
    const state = this.current();
    if (request.caller) {
      const refusal = this.#authorize(request.caller);
      if (refusal) return { refusal };
    }
    const prefix = `${request.updateId}#`;
    const entry = state.timeline.find(
      (t) =>
        t.type === 'action' &&
        typeof t.data?.['requestId'] === 'string' &&
        (t.data['requestId'] === request.updateId || t.data['requestId'].startsWith(prefix)),
    );
    if (!entry?.actor) return { answer: null };
    const requestId = entry.data!['requestId'] as string;
    const entries = this.#added.get(requestId) ?? { after: entry.seq - 1, upTo: entry.seq };
    return { answer: this.#answer(request.caller, entry.actor, entries), requestId };
  }

  /** Waits for the deliveries still on their way (the closing opinion's, say), including those they start. */
  async finishBackground(): Promise<void> {
    while (this.#background.length > 0) await Promise.all(this.#background.splice(0));
  }

  /** Whether the caller may act: sees the petition, and the action is allowed now. Throws the refusal. */
  #check(request: PetitionActionInput, at: string): Checked {
    const state = this.current();
    let actor: Actor;
    if (request.caller) {
      const refusal = this.#authorize(request.caller);
      if (refusal) throw refusalFailure(refusal);
      actor = actorOfCaller(PETITION_ACCESS, request.caller);
    } else if (request.actor) {
      actor = request.actor;
    } else {
      throw refusalFailure({
        type: FailureType.InvalidInput,
        message: 'An action names its caller (or, as recorded before, its actor).',
      });
    }
    const checked = checkAction(this.#definition, state, {
      action: request.action,
      actor,
      input: request.input,
      at,
    });
    if (!checked.ok) throw refusalFailure(checked.refusal);
    return { actor, input: checked.input };
  }

  /** The access code's hash is read from the memo now: a re-issued code replaces it (upsertMemo). */
  #authorize(caller: Caller): Refusal | undefined {
    return authorize(
      PETITION_ACCESS,
      caller,
      accessFactsOf(this.#definition, this.current()),
      workflowInfo().memo?.['accessCodeHash'],
    );
  }

  #answer(caller: Caller | undefined, actor: Actor, entries: EntryRange): ActionAnswer {
    const state = this.current();
    const role = caller ? callerRole(PETITION_ACCESS, caller) : actor.role;
    return actionAnswerOf(this.#definition, state, {
      role,
      entries,
      maskIdentity: !seesIdentity(PETITION_ACCESS, role, isConfidential(this.#definition, state)),
    });
  }

  #publishSearchAttributes(): void {
    const values = searchValuesOf(this.#definition, this.current());
    const updates = searchAttributeUpdates(values, this.#lastSearch);
    if (updates.length > 0) upsertSearchAttributes(updates);
    this.#lastSearch = values;
  }
}

/** A refusal of the interpreter as the failure an Update is rejected with (its `type` maps onto an HTTP status). */
export function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: refusal.type,
    message: refusal.message,
    details: refusal.details ? [refusal.details] : [],
    nonRetryable: true,
  });
}
