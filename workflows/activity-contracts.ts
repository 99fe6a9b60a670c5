import type { DocumentTemplate } from '../definitions/language/schema';
import type {
  BodyFacts,
  DeadlineCalculation,
  DeadlineRequest,
  DocumentRecord,
  PetitionFacts,
} from './engine/types';
import type { DeadlineView } from './engine/view';
import type { DepartmentDelivery } from './department-activities';

/**
 * The activities a petition workflow calls. The workflow imports only these types; `activities/` implements
 * them (createActivities(deps)), so the sandbox never loads I/O code.
 */

export interface GenerateDocumentInput {
  petitionId: string;
  kind: string;
  template: DocumentTemplate;
  step: string;
  stepName: string;
  petition: PetitionFacts;
  variables: Record<string, unknown>;
  /** What the registry said of the bodies the petition reached (their names sign documents). */
  bodies?: Record<string, BodyFacts>;
  input: Record<string, unknown>;
  deadline?: DeadlineView;
  /** The workflow's instant, so the document's date is deterministic. */
  at: string;
  /** The document id, derived from the petition and the workflow's counter (stable across retries). */
  documentId: string;
}

export interface DeliverDocumentInput {
  petitionId: string;
  document: DocumentRecord;
  recipient: 'petitioner' | 'department' | 'supervisor';
  department?: string;
  /** Contact data for the petitioner (encrypted in history by the codec). */
  petitioner: PetitionFacts['petitioner'];
  idempotencyKey: string;
}

export interface EscalateInput {
  petitionId: string;
  /**
   * `delivery-failed`: a department refused a delivery for good, or it could not be delivered in time; `raised`: an
   * action raised the matter at once (an urgent matter, a petitioner's request for recusal).
   */
  reason: 'overdue' | 'supervision' | 'warning' | 'delivery-failed' | 'raised';
  step: string;
  department?: string;
  deadlineKey: string;
  message: string;
  at: string;
  idempotencyKey: string;
}

/**
 * Whom a delivery goes to: a named body, the body `levels` above `of` in the department registry (review, Art. 35;
 * re-review, Art. 36), or back to the petition bureau (objection, Art. 23 ¶3).
 */
export type DeliveryTarget =
  | { kind: 'department'; code: string }
  | { kind: 'superior'; of: string; levels: 1 | 2 }
  | { kind: 'bureau' }
  /** The body registered as receiving matters of a legal procedure (e.g. `litigation`: the political-legal body). */
  | { kind: 'receiver'; procedure: string };

export interface DeliverToDepartmentInput {
  petitionId: string;
  step: string;
  /** The body holding the matter (the `department` variable). */
  department?: string;
  /** Where to deliver; absent in histories recorded before routing existed (then: `department`). */
  target?: DeliveryTarget;
  /** The user task the receiving body will hold. */
  nextStep?: string;
  category: string;
  /**
   * The category is confidential (a report): the petitioner's identity is withheld from the receiving body, and the
   * body it concerns never receives it. Absent in deliveries scheduled before the workflow stated it.
   */
  confidential?: boolean;
  petition: PetitionFacts;
  /** The deadline the receiving body answers to, computed by the activity from the legal calendar. */
  deadline?: DeadlineRequest & { name: string };
  dueAt?: string;
  idempotencyKey: string;
}

/** What `deliverToDepartment` did. */
export interface DeliverToDepartmentResult {
  /** The body the petition went to (for review and re-review, the superior the registry names). */
  department?: string;
  /**
   * What the registry says of that body (its name signs documents), null when it is not registered; absent in
   * results recorded before this was returned.
   */
  body?: BodyFacts | null;
  /** What was delivered, through which connector (empty when `dispatch` is set). */
  deliveries: Delivery[];
  /**
   * Worker connector: the workflow itself calls `receivePetition` on the department's task queue with this
   * payload, so Temporal holds the delivery until the department's worker takes it.
   */
  dispatch?: { taskQueue: string; delivery: DepartmentDelivery };
}

export interface ArchiveInput {
  petitionId: string;
  outcome: string;
  at: string;
  documents: DocumentRecord[];
}

export type Delivery = DocumentRecord['deliveries'][number];

/** Local activities: short, deterministic in input, recorded as markers. */
export interface PetitionLocalActivities {
  /** Computes a legal deadline from the calendar (design settled point 4). */
  computeDeadline(request: DeadlineRequest): Promise<DeadlineCalculation>;
  /** Renders a document (notice, opinion, …) from its template and the petition's facts. */
  generateDocument(input: GenerateDocumentInput): Promise<DocumentRecord>;
}

/** Regular activities: I/O with retries. */
export interface PetitionActivities {
  /** Sends a generated document to its recipient through the configured notifier. */
  deliverDocument(input: DeliverDocumentInput): Promise<Delivery[]>;
  /** Tells the supervisor contact about an overdue step, a warning or a 督办 order. */
  escalate(input: EscalateInput): Promise<Delivery[]>;
  /** Hands the petition to the department holding the step (worker, webhook or manual connector). */
  deliverToDepartment(input: DeliverToDepartmentInput): Promise<DeliverToDepartmentResult>;
  /** Files the closed petition's record. */
  archivePetition(input: ArchiveInput): Promise<Delivery[]>;
}

/** The worker's smoke check (workflows/ping.ts): proves it runs activity tasks, and says where it ran. */
export interface HealthcheckActivities {
  healthcheck(): Promise<{ ok: true; host: string; pid: number }>;
}
