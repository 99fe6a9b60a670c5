import { ApplicationFailure, upsertSearchAttributes } from '@temporalio/workflow';
import type { Definition } from '../../definitions/language/schema';
import { step } from '../engine/interpreter';
import type { EngineCommand, EngineEvent, PetitionState, Refusal } from '../engine/types';
import { checkAction } from '../engine/validate-action';
import { searchValuesOf, summaryOf, type PetitionSearchValues, type PetitionSummary } from '../engine/view';
import { FailureType } from '../failure-types';
import type { PetitionActionInput } from '../messages';
import { searchAttributeUpdates } from '../search-attributes';

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

/**
 * The state of one running petition and the order its events are applied in. Updates, timers, signals and
 * background deliveries interleave at every await; here they are serialised, each event is decided by the pure
 * interpreter, the commands it yields are run and the events those produce are applied in command order, and the
 * search attributes are published once everything that followed is applied.
 */
export class PetitionRun {
  /** Bumped by every event applied: the main loop re-reads the deadlines when it changes. */
  version = 0;
  readonly #definition: Definition;
  readonly #execute: Execute;
  #state: PetitionState | undefined;
  #queue: Promise<void> = Promise.resolve();
  readonly #background: Promise<void>[] = [];
  /** The search values last published (registration started the petition with some). */
  #lastSearch: PetitionSearchValues | undefined;

  constructor(definition: Definition, startedWith: PetitionSearchValues | undefined, execute: Execute) {
    this.#definition = definition;
    this.#lastSearch = startedWith;
    this.#execute = execute;
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

  /** The Update validator: refuses an action the current state does not allow, before it reaches history. */
  validate(request: PetitionActionInput, at: string): void {
    const checked = checkAction(this.#definition, this.current(), { ...request, at });
    if (!checked.ok) throw refusalFailure(checked.refusal);
  }

  /** Applies an action (the Update handler) and answers with the summary of the state it led to. */
  async act(request: PetitionActionInput, at: string): Promise<PetitionSummary> {
    await this.serialised(async () => {
      // Re-checked inside the lock: an earlier Update may have moved the token since the validator ran.
      const checked = checkAction(this.#definition, this.current(), { ...request, at });
      if (!checked.ok) throw refusalFailure(checked.refusal);
      const decided = this.decide({
        type: 'action',
        at,
        action: request.action,
        actor: request.actor,
        input: checked.input,
        requestId: request.requestId,
      });
      await this.drain(decided);
      // What the definition refuses only once it is on the record (the attempt stays in the timeline).
      if (decided.refusal) throw refusalFailure(decided.refusal);
    });
    return summaryOf(this.#definition, this.current());
  }

  /** Waits for the deliveries still on their way (the closing opinion's, say), including those they start. */
  async finishBackground(): Promise<void> {
    while (this.#background.length > 0) await Promise.all(this.#background.splice(0));
  }

  #publishSearchAttributes(): void {
    const values = searchValuesOf(this.#definition, this.current());
    const updates = searchAttributeUpdates(values, this.#lastSearch);
    if (updates.length > 0) upsertSearchAttributes(updates);
    this.#lastSearch = values;
  }
}

/** A refusal of the interpreter as the failure an Update is rejected with (its `type` maps onto an HTTP status). */
function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: refusal.type,
    message: refusal.message,
    details: refusal.details ? [refusal.details] : [],
    nonRetryable: true,
  });
}
