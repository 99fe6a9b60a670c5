import { indexDefinition, type DefinitionIndex } from './definition-index';
import { identityReplacements, redactDeep } from './identity';
import type { Definition, PetitionOutcome, PetitionState, TimelineEntry } from './types';
import { availableActions } from './validate-action';
import { deadlineView, type DeadlineView } from './view';

/** A deadline as an action's answer states it: what a caller needs to know what is due, and why. */
export type AnswerDeadline = Pick<
  DeadlineView,
  'id' | 'key' | 'name' | 'state' | 'dueAt' | 'lastDay' | 'explanation' | 'article' | 'overdue'
>;

/**
 * What an action answers (the Update's result, sent by the API as is): the state the action led to, for the caller
 * who took it, without what `GET` shows in full (facts, documents, the whole timeline). Built directly from the
 * state; every Update result is stored in history, so it stays small.
 */
export interface ActionAnswer {
  id: string;
  status: 'open' | 'closed';
  step: string;
  stepName: string;
  /** The body holding the step (or, on a hand-over, the step it hands the petition to), when a body does. */
  holder: string | null;
  /** The open deadlines and those of the current step. */
  deadlines: AnswerDeadline[];
  /** The actions the caller may take now. */
  availableActions: string[];
  outcome: PetitionOutcome | null;
  /** The timeline entries the action added. */
  timeline: TimelineEntry[];
  /** The sequence number of the petition's latest timeline entry. */
  lastSeq: number;
}

/** The timeline entries with `after < seq ≤ upTo` (upTo: the latest when absent). */
export interface EntryRange {
  after: number;
  upTo?: number;
}

/** Builds the answer to an action for a caller acting in `role`; `maskIdentity` masks the petitioner in its texts. */
export function actionAnswerOf(
  definition: Definition,
  state: PetitionState,
  opts: { role: string; entries: EntryRange; maskIdentity: boolean },
): ActionAnswer {
  const index = indexDefinition(definition);
  const { after, upTo = state.seq } = opts.entries;
  const added = state.timeline.filter((t) => t.seq > after && t.seq <= upTo);
  return {
    id: state.petitionId,
    status: state.status,
    step: state.token,
    stepName: (state.token ? index.element(state.token).name : undefined) ?? state.token,
    holder: holderOf(index, state),
    deadlines: state.deadlines
      .filter((d) => d.closedAt === undefined || d.step === state.token)
      .map((d) => {
        const v = deadlineView(definition, d);
        return {
          id: v.id,
          key: v.key,
          name: v.name,
          state: v.state,
          dueAt: v.dueAt,
          lastDay: v.lastDay,
          explanation: v.explanation,
          article: v.article,
          overdue: v.overdue,
        };
      }),
    availableActions: availableActions(definition, state, opts.role),
    outcome: state.outcome ?? null,
    timeline: opts.maskIdentity ? redactDeep(added, identityReplacements(state.petition)) : added,
    lastSeq: state.seq,
  };
}

/**
 * The body holding the current step: the one its assignee's variable names. On a service task (a hand-over in
 * progress) that of the first step it leads to, through gateways and notices, once known (a review body is known
 * only when the registry has named it).
 */
function holderOf(index: DefinitionIndex, state: PetitionState): string | null {
  if (state.status === 'closed') return null;
  const task = index.userTask(state.token) ?? nextUserTask(index, state.token);
  const variable = task ? index.assignee(task.assignee)?.holder : undefined;
  const value = variable ? state.variables[variable] : undefined;
  return typeof value === 'string' ? value : null;
}

/** The first user task reached from an element along its flows (breadth first), if any. */
function nextUserTask(index: DefinitionIndex, from: string): ReturnType<DefinitionIndex['userTask']> {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length > 0) {
    for (const flow of index.outgoing(queue.shift()!)) {
      if (seen.has(flow.to)) continue;
      seen.add(flow.to);
      const task = index.userTask(flow.to);
      if (task) return task;
      queue.push(flow.to);
    }
  }
  return undefined;
}
