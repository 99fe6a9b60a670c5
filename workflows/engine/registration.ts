import type { Definition } from '../../definitions/language/schema';
import { step } from './interpreter';
import type {
  DeadlineCalculation,
  DeadlineRequest,
  EngineCommand,
  EngineEvent,
  PetitionState,
} from './types';

/** A deadline of the first step, computed at registration for the request the interpreter made. */
export interface PrecomputedDeadline {
  key: string;
  request: DeadlineRequest;
  calculation: DeadlineCalculation;
}

export interface SettledRegistration {
  /** The state after the start event and the first step's deadline computations (documents and deliveries not run). */
  state: PetitionState;
  /** The computations, in the order the interpreter asked for them. */
  deadlines: PrecomputedDeadline[];
}

/** Rounds of deadline computation followed; the first step arms a handful of deadlines in one round. */
const MAX_ROUNDS = 5;

/**
 * Decides the state a petition is registered in, with the deadlines of its first step computed by `compute` (the
 * legal calendar) instead of by the workflow's local activity. Registration answers with this state at once, and
 * the workflow is started with the computations so that its first task need not make them again
 * ({@link precomputedCalculation}). Pure and synchronous: `compute` must be too.
 */
export function settleRegistration(
  definition: Definition,
  start: Extract<EngineEvent, { type: 'start' }>,
  compute: (request: DeadlineRequest) => DeadlineCalculation,
): SettledRegistration {
  let result = step(definition, undefined, start);
  let state = result.state;
  const deadlines: PrecomputedDeadline[] = [];
  let pending = result.commands;
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const next: EngineCommand[] = [];
    for (const command of pending) {
      if (command.type !== 'compute-deadline') continue;
      const calculation = compute(command.request);
      deadlines.push({ key: command.key, request: command.request, calculation });
      result = step(definition, state, {
        type: 'deadline-computed',
        at: start.at,
        key: command.key,
        calculation,
      });
      state = result.state;
      next.push(...result.commands);
    }
    pending = next;
  }
  return { state, deadlines };
}

/**
 * The precomputed calculation for a `compute-deadline` command, when one was made at registration for exactly this
 * key and request (the workflow falls back to its activity otherwise, e.g. for histories started before).
 */
export function precomputedCalculation(
  precomputed: readonly PrecomputedDeadline[] | undefined,
  command: { key: string; request: DeadlineRequest },
): DeadlineCalculation | undefined {
  const match = precomputed?.find((p) => p.key === command.key);
  if (!match) return undefined;
  const a = match.request;
  const b = command.request;
  const same =
    a.from === b.from &&
    a.duration === b.duration &&
    a.counting === b.counting &&
    a.extensionDays === b.extensionDays &&
    a.pausedDays === b.pausedDays &&
    a.article === b.article &&
    a.extensionFrom === b.extensionFrom;
  return same ? match.calculation : undefined;
}
