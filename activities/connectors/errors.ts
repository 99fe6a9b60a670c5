/** Failure types raised by activities (ApplicationFailure.type). Wire names: never rename. */
export const ActivityErrorType = {
  /** Delivering a report's identity to the body it concerns is forbidden (Art. 30, 46(5)). */
  ConfidentialityViolation: 'ConfidentialityViolation',
  /** The receiver refused the delivery for good (4xx other than 408/429), or it cannot be routed. Not retried. */
  DeliveryRejected: 'DeliveryRejected',
  /** The receiver could not be reached or answered 408/429/5xx; Temporal retries with backoff. */
  DeliveryFailed: 'DeliveryFailed',
} as const;
