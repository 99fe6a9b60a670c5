/**
 * Supervision reads from Temporal's visibility store only: the list of petitions, the overdue and at-risk lists and
 * the statistics (service.ts), built from the visibility query builder, the page-token codec and the due-window walk.
 */
export {
  createSupervisionService,
  type AtRiskItem,
  type ListFilters,
  type OverdueItem,
  type Rate,
  type Stats,
  type SupervisionService,
} from './service';
export {
  atRiskWindows,
  OVERDUE_WINDOW_DAYS,
  overdueWindows,
  QUICK_PROBE_MS,
  scanTimeMs,
  WALK_CALL_BUDGET,
  walkWindows,
  type DueRow,
  type ReadWindows,
  type ScanWindows,
  type WalkCursor,
  type Windows,
} from './due-window-walk';
export { decodePageToken, encodePageToken } from './page-token';
export { toInstant, VisibilityQuery, type Scope } from './visibility-query';
