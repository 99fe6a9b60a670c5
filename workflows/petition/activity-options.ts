import { proxyActivities, proxyLocalActivities, type RetryPolicy } from '@temporalio/workflow';
import type { PetitionActivities, PetitionLocalActivities } from '../activity-contracts';
import type { DepartmentActivities } from '../department-activities';
import { FailureType } from '../failure-types';

/** Every retried call backs off the same way: 2 s, doubling, at most 10 minutes apart. */
const backoff: RetryPolicy = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '10 minutes',
};

/** The retry policies of the petition's activities, each written once. */
export const retryPolicies = {
  /** Local activities (the legal calendar, document rendering): deterministic in input, so a few tries suffice. */
  local: { maximumAttempts: 5 },
  /** Notices, escalations and archiving: a delivery the receiver refused for good is not tried again. */
  delivery: { ...backoff, nonRetryableErrorTypes: [FailureType.DeliveryRejected] },
  /** Hand-overs to departments: neither is one that would breach a confidential petition (Art. 30). */
  handOver: {
    ...backoff,
    nonRetryableErrorTypes: [FailureType.DeliveryRejected, FailureType.ConfidentialityViolation],
  },
} satisfies Record<string, RetryPolicy>;

/** The legal calendar and (for petitions that rendered documents before the patch) document rendering. */
export const local = proxyLocalActivities<PetitionLocalActivities>({
  startToCloseTimeout: '10 seconds',
  retry: retryPolicies.local,
});

/** Deliveries a service task waits for (escalation, archive, the supervisor told of a failed hand-over). */
export const io = proxyActivities<PetitionActivities>({
  startToCloseTimeout: '1 minute',
  retry: retryPolicies.delivery,
});

/**
 * Notices and escalations: retried with backoff for up to a day, then recorded as failed. They run beside the
 * petition (not under its processing lock), so a mail server that is down never holds up actions or deadlines.
 */
export const notices = proxyActivities<PetitionActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  retry: retryPolicies.delivery,
});

/**
 * Hand-overs to departments. The activity heartbeats while a webhook holds the request, so an attempt lost with a
 * crashed worker is retried within seconds rather than after the start-to-close timeout. A delivery not made within
 * a day is recorded as failed and raised to the supervisor; the department then works from its queue.
 */
export const departmentIo = proxyActivities<PetitionActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: retryPolicies.handOver,
});

/** The worker connector: `receivePetition` on the department's own task queue (`dept.<code>`), run by its worker. */
export const departmentWorker = (taskQueue: string) =>
  proxyActivities<DepartmentActivities>({
    taskQueue,
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '1 day',
    retry: retryPolicies.handOver,
  });
