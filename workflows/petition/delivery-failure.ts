import { ApplicationFailure, type ActivityFailure } from '@temporalio/workflow';
import type { Delivery, EscalateInput } from '../activity-contracts';
import type { DeliveryRoute } from '../department-routing';
import { now } from './clock';

/** What is known of a hand-over that failed. */
export interface FailedHandOver {
  petitionId: string;
  /** The delivery service task. */
  step: string;
  route: DeliveryRoute;
  /** The body holding the petition when the hand-over began. */
  department: string | undefined;
  /** The body the registry resolved, when the failure came after (the department's own worker refused or was away). */
  resolved: string | undefined;
  idempotencyKey: string;
  /** The instant of the event that started the hand-over. */
  at: string;
}

/** What the petition records of a failed hand-over, and whom it tells. */
export interface DeliveryFailureDecision {
  /** The failed delivery, as the service task's result records it. */
  failed: Delivery;
  /** The supervisor contact of the body concerned is told (a `delivery-failed` escalation). */
  escalation: EscalateInput;
  /** The body that holds the step all the same (it was resolved, or the failure named it), if any. */
  receiver: string | undefined;
}

/**
 * The policy for a hand-over refused for good or not made in time: it does not fail the petition. It is recorded as
 * failed, raised to the supervisor of the body concerned, and the body (when one was resolved) works from its queue.
 * A routing failure names the body whose superior is unknown: its supervisor is told, but it holds nothing.
 */
export function decideDeliveryFailure(
  err: ActivityFailure,
  handOver: FailedHandOver,
): DeliveryFailureDecision {
  const cause = err.cause;
  const info = (cause instanceof ApplicationFailure ? cause.details?.[0] : undefined) as
    { department?: string; channel?: string } | undefined;
  const receiver = handOver.resolved ?? (info?.channel === 'routing' ? undefined : info?.department);
  const target = handOver.route.target;
  const body =
    receiver ?? info?.department ?? (target.kind === 'department' ? target.code : handOver.department);
  const reason = cause?.message ?? err.message;
  return {
    failed: {
      channel: info?.channel ?? (handOver.resolved ? 'worker' : 'delivery'),
      at: now(),
      ok: false,
      detail: reason,
    },
    escalation: {
      petitionId: handOver.petitionId,
      reason: 'delivery-failed',
      step: handOver.step,
      department: body,
      deadlineKey: handOver.step,
      message: `交送${body ?? '有权处理机关'}失败：${reason}`,
      at: handOver.at,
      idempotencyKey: `${handOver.idempotencyKey}:delivery-failed`,
    },
    receiver,
  };
}

/** The escalations' deliveries, as the failed hand-over's record lists them. */
export function raisedToSupervisor(escalations: Delivery[]): Delivery[] {
  return escalations.map((d) => ({
    ...d,
    detail: `raised to the supervisor${d.detail ? `: ${d.detail}` : ''}`,
  }));
}
