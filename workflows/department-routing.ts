import type { DeliveryTarget } from './activity-contracts';
import type { DefinitionIndex } from './engine/definition-index';
import type { DeadlineRequest } from './engine/types';

/**
 * Where a `delivery` service task sends the petition, read from the definition rather than from element ids: the
 * assignee of the user task its flow leads to.
 *
 * - `department` → the body in `department` (forwarding, Art. 22);
 * - `superior` → the superior of the handling body, recorded in `reviewBody` (review, Art. 35);
 * - `superior-of-superior` → the superior of `reviewBody` (or two levels above the handler when the review body is
 *   not known), recorded in `reReviewBody` (re-review, Art. 36);
 * - `bureau` → back to the petition bureau (the objection's hand-back, Art. 23 ¶3).
 *
 * Pure: decided from the definition and the variables, so replay sees the same answer.
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
  variables: Record<string, unknown>,
  at: string,
): DeliveryRoute {
  const next = index.outgoing(element)[0]?.to;
  const task = next ? index.userTask(next) : undefined;
  const declared = (name: string) => (name in index.definition.variables ? name : undefined);
  const department = text(variables['department']);
  const deadline = task ? bodyDeadline(task, variables, at) : undefined;
  const base = { nextStep: task?.id, ...(deadline && { deadline }) };
  switch (task?.assignee) {
    case 'superior':
      return {
        ...base,
        target: department ? { kind: 'superior', of: department, levels: 1 } : { kind: 'bureau' },
        records: declared('reviewBody'),
      };
    case 'superior-of-superior': {
      const reviewer = text(variables['reviewBody']);
      const target: DeliveryTarget = reviewer
        ? { kind: 'superior', of: reviewer, levels: 1 }
        : department
          ? { kind: 'superior', of: department, levels: 2 }
          : { kind: 'bureau' };
      return { ...base, target, records: declared('reReviewBody') };
    }
    case 'bureau':
      return { ...base, target: { kind: 'bureau' } };
    default:
      return { ...base, target: department ? { kind: 'department', code: department } : { kind: 'bureau' } };
  }
}

function bodyDeadline(
  task: NonNullable<ReturnType<DefinitionIndex['userTask']>>,
  variables: Record<string, unknown>,
  at: string,
): (DeadlineRequest & { name: string }) | undefined {
  const d = task.deadlines.find((x) => x.onExpiry.kind === 'overdue');
  if (!d) return undefined;
  const raw = d.from === 'entered' ? at : d.from === 'receipt' ? variables['receivedAt'] : variables[d.from];
  const from =
    typeof raw === 'string' && !Number.isNaN(Date.parse(raw)) ? new Date(Date.parse(raw)).toISOString() : at;
  return {
    name: d.name,
    from,
    duration: d.duration,
    counting: d.counting,
    extensionDays: 0,
    pausedDays: 0,
    article: d.article,
  };
}
