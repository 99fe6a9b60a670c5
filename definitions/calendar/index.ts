/**
 * The legal calendar: periods counted as 《民法典》第二百零一条–第二百零三条 count them, in Asia/Shanghai, against
 * the State Council's yearly holiday arrangements. Pure: the holiday data is always a parameter.
 */
export {
  calendarSupplementSchema,
  CalendarSupplementError,
  isKnownYear,
  knownYears,
  mergeCalendarData,
  parseCalendarSupplement,
  type CalendarData,
  type CalendarSupplement,
  type CalendarYear,
} from './calendar-data';
export { civilDayOf, isIsoDate, type IsoDate } from './civil-date';
export {
  addPausedDays,
  CIVIL_CODE_CITATION,
  computeDeadline,
  Counting,
  deadlineInputSchema,
  DeadlineInputError,
  extendDeadline,
  MAX_PERIOD_DAYS,
  pausedDaysFromMs,
  type DeadlineInput,
  type DeadlineResult,
  type SkippedRestDay,
} from './compute-deadline';
export { calculateDeadline, type DeadlineCalculation, type DeadlineRequest } from './deadline-calculation';
export { CHINESE_DAYS_VERSION, defaultCalendarData } from './default-calendar-data';
export { DayKind, describeDay, isRestDay, isWorkingDay, type DayInfo } from './rest-day';
