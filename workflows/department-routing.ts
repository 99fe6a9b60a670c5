import type { DeliveryTarget } from './activity-contracts';
import type { DefinitionIndex } from './engine/definition-index';
import { deadlineStart } from './engine/interpreter';
import type { DeadlineRequest, PetitionState } from './engine/types';

/**
 * Where a `delivery` service task sends the petition, read from the definition rather than from element ids: the
 * assignee of the user task its flow leads to, and the variables the definition declares for the assignees'
 * bodies (`assignees.<kind>.holder`).
 *
 * - `department` → the body the department assignee's variable names (forwarding);
 * - `superior` → the superior of that body, recorded in the superior assignee's variable (a review);
 * - `superior-of-superior` → the superior of the body the superior's variable names (or two levels above the
 *   handling body when it names none), recorded in its own variable (a re-review);
 * - `bureau` → back to the petition bureau (an objection's hand-back).
 *
 * Pure: decided from the definition and the state, so replay sees the same answer.
 */
export interface DeliveryRoute {
  target: DeliveryTarget;
  /** The variable that records the body the registry resolved (declared by the definition), if any. */
  records?: string;
  /** The user task the department will hold. */
  nextStep?: string;
  /** That step's body deadline (the one whose expiry is overdue), for the delivery to state. */
  deadline?: DeadlineRequest & { name: string };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

export function deliveryRoute(
  index: DefinitionIndex,
  element: string,
  state: Pick<PetitionState, 'variables' | 'petition'>,
  at: string,
): DeliveryRoute {
  const { variables } = state;
  const next = index.outgoing(element)[0]?.to;
  const task = next ? index.userTask(next) : undefined;
  const declared = (name: string | undefined) =>
    name !== undefined && name in index.definition.variables ? name : undefined;
  const bodyIn = (name: string | undefined) => (name === undefined ? undefined : text(variables[name]));
  const holder = (kind: 'department' | 'superior' | 'superior-of-superior') => index.assignee(kind)?.holder;
  const department = bodyIn(holder('department'));
  const deadline = task ? bodyDeadline(task, state, at) : undefined;
  const base = { nextStep: task?.id, ...(deadline && { deadline }) };
  switch (task?.assignee) {
    case 'superior':
      return {
        ...base,
        target: department ? { kind: 'superior', of: department, levels: 1 } : { kind: 'bureau' },
        records: declared(holder('superior')),
      };
    case 'superior-of-superior': {
      const reviewer = bodyIn(holder('superior'));
      const target: DeliveryTarget = reviewer
        ? { kind: 'superior', of: reviewer, levels: 1 }
        : department
          ? { kind: 'superior', of: department, levels: 2 }
          : { kind: 'bureau' };
      return { ...base, target, records: declared(holder('superior-of-superior')) };
    }
    case 'bureau':
      return { ...base, target: { kind: 'bureau' } };
    default:
      return { ...base, target: department ? { kind: 'department', code: department } : { kind: 'bureau' } };
  }
}

function bodyDeadline(
  task: NonNullable<ReturnType<DefinitionIndex['userTask']>>,
  state: Pick<PetitionState, 'variables' | 'petition'>,
  at: string,
): (DeadlineRequest & { name: string }) | undefined {
  const d = task.deadlines.find((x) => x.onExpiry.kind === 'overdue');
  if (!d) return undefined;
  return {
    name: d.name,
    from: deadlineStart(state, d.from, at),
    duration: d.duration,
    counting: d.counting,
    extensionDays: 0,
    pausedDays: 0,
    article: d.article,
  };
}
