import type { DefinitionIndex } from './definition-index';
import type { PetitionState } from './types';

/**
 * The FEEL evaluation context: declared variables, plus `input`, `actionTime` and `holder` (reserved names; a
 * variable of a definition written before `holder` was reserved keeps its own value).
 */
export function feelContext(
  state: PetitionState,
  input: Record<string, unknown> = {},
  actionTime?: string,
  holder?: string | null,
): Record<string, unknown> {
  return { holder: holder ?? null, ...state.variables, input, actionTime: actionTime ?? null };
}

/** The code of the body handling the petition: the value of the department assignee's variable, when it names one. */
export function handlingBody(
  index: DefinitionIndex,
  variables: PetitionState['variables'],
): string | undefined {
  const value = index.bodyVariable === undefined ? undefined : variables[index.bodyVariable];
  return typeof value === 'string' ? value : undefined;
}

/** The code of the body holding a user task (its assignee's `holder` variable), when it names one. */
export function holderOf(
  index: DefinitionIndex,
  state: Pick<PetitionState, 'variables' | 'token'>,
  stepId: string = state.token,
): string | undefined {
  const task = index.userTask(stepId);
  const variable = task ? index.assignee(task.assignee)?.holder : undefined;
  const value = variable === undefined ? undefined : state.variables[variable];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * While a hand-over (a delivery service task) runs in the background, the body it goes to, once known: the holder of
 * the first step it leads to.
 */
function handOverTo(index: DefinitionIndex, state: PetitionState): string | undefined {
  const element = index.element(state.token);
  if (element.type !== 'serviceTask' || element.activity !== 'delivery') return undefined;
  const seen = new Set([state.token]);
  const queue = [state.token];
  while (queue.length > 0) {
    for (const flow of index.outgoing(queue.shift()!)) {
      if (seen.has(flow.to)) continue;
      seen.add(flow.to);
      if (index.userTask(flow.to)) return holderOf(index, state, flow.to);
      queue.push(flow.to);
    }
  }
  return undefined;
}

/**
 * The body that must act now: the holder of the current step (during a hand-over, of the step it leads to), else the
 * body an open supervision order (one that only its answer meets) awaits. Undefined while the petition bureau or the
 * petitioner holds it with nothing owed.
 */
export function bodyToActNow(index: DefinitionIndex, state: PetitionState): string | undefined {
  if (state.status === 'closed') return undefined;
  const holder = holderOf(index, state) ?? handOverTo(index, state);
  if (holder) return holder;
  const awaiting = state.deadlines.filter(
    (d) =>
      d.supervision && d.answeredBy !== undefined && d.closedAt === undefined && d.status !== 'cancelled',
  );
  return awaiting.at(-1)?.accountable.department;
}

/**
 * The body whose list the petition is on (PetitionDepartment; department staff of that body see it): while open, the
 * body that must act now where the definition says so (`listedBody: holder`); otherwise the handling body.
 */
export function listedBody(index: DefinitionIndex, state: PetitionState): string | undefined {
  return index.definition.listedBody === 'holder' && state.status === 'open'
    ? bodyToActNow(index, state)
    : handlingBody(index, state.variables);
}

/** The registered name of a body, or its code when the registry has none. */
export function bodyName(state: Pick<PetitionState, 'bodies'>, code: string): string {
  return state.bodies?.[code]?.name ?? code;
}

/** The instant the petition was received (its registered `receivedAt`), as an ISO instant: a deadline's `receipt`. */
export function receivedAt(state: Pick<PetitionState, 'petition'>): string {
  return new Date(Date.parse(state.petition.receivedAt)).toISOString();
}
