import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Actor } from './engine/types';
import { petitionWorkflowId, reportReadSignal } from './messages';

/**
 * The read log of one report (检举控告, Art. 30): every read by anyone is a Signal recorded in this workflow's history,
 * its own append-only store, so reads cost the petition nothing. The petition hears of each reader once a day (one
 * timeline entry per reader per day, Asia/Shanghai), however often that reader reads: a petition's history stays
 * bounded whatever the number of reads. The log rolls over by continue-as-new; the runs of the workflow id, in
 * order, are the whole log (kept as long as the namespace retains closed runs, or archives them).
 */

/** The workflow type; one per report, started by the first read. Never rename. */
export const REPORT_AUDIT_WORKFLOW_TYPE = 'reportAudit';

/** The workflow id of a report's read log. */
export function reportAuditWorkflowId(petitionId: string): string {
  return `report-audit-${petitionId}`;
}

/** One read, as the API records it. */
export interface ReportRead {
  actor: Actor;
  /** When the API served the read (ISO 8601). */
  at: string;
  /** The API request's id (X-Request-Id), to find the read in the API's logs. */
  requestId?: string;
}

export interface ReportAuditInput {
  petitionId: string;
  /** Reads recorded by earlier runs. */
  reads?: number;
  /** Readers the petition was told of, by Shanghai day (`YYYY-MM-DD`), for the latest days only. */
  told?: Record<string, string[]>;
  /** Roll over to a new run at this many events (default {@link ROLL_OVER_EVENTS}; tests use fewer). */
  rollOverEvents?: number;
}

/**
 * Reads, in the order the API served them (one or many: the API sends the reads of one report that arrive together
 * as one batch). A Signal: nothing is refused, and the reader waits only until Temporal has it.
 */
export const recordReportReadsSignal = defineSignal<[ReportRead[]]>('recordReportReads');

export interface ReportAuditSummary {
  /** Reads recorded, this run and every earlier one. */
  reads: number;
  /** Reads recorded by this run. */
  readsThisRun: number;
  /** Readers (role, id, body) the petition was told of, by day. */
  told: Record<string, string[]>;
}
/** How many reads the log holds. */
export const reportAuditQuery = defineQuery<ReportAuditSummary>('reportAudit');

/** A run hands over to the next one at this many events (Temporal's hard limit is 51,200). */
export const ROLL_OVER_EVENTS = 5_000;
/** Days whose readers are remembered (today and yesterday cover a read that crosses midnight). */
const DAYS_KEPT = 2;

/** `YYYY-MM-DD` of an instant in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiDayOf(at: string): string {
  return new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(0, 10);
}

function readerKey(actor: Actor): string {
  return [actor.role, actor.id ?? '', actor.department ?? ''].join('|');
}

export async function reportAudit(input: ReportAuditInput): Promise<void> {
  let reads = input.reads ?? 0;
  let readsThisRun = 0;
  const told = new Map(Object.entries(input.told ?? {}).map(([day, keys]) => [day, new Set(keys)]));
  const toTell: Actor[] = [];

  setHandler(recordReportReadsSignal, (batch) => {
    for (const { actor, at } of batch) {
      reads += 1;
      readsThisRun += 1;
      const day = shanghaiDayOf(at);
      let readers = told.get(day);
      if (!readers) {
        told.set(day, (readers = new Set()));
        for (const old of [...told.keys()].sort().slice(0, -DAYS_KEPT)) told.delete(old);
      }
      const key = readerKey(actor);
      if (readers.has(key)) continue;
      readers.add(key);
      toTell.push(actor);
    }
  });
  const summary = (): Record<string, string[]> =>
    Object.fromEntries([...told].map(([day, keys]) => [day, [...keys]]));
  setHandler(reportAuditQuery, () => ({ reads, readsThisRun, told: summary() }));

  const petition = getExternalWorkflowHandle(petitionWorkflowId(input.petitionId));
  const limit = input.rollOverEvents ?? ROLL_OVER_EVENTS;
  const rollOver = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > limit;
  for (;;) {
    await condition(() => toTell.length > 0 || rollOver());
    while (toTell.length > 0) {
      const actor = toTell.shift()!;
      // A closed petition takes no signal: the read stays in this log.
      await petition.signal(reportReadSignal, { actor }).catch(() => undefined);
    }
    if (rollOver()) {
      await condition(allHandlersFinished);
      if (toTell.length > 0) continue;
      await continueAsNew<typeof reportAudit>({
        petitionId: input.petitionId,
        reads,
        told: summary(),
        ...(input.rollOverEvents !== undefined && { rollOverEvents: input.rollOverEvents }),
      });
    }
  }
}
