/**
 * Supervision reads from Temporal's visibility store only (search attributes), never from workflows: the overdue
 * list is right even when no worker runs (design settled point 5), and list items carry no personal data.
 */
import { createHash } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { PETITION_WORKFLOW_TYPE } from '../../workflows/messages';
import { PetitionSearchAttributes as SA } from '../../workflows/search-attributes';
import { ApiError } from '../app';
import { boundedCall } from '../errors';
import type { PetitionListItem } from '../schemas/petitions';

const DAY_MS = 86_400_000;
/** Overdue and at-risk lists are read whole, up to this many petitions (then `truncated`). */
const MAX_SCAN = 2_000;

/**
 * A visibility query built from validated parts. Values are quoted here and refused if they could break out of a
 * literal, so no caller input is ever concatenated raw (values are also validated by the route schemas).
 */
export class VisibilityQuery {
  private readonly parts: string[] = [`WorkflowType = ${VisibilityQuery.quote(PETITION_WORKFLOW_TYPE)}`];

  static quote(value: string): string {
    if (!/^[\p{L}\p{N} _.:@+-]*$/u.test(value)) {
      throw new ApiError(
        400,
        'validation_failed',
        `The request is not valid: a filter value contains characters that are not allowed (${JSON.stringify(value)}).`,
      );
    }
    return `'${value}'`;
  }

  static instant(value: string | Date): string {
    const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
    if (Number.isNaN(ms))
      throw new ApiError(
        400,
        'validation_failed',
        `The request is not valid: ${String(value)} is not a date-time.`,
      );
    return `'${new Date(ms).toISOString()}'`;
  }

  eq(attribute: string, value: string | undefined): this {
    if (value !== undefined) this.parts.push(`${attribute} = ${VisibilityQuery.quote(value)}`);
    return this;
  }

  compare(attribute: string, op: '<' | '<=' | '>' | '>=', at: string | Date | undefined): this {
    if (at !== undefined) this.parts.push(`${attribute} ${op} ${VisibilityQuery.instant(at)}`);
    return this;
  }

  bool(attribute: string, value: boolean | undefined): this {
    if (value !== undefined) this.parts.push(`${attribute} = ${value ? 'true' : 'false'}`);
    return this;
  }

  in(attribute: string, values: readonly string[]): this {
    this.parts.push(`${attribute} IN (${values.map((v) => VisibilityQuery.quote(v)).join(', ')})`);
    return this;
  }

  /** A clause built from the static helpers above. */
  raw(clause: string): this {
    this.parts.push(`(${clause})`);
    return this;
  }

  toString(): string {
    return this.parts.join(' AND ');
  }
}

/** A day `YYYY-MM-DD` is read as the start of that day in Asia/Shanghai. */
export function toInstant(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value;
}

const checksum = (query: string, token: string) =>
  createHash('sha256').update(`${query}\n${token}`).digest('base64url').slice(0, 22);

/**
 * The API's page token: Temporal's, bound to the query it belongs to by a checksum. Temporal answers a damaged
 * token with a retryable UNKNOWN error (the client would retry it until the deadline), so tokens are checked here.
 */
export function encodePageToken(query: string, raw: Uint8Array): string {
  const token = Buffer.from(raw).toString('base64url');
  return `${token}.${checksum(query, token)}`;
}

/** Temporal's page token inside an API page token; 400 when it was damaged or belongs to another query. */
export function decodePageToken(query: string, pageToken: string): Uint8Array {
  const [token, sum, ...rest] = pageToken.split('.');
  if (!token || !sum || rest.length > 0 || checksum(query, token) !== sum) {
    throw new ApiError(
      400,
      'invalid_page_token',
      'The pageToken is damaged or belongs to other filters; repeat the first request (without pageToken) and follow its nextPageToken.',
      { field: 'querystring.pageToken' },
    );
  }
  return Buffer.from(token, 'base64url');
}

/** Department scope of the caller: staff of a body see their body only. */
export interface Scope {
  department?: string;
}

function scoped(query: VisibilityQuery, scope: Scope): VisibilityQuery {
  if (scope.department === undefined) return query;
  // A report is never listed to the body it concerns (Art. 30), even if it were ever held there.
  const dept = VisibilityQuery.quote(scope.department);
  return query
    .eq(SA.department.name, scope.department)
    .raw(`${SA.concerns.name} IS NULL OR ${SA.concerns.name} != ${dept}`);
}

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

export interface Rate {
  rate: number | null;
  numerator: number;
  denominator: number;
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
        id: (raw.execution?.workflowId ?? '').replace(/^petition-/, ''),
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

  async function scan(
    query: string,
  ): Promise<{ items: Array<PetitionListItem & { deadline: string | null }>; truncated: boolean }> {
    const all: Array<PetitionListItem & { deadline: string | null }> = [];
    let token: Uint8Array | undefined;
    do {
      const p = await page(query, 500, token);
      p.items.forEach((item, i) => all.push({ ...item, deadline: p.deadlineIds[i] ?? null }));
      token = p.next;
    } while (token && all.length < MAX_SCAN);
    return { items: all.slice(0, MAX_SCAN), truncated: token !== undefined };
  }

  async function count(query: string): Promise<number> {
    const res = await call('count petitions', () => client.workflow.count(query));
    return res.count;
  }

  const rate = (numerator: number, denominator: number): Rate => ({
    rate: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000,
    numerator,
    denominator,
  });

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

    /** Open petitions past their earliest body deadline, most overdue first. */
    async overdue(filters: { department?: string; step?: string }, scope: Scope) {
      const now = deps.now();
      const q = scoped(new VisibilityQuery(), scope)
        .eq(SA.status.name, 'open')
        .compare(SA.dueAt.name, '<', now)
        .eq(SA.department.name, filters.department)
        .eq(SA.step.name, filters.step);
      const { items, truncated } = await scan(q.toString());
      const overdue: OverdueItem[] = items
        .filter((i) => i.dueAt !== null)
        .map((i) => ({
          id: i.id,
          step: i.step,
          department: i.department,
          deadline: i.deadline,
          dueAt: i.dueAt!,
          overdueDays: Math.floor((now.getTime() - Date.parse(i.dueAt!)) / DAY_MS),
        }))
        .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.id.localeCompare(b.id));
      return { asOf: now.toISOString(), items: overdue, truncated };
    },

    /** Open petitions whose earliest body deadline falls between now and now + `withinMs`, soonest first. */
    async atRisk(withinMs: number, filters: { department?: string; step?: string }, scope: Scope) {
      const now = deps.now();
      const until = new Date(now.getTime() + withinMs);
      const q = scoped(new VisibilityQuery(), scope)
        .eq(SA.status.name, 'open')
        .compare(SA.dueAt.name, '>=', now)
        .compare(SA.dueAt.name, '<', until)
        .eq(SA.department.name, filters.department)
        .eq(SA.step.name, filters.step);
      const { items, truncated } = await scan(q.toString());
      const atRisk: AtRiskItem[] = items
        .filter((i) => i.dueAt !== null)
        .map((i) => ({
          id: i.id,
          step: i.step,
          department: i.department,
          deadline: i.deadline,
          dueAt: i.dueAt!,
          remainingHours: Math.floor((Date.parse(i.dueAt!) - now.getTime()) / 3_600_000),
        }))
        .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.id.localeCompare(b.id));
      return { asOf: now.toISOString(), until: until.toISOString(), items: atRisk, truncated };
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
  };
}

export type SupervisionService = ReturnType<typeof createSupervisionService>;
