/**
 * Supervision reads from Temporal's visibility store only (search attributes), never from workflows: the overdue
 * list is right even when no worker runs (design settled point 5), and list items carry no personal data.
 */
import type { Client, Connection } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { PetitionSearchAttributes as SA } from '../../../workflows/search-attributes';
import { boundedCall } from '../temporal-calls';
import type { PetitionListItem } from '../../schemas/petitions';
import { petitionIdOf } from '../petition-ids';
import {
  atRiskWindows,
  DAY_MS,
  HOUR_MS,
  overdueWindows,
  QUICK_PROBE_MS,
  scanTimeMs,
  walkWindows,
  type DueRow,
  type ReadWindows,
  type ScanWindows,
  type WalkCursor,
  type Windows,
} from './due-window-walk';
import { cursorKey, decodeCursor, decodePageToken, encodeCursor, encodePageToken } from './page-token';
import { annualReport } from './annual-report';
import { rate, type Rate } from './rate';
import { scoped, toInstant, VisibilityQuery, type Scope } from './visibility-query';

export type { Rate };

export interface ListFilters {
  step?: string;
  department?: string;
  status?: 'open' | 'closed';
  category?: string;
  overdue?: boolean;
  dueBefore?: string;
  receivedFrom?: string;
  receivedTo?: string;
  pageSize: number;
  pageToken?: string;
}

export interface OverdueItem {
  id: string;
  step: string | null;
  department: string | null;
  deadline: string | null;
  dueAt: string;
  overdueDays: number;
}

export interface AtRiskItem {
  id: string;
  step: string | null;
  department: string | null;
  deadline: string | null;
  dueAt: string;
  remainingHours: number;
}

export interface Stats {
  from: string | null;
  to: string | null;
  department: string | null;
  registered: number;
  timelyAcceptanceRate: Rate;
  onTimeCompletionRate: Rate;
  satisfactionRate: Rate;
}

export function createSupervisionService(deps: {
  client: Client;
  connection: Connection;
  namespace: string;
  rpcTimeoutMs: number;
  now: () => Date;
  /** Time limits of the window walk (tests): the one-row range probe, the ordered scan of a page. */
  walkTimeLimits?: { quickProbeMs?: number; scanMs?: (pageSize: number) => number };
}) {
  const { client, connection } = deps;
  const call = <T>(what: string, fn: () => Promise<T>) =>
    boundedCall(connection, deps.rpcTimeoutMs, what, fn);

  async function page(query: string, pageSize: number, token?: Uint8Array) {
    const res = await call('list petitions', () =>
      client.workflowService.listWorkflowExecutions({
        namespace: deps.namespace,
        query,
        pageSize,
        nextPageToken: token ?? new Uint8Array(),
      }),
    );
    const now = deps.now().getTime();
    const items = res.executions.map((raw): PetitionListItem => {
      const sa = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
      const status = sa.get(SA.status) ?? null;
      const dueAt = sa.get(SA.dueAt) ?? null;
      const overdue =
        status === 'open' && ((sa.get(SA.overdue) ?? false) || (dueAt !== null && dueAt.getTime() < now));
      return {
        id: petitionIdOf(raw.execution?.workflowId ?? ''),
        status,
        step: sa.get(SA.step) ?? null,
        category: sa.get(SA.category) ?? null,
        channel: sa.get(SA.channel) ?? null,
        department: sa.get(SA.department) ?? null,
        receivedAt: sa.get(SA.receivedAt)?.toISOString() ?? null,
        dueAt: dueAt?.toISOString() ?? null,
        overdue,
      };
    });
    const deadlineIds = res.executions.map(
      (raw) => decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields).get(SA.deadline) ?? null,
    );
    const next = res.nextPageToken && res.nextPageToken.length > 0 ? res.nextPageToken : undefined;
    return { items, deadlineIds, next };
  }

  /**
   * Reads the open petitions (matching the filters, in scope) whose dueAt lies in a span of windows. As a range on
   * `PetitionDueAt` (`read`), SQLite visibility answers from its dueAt index: every row of the range is read and
   * sorted, cheap when the range is small. The same condition as `NOT (dueAt < lo) AND NOT (dueAt >= hi)` (`scan`)
   * is not an index range, so it walks the open petitions in visibility order and stops at the page's last row:
   * cheap when the range is dense among them, a full scan when it is sparse, so `scan` gives up after a time limit
   * (the call is cancelled, which stops the store's query). Both ask the same rows in the same order.
   */
  const dueRows =
    (windows: Windows, filters: { department?: string; step?: string }, scope: Scope) =>
    (form: 'range' | 'scan') =>
    async (from: number, to: number, pageSize: number, token?: Uint8Array, signal?: AbortSignal) => {
      const lo = windows.bounds(from).lo;
      const hi = windows.bounds(to - 1).hi;
      const q = scoped(new VisibilityQuery(), scope).eq(SA.status.name, 'open');
      if (form === 'range') {
        q.compare(SA.dueAt.name, '>=', lo === null ? undefined : new Date(lo)).compare(
          SA.dueAt.name,
          '<',
          new Date(hi),
        );
      } else {
        if (lo !== null) q.raw(`NOT (${SA.dueAt.name} < ${VisibilityQuery.instant(new Date(lo))})`);
        q.raw(`NOT (${SA.dueAt.name} >= ${VisibilityQuery.instant(new Date(hi))})`);
      }
      const query = q.eq(SA.department.name, filters.department).eq(SA.step.name, filters.step).toString();
      const list = () =>
        client.workflowService.listWorkflowExecutions({
          namespace: deps.namespace,
          query,
          pageSize,
          nextPageToken: token ?? new Uint8Array(),
        });
      const res = await call('list petitions', () =>
        signal ? connection.withAbortSignal(signal, list) : list(),
      );
      const rows: DueRow[] = [];
      for (const raw of res.executions) {
        const sa = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
        const dueAt = sa.get(SA.dueAt);
        if (!dueAt) continue;
        rows.push({
          id: petitionIdOf(raw.execution?.workflowId ?? ''),
          step: sa.get(SA.step) ?? null,
          department: sa.get(SA.department) ?? null,
          deadline: sa.get(SA.deadline) ?? null,
          dueAt: dueAt.getTime(),
        });
      }
      const next = res.nextPageToken && res.nextPageToken.length > 0 ? res.nextPageToken : undefined;
      return { rows, ...(next && { next }) };
    };

  /** The page of a window walk, with `read` and `scan` over the same rows. */
  function walk(
    windows: Windows,
    filters: { department?: string; step?: string; pageSize: number },
    scope: Scope,
    cursor: WalkCursor | undefined,
  ) {
    const rows = dueRows(windows, filters, scope);
    const read: ReadWindows = (from, to, pageSize, token) => rows('range')(from, to, pageSize, token);
    const scanRows = rows('scan');
    const limited =
      (ask: typeof scanRows, ms: (pageSize: number) => number): ScanWindows =>
      async (from, to, pageSize, token) => {
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(), ms(pageSize));
        try {
          return await ask(from, to, pageSize, token, abort.signal);
        } catch {
          // Gave up (or the store refused the form): the walk reads the same rows as a range.
          return undefined;
        } finally {
          clearTimeout(timer);
        }
      };
    const quickMs = deps.walkTimeLimits?.quickProbeMs ?? QUICK_PROBE_MS;
    return walkWindows(windows, read, filters.pageSize, cursor, {
      scan: limited(scanRows, deps.walkTimeLimits?.scanMs ?? scanTimeMs),
      quick: limited(rows('range'), () => quickMs),
    });
  }

  async function count(query: string): Promise<number> {
    const res = await call('count petitions', () => client.workflow.count(query));
    return res.count;
  }

  return {
    /** `GET /v1/petitions`: one page of petitions matching the filters. */
    async list(
      filters: ListFilters,
      scope: Scope,
    ): Promise<{ items: PetitionListItem[]; nextPageToken: string | null }> {
      const now = deps.now();
      const q = scoped(new VisibilityQuery(), scope)
        .eq(SA.step.name, filters.step)
        .eq(SA.department.name, filters.department)
        .eq(SA.status.name, filters.status)
        .eq(SA.category.name, filters.category)
        .compare(SA.dueAt.name, '<', filters.dueBefore && toInstant(filters.dueBefore))
        .compare(SA.receivedAt.name, '>=', filters.receivedFrom && toInstant(filters.receivedFrom))
        .compare(SA.receivedAt.name, '<', filters.receivedTo && toInstant(filters.receivedTo));
      if (filters.overdue === true) {
        q.eq(SA.status.name, 'open').compare(SA.dueAt.name, '<', now);
      } else if (filters.overdue === false) {
        q.raw(
          `${SA.status.name} != 'open' OR ${SA.dueAt.name} IS NULL OR ${SA.dueAt.name} >= ${VisibilityQuery.instant(now)}`,
        );
      }
      const query = q.toString();
      const token = filters.pageToken ? decodePageToken(query, filters.pageToken) : undefined;
      const p = await page(query, filters.pageSize, token);
      return { items: p.items, nextPageToken: p.next ? encodePageToken(query, p.next) : null };
    },

    /**
     * Open petitions past their earliest body deadline, most overdue first (whole overdue days; within a day by
     * dueAt and id on each page), one page at a time: see {@link walkWindows}.
     */
    async overdue(
      filters: { department?: string; step?: string; pageSize: number; pageToken?: string },
      scope: Scope,
    ) {
      const key = cursorKey('overdue', filters, scope);
      const cursor = filters.pageToken ? decodeCursor(key, filters.pageToken) : undefined;
      const asOf = cursor?.asOf ?? deps.now().getTime();
      const windows = overdueWindows(asOf);
      const page = await walk(windows, filters, scope, cursor);
      const items: OverdueItem[] = page.rows.map((r) => ({
        id: r.id,
        step: r.step,
        department: r.department,
        deadline: r.deadline,
        dueAt: new Date(r.dueAt).toISOString(),
        overdueDays: Math.floor((asOf - r.dueAt) / DAY_MS),
      }));
      const nextPageToken = page.next ? encodeCursor(key, { asOf, ...page.next }) : null;
      return { asOf: new Date(asOf).toISOString(), items, truncated: nextPageToken !== null, nextPageToken };
    },

    /**
     * Open petitions whose earliest body deadline falls between now and now + `withinMs`, soonest first (by whole
     * remaining hours; within an hour by dueAt and id on each page), one page at a time.
     */
    async atRisk(
      withinMs: number,
      filters: { department?: string; step?: string; pageSize: number; pageToken?: string },
      scope: Scope,
    ) {
      const key = cursorKey('at-risk', { ...filters, within: withinMs }, scope);
      const cursor = filters.pageToken ? decodeCursor(key, filters.pageToken) : undefined;
      const asOf = cursor?.asOf ?? deps.now().getTime();
      const until = asOf + withinMs;
      const windows = atRiskWindows(asOf, until);
      const page = await walk(windows, filters, scope, cursor);
      const items: AtRiskItem[] = page.rows.map((r) => ({
        id: r.id,
        step: r.step,
        department: r.department,
        deadline: r.deadline,
        dueAt: new Date(r.dueAt).toISOString(),
        remainingHours: Math.floor((r.dueAt - asOf) / HOUR_MS),
      }));
      const nextPageToken = page.next ? encodeCursor(key, { asOf, ...page.next }) : null;
      return {
        asOf: new Date(asOf).toISOString(),
        until: new Date(until).toISOString(),
        items,
        truncated: nextPageToken !== null,
        nextPageToken,
      };
    },

    /**
     * The three rates of the supervision report over petitions received in [from, to):
     * - 及时受理率 = AcceptedOnTime = true / (AcceptedOnTime = true + AcceptedOnTime = false);
     * - 按期办结率 = FinishedOnTime = true / (FinishedOnTime = true + FinishedOnTime = false);
     * - 群众满意率 = Satisfaction ∈ {satisfied, basically-satisfied} / Satisfaction ∈ {all three ratings}.
     * Petitions whose period still runs (flag unset) or that were not rated count in no denominator.
     */
    async stats(
      from: string | undefined,
      to: string | undefined,
      department: string | undefined,
    ): Promise<Stats> {
      const base = () =>
        new VisibilityQuery()
          .eq(SA.department.name, department)
          .compare(SA.receivedAt.name, '>=', from && toInstant(from))
          .compare(SA.receivedAt.name, '<', to && toInstant(to));
      const [registered, acceptedYes, acceptedNo, finishedYes, finishedNo, satisfied, rated] =
        await Promise.all([
          count(base().toString()),
          count(base().bool(SA.acceptedOnTime.name, true).toString()),
          count(base().bool(SA.acceptedOnTime.name, false).toString()),
          count(base().bool(SA.finishedOnTime.name, true).toString()),
          count(base().bool(SA.finishedOnTime.name, false).toString()),
          count(base().in(SA.satisfaction.name, ['satisfied', 'basically-satisfied']).toString()),
          count(
            base().in(SA.satisfaction.name, ['satisfied', 'basically-satisfied', 'unsatisfied']).toString(),
          ),
        ]);
      return {
        from: from ? new Date(toInstant(from)).toISOString() : null,
        to: to ? new Date(toInstant(to)).toISOString() : null,
        department: department ?? null,
        registered,
        timelyAcceptanceRate: rate(acceptedYes, acceptedYes + acceptedNo),
        onTimeCompletionRate: rate(finishedYes, finishedYes + finishedNo),
        satisfactionRate: rate(satisfied, rated),
      };
    },

    /**
     * The annual report of Art. 41 over petitions received in `year` (Asia/Shanghai), for every body of the
     * registry (`bodies`) or only those handled by `department`: see {@link annualReport}.
     */
    async annual(
      year: number,
      department: string | undefined,
      bodies: () => Promise<Array<{ code: string; name: string }>>,
    ) {
      return await annualReport({ count, bodies, now: deps.now }, year, department);
    },
  };
}

export type SupervisionService = ReturnType<typeof createSupervisionService>;
