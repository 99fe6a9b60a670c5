import type { Counting } from '../language/schema';
import type { CalendarData } from './calendar-data';
import { computeDeadline } from './compute-deadline';

/** The calendar's answer to a {@link DeadlineRequest} as plain JSON (the `computeDeadline` local activity's result). */
export interface DeadlineCalculation {
  dueAt: string;
  lastDay: string;
  provisional: boolean;
  explanation: string;
  rule?: string;
  nominalLastDay?: string;
  startDate?: string;
  skippedRestDays?: Array<{ date: string; reason: string; name?: string }>;
  [extra: string]: unknown;
}

/** What the engine asks the calendar to compute. */
export interface DeadlineRequest {
  from: string;
  duration: number;
  counting: Counting;
  /** Days added by approved extensions (Art. 34). */
  extensionDays: number;
  /** Whole days the clock stood still (Art. 36 hearing). */
  pausedDays: number;
  article: string;
  /** `period-end`: the extension counts from the period's last day as the calendar fixed it (absent: from its start). */
  extensionFrom?: 'period-end';
}

/**
 * What a petition records for one of its deadlines: the calendar's result for the engine's request, as plain JSON
 * (exactly what the `computeDeadline` local activity's result looks like once it has crossed the payload converter).
 * The worker's activity and registration in the API both call this, so a deadline computed at registration is the
 * one the workflow would have computed.
 */
export function calculateDeadline(request: DeadlineRequest, data: CalendarData): DeadlineCalculation {
  const result = computeDeadline(
    {
      from: request.from,
      duration: request.duration,
      counting: request.counting,
      article: request.article,
      extensionDays: request.extensionDays,
      pausedDays: request.pausedDays,
      ...(request.extensionFrom && { extensionFrom: request.extensionFrom }),
    },
    data,
  );
  return JSON.parse(JSON.stringify(result)) as DeadlineCalculation;
}
