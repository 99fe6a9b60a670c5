import type { DeadlineCalculation, DeadlineRequest } from '../../workflows/engine/types';
import type { CalendarData } from './calendar-data';
import { computeDeadline } from './compute-deadline';

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
    },
    data,
  );
  return JSON.parse(JSON.stringify(result)) as DeadlineCalculation;
}
