import type { DeliveryTarget } from './activity-contracts';
import { feelContext } from './engine/context';
import type { DefinitionIndex } from './engine/definition-index';
import { feelHolds } from './engine/feel';
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
 * - `bureau` → back to the petition bureau (an objection's hand-back);
 * - a service task declaring `receiverOf` → the body registered as receiving matters of the procedure its variable
 *   names (a litigation matter handed to the political-legal body), recorded in its `records` variable.
 *
 * The next user task is found through gateways and notices on the way. A delivery to a department also records when
 * the body received it, in the department assignee's `receipt` variable when the definition declares one.
 *
 * Pure: decided from the definition and the state, so replay sees the same answer.
 */
export interface DeliveryRoute {
  target: DeliveryTarget;
  /** The variable that records the body the registry resolved (declared by the definition), if any. */
  records?: string;
  /** The variable that records when that body received the petition (the assignee's `receipt`), if declared. */
  receipt?: string;
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
  const task = nextUserTask(index, element, variables);
  const declared = (name: string | undefined) =>
    name !== undefined && name in index.definition.variables ? name : undefined;
  const service = index.element(element);
  if (service.type === 'serviceTask' && service.receiverOf !== undefined) {
    const procedure = text(variables[service.receiverOf]);
    return {
      target: procedure ? { kind: 'receiver', procedure } : { kind: 'bureau' },
      records: declared(service.records),
    };
  }
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
      return {
        ...base,
        target: department ? { kind: 'department', code: department } : { kind: 'bureau' },
        ...(task?.assignee === 'department' && { receipt: declared(index.assignee('department')?.receipt) }),
      };
  }
}

/**
 * The user task a service task's flow leads to: directly, or through gateways (the flow their conditions choose now)
 * and other service tasks (a notice sent on the way), as the token will go.
 */
function nextUserTask(
  index: DefinitionIndex,
  element: string,
  variables: PetitionState['variables'],
): ReturnType<DefinitionIndex['userTask']> {
  let at = index.outgoing(element)[0]?.to;
  for (let hops = 0; at !== undefined && hops < 20; hops++) {
    const current = index.element(at);
    if (current.type === 'userTask') return current;
    if (current.type === 'serviceTask') {
      at = index.outgoing(current.id)[0]?.to;
      continue;
    }
    if (current.type !== 'exclusiveGateway') return undefined;
    const flows = index.outgoing(current.id);
    const context = feelContext({ variables } as PetitionState);
    at = (
      flows.find((f) => !f.default && f.condition !== undefined && feelHolds(f.condition, context)) ??
      flows.find((f) => f.default)
    )?.to;
  }
  return undefined;
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
