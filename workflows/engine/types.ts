import type { DeadlineCalculation, DeadlineRequest } from '../../definitions/calendar/deadline-calculation';
import type { Counting, Definition } from '../../definitions/language/schema';
import type { FailureType } from '../failure-types';

// The calendar's contract lives with the calendar (definitions/ never imports workflows/); the engine speaks it.
export type { DeadlineCalculation, DeadlineRequest };

/**
 * The facts of a registered petition. Personal data lives only here (encrypted in history by the codec). The
 * definition declares the categories and channels (`registration`) and the variables read from these facts.
 */
export interface PetitionFacts {
  /** One of the definition's `registration.categories`. */
  category: string;
  /** One of the definition's `registration.channels`. */
  channel: string;
  subject: string;
  content: string;
  receivedAt: string;
  /** The body that received it directly; absent when it was registered centrally (at the petition bureau). */
  department?: string;
  /** For a confidential petition (a report): the body it is about, which must never receive it. */
  concerns?: string;
  /** `email`, when given, is where notices go by e-mail (SMTP configured); otherwise they are posted (outbox). */
  petitioner: { name: string; address?: string; phone?: string; idNumber?: string; email?: string };
  representatives?: Array<{ name: string; phone?: string; idNumber?: string }>;
  attachments?: Array<{ name: string; ref: string }>;
  /**
   * The petition the registrar named as the same matter (Arts. 19, 36 ¶3), as registration found it: open, or
   * closed with its outcome and whether that outcome is final. A definition decides what follows (its registration
   * variables read `petition.sameMatter`).
   */
  sameMatter?: SameMatter;
}

/** Another petition on the same matter, as registration found it. */
export interface SameMatter {
  id: string;
  status: 'open' | 'closed';
  /** The outcome of the end it reached (null while open, or when it ended otherwise than at an end event). */
  outcome: string | null;
  final: boolean;
}

/** Who performs an action. */
export interface Actor {
  /** One of the definition's `roles`; `system` is the engine itself (timers, seeds). */
  role: string;
  /** An opaque user id from the token (never personal data). */
  id?: string;
  /** For department staff and superiors: the body they act for. */
  department?: string;
  /** The token carries the approver claim: the body's head (or whoever may approve for it) acts. */
  approver?: boolean;
}

/** What the department registry said of a body the petition reached: its registered name and its superior. */
export interface BodyFacts {
  name: string;
  superior?: string | null;
  superiorName?: string | null;
}

export const DeadlineStatuses = ['pending', 'running', 'paused', 'met', 'missed', 'cancelled'] as const;
export type DeadlineStatus = (typeof DeadlineStatuses)[number];

/** One armed instance of a definition deadline (a step entered twice arms it twice). */
export interface DeadlineState {
  key: string;
  deadlineId: string;
  name: string;
  article: string;
  step: string;
  /** Who answers for missing it: the assignee of the step and, for a body, its code. */
  accountable: { assignee: string; department?: string };
  status: DeadlineStatus;
  armedAt: string;
  from: string;
  duration: number;
  counting: Counting;
  extendedDays: number;
  extensions: Array<{ days: number; reason?: string; at: string; by: Actor }>;
  pausedMs: number;
  pausedAt?: string;
  /** Whole days not counted (a pause, e.g. a hearing), summed over finished pauses; see `pausedDaysBetween`. */
  pausedDays: number;
  calculation?: DeadlineCalculation;
  /** Warnings already issued (days before due). */
  warned: number[];
  /** The due instant passed while the deadline was still open. */
  missedAt?: string;
  /** The step was left (met, or completed late). */
  closedAt?: string;
  /** Overdue counts against a body; a petitioner's window lapsing is not overdue. */
  bodyDeadline: boolean;
  metric?: 'acceptance' | 'completion';
  /** The answer deadline of a supervision order (the `supervise` effect), not a deadline of a step. */
  supervision?: boolean;
  /** A document to generate once the recomputed due date is known (the extension notice states it). */
  pendingDocument?: { document: string; step: string; input: Record<string, unknown> };
  /** A supervision order met only by this action (not by leaving its step). */
  answeredBy?: string;
  /** A supervision order's accountable failure when unanswered. */
  accountability?: { failure: string; article: string; bodyName?: string };
  /** A request window judged on receipt: until this instant a request received in time may still be entered. */
  graceEndsAt?: string;
}

export type TimelineType =
  | 'registered'
  | 'entered'
  | 'action'
  | 'document'
  | 'deadline-armed'
  | 'deadline-computed'
  | 'deadline-met'
  | 'deadline-missed'
  | 'deadline-paused'
  | 'deadline-resumed'
  | 'deadline-extended'
  | 'warning'
  | 'escalated'
  | 'supervised'
  | 'activity'
  | 'report-read'
  | 'access-code'
  | 'accountability'
  | 'late-entry'
  | 'recused'
  | 'supervision-answered'
  | 'ended'
  /** The petition was moved to another version of its definition (a definition migration). */
  | 'migrated';

export interface TimelineEntry {
  seq: number;
  at: string;
  type: TimelineType;
  step?: string;
  actor?: Actor;
  action?: string;
  deadline?: string;
  message: string;
  data?: Record<string, unknown>;
}

/** A document the engine had generated (notice, opinion, …). */
export interface DocumentRecord {
  id: string;
  kind: string;
  title: string;
  text: string;
  step: string;
  generatedAt: string;
  deliveries: Array<{ channel: string; at: string; ok: boolean; detail?: string }>;
}

export interface SupervisionOrder {
  seq: number;
  issuedAt: string;
  by: Actor;
  reason: string;
  answerDays: number;
  step: string;
  department?: string;
  deadlineKey: string;
  /** The written answer of the supervised body, when given (`answer-supervision`). */
  answeredAt?: string;
  answer?: string;
  answeredBy?: Actor;
}

export interface PetitionOutcome {
  endEvent: string;
  outcome: string;
  final: boolean;
  at: string;
}

/** The whole state of one petition, as the interpreter sees it. Serializable. */
export interface PetitionState {
  petitionId: string;
  definition: { id: string; version: number; hash: string };
  petition: PetitionFacts;
  status: 'open' | 'closed';
  /** The element the token is on (a user task or service task while open). */
  token: string;
  enteredAt: string;
  variables: Record<string, unknown>;
  deadlines: DeadlineState[];
  timeline: TimelineEntry[];
  documents: DocumentRecord[];
  supervision: SupervisionOrder[];
  metrics: { acceptedOnTime?: boolean; finishedOnTime?: boolean; satisfaction?: string };
  outcome?: PetitionOutcome;
  /** Monotonic counter for timeline entries and instance keys. */
  seq: number;
  /** What the department registry said of the bodies the petition reached, by code (names sign documents). */
  bodies?: Record<string, BodyFacts>;
  /** When each body first received the petition (assignees' `receipt`), by code. */
  receipts?: Record<string, string>;
  /** Staff who recused themselves (e.g. Art. 28 ¶3): their user ids may not act on the petition. */
  recusals?: Array<{ id: string; at: string; reason: string; article: string }>;
}

export interface StartEvent {
  type: 'start';
  at: string;
  petitionId: string;
  definitionHash: string;
  petition: PetitionFacts;
  actor: Actor;
  /** What the department registry said of the bodies named at registration (null: not registered). */
  bodies?: Record<string, BodyFacts | null>;
}
export interface ActionEvent {
  type: 'action';
  at: string;
  action: string;
  actor: Actor;
  input: Record<string, unknown>;
  requestId?: string;
}
export interface DeadlineComputedEvent {
  type: 'deadline-computed';
  at: string;
  key: string;
  calculation: DeadlineCalculation;
}
export interface TimerFiredEvent {
  type: 'timer-fired';
  at: string;
}
export interface ActivityCompletedEvent {
  type: 'activity-completed';
  at: string;
  element: string;
  document?: DocumentRecord;
  detail?: string;
  /**
   * Variables the activity's result sets (e.g. `reviewBody`, the body a delivery routed the review to), assigned
   * before the token follows the outgoing flow.
   */
  variables?: Record<string, unknown>;
  /** What the department registry said of the body a delivery reached (null: not registered). */
  bodies?: Record<string, BodyFacts | null>;
}
export interface DocumentGeneratedEvent {
  type: 'document-generated';
  at: string;
  document: DocumentRecord;
}
export interface DocumentDeliveredEvent {
  type: 'document-delivered';
  at: string;
  documentId: string;
  deliveries: DocumentRecord['deliveries'];
}
/** Someone read a confidential petition (a report): every read is part of its record. */
export interface ReportReadEvent {
  type: 'report-read';
  at: string;
  actor: Actor;
}
/** The petitioner's lost access code was re-issued by staff (the timeline says who; never the code). */
export interface AccessCodeReissuedEvent {
  type: 'access-code-reissued';
  at: string;
  actor: Actor;
}
export interface CalendarUpdatedEvent {
  type: 'calendar-updated';
  at: string;
}
export type EngineEvent =
  | StartEvent
  | ActionEvent
  | DeadlineComputedEvent
  | TimerFiredEvent
  | ActivityCompletedEvent
  | DocumentGeneratedEvent
  | DocumentDeliveredEvent
  | CalendarUpdatedEvent
  | ReportReadEvent
  | AccessCodeReissuedEvent;

/** Effects the workflow must carry out after a step; the interpreter never performs I/O. */
export type EngineCommand =
  | { type: 'compute-deadline'; key: string; request: DeadlineRequest }
  | {
      type: 'run-service-task';
      element: string;
      activity: 'notice' | 'delivery' | 'escalation' | 'archive';
      document?: string;
      recipient?: 'petitioner' | 'department' | 'supervisor';
    }
  | {
      type: 'generate-document';
      document: string;
      step: string;
      input: Record<string, unknown>;
      deadlineKey?: string;
      /** Who receives it: the petitioner (notices), or the department (a supervision order). */
      recipient?: 'petitioner' | 'department';
    }
  | {
      type: 'escalate';
      /** `raised`: an action raised the matter at once (an urgent matter, a recusal request). */
      reason: 'overdue' | 'supervision' | 'raised';
      key: string;
      step: string;
      department?: string;
      message: string;
    }
  | { type: 'warn'; key: string; daysBefore: number; step: string; department?: string; message: string }
  | { type: 'complete'; outcome: PetitionOutcome };

export interface StepResult {
  state: PetitionState;
  commands: EngineCommand[];
  /**
   * An action the definition refuses only once it is recorded (an extension without the approver's claim): the
   * state records the attempt, and the caller is answered with this refusal.
   */
  refusal?: Refusal;
}

/** Why an action was refused, as data (the workflow turns it into an ApplicationFailure). */
export interface Refusal {
  type: FailureType;
  message: string;
  details?: Record<string, unknown>;
}

export type { Definition };
