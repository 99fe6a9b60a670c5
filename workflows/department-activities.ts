import type { PetitionFacts } from './engine/types';

/**
 * The contract between this engine and a department (有权处理的机关、单位) plugged in by an integrator. Types only,
 * no runtime imports: a department's own worker project imports this module (or copies it) and implements
 * {@link DepartmentActivities} on task queue {@link departmentTaskQueue}`(code)`. The webhook connector POSTs the
 * same {@link DepartmentDelivery} as its JSON body.
 *
 * Wire names (`receivePetition`, the field names) live in workflow histories and department code: never rename.
 */

/** The task queue a department's worker polls: `dept.<code>`. */
export function departmentTaskQueue(code: string): string {
  return `dept.${code}`;
}

/** The petition as a department receives it. A report carries no petitioner identity (Art. 30). */
export type DeliveredPetition = Omit<PetitionFacts, 'petitioner' | 'representatives'> & {
  petitioner?: PetitionFacts['petitioner'];
  representatives?: PetitionFacts['representatives'];
};

/** One hand-over of a petition to a department (forwarding, review, re-review). Stable across retries. */
export interface DepartmentDelivery {
  petitionId: string;
  /** The service task that delivers (`deliver-to-department`, `deliver-to-reviewer`, …). */
  step: string;
  /** The step the department now holds (`accept-notice`, `review`, `re-review`). */
  nextStep?: string;
  /** The receiving body's code. */
  department: string;
  /** The statutory deadline the department answers to in that step, with its article. */
  deadline?: { name?: string; dueAt: string; lastDay: string; article: string };
  petition: DeliveredPetition;
  /** True for a report (检举控告): identity withheld, never to be passed to the body reported on (Art. 30, 46(5)). */
  confidential: boolean;
  /**
   * The same for every retry of this hand-over (petition, step and the workflow's event counter; never the
   * attempt): a department that has seen it already answers as before and does nothing twice.
   */
  idempotencyKey: string;
}

/** What a department answers once it has durably recorded the delivery. */
export interface ReceivePetitionResult {
  accepted: true;
  /** The department's own file number, recorded in the petition's timeline. */
  reference?: string;
}

/**
 * What a department's Temporal worker implements (task queue `dept.<code>`). Throwing retries the delivery with
 * backoff; throw an `ApplicationFailure` with `nonRetryable: true` and type `DeliveryRejected` to refuse it for good
 * (the petition bureau's supervisor is told). The department answers the petition itself through the HTTP API with
 * its own token (role `department`, claim `dept`).
 */
export interface DepartmentActivities {
  receivePetition(delivery: DepartmentDelivery): Promise<ReceivePetitionResult>;
}
