/**
 * GET /v1/supervision/overdue and /at-risk: paging (pageSize, pageToken, nextPageToken), most overdue first across
 * pages, one asOf for every page, tokens bound to their filters, department scope. The petitions are started
 * straight through the client with the search attributes a petition has (no worker: the lists read visibility only),
 * due around an `asOf` 5,000 days ahead, so nothing here is overdue or at risk for any other test.
 */
import type { SearchAttributePair } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERVISION_PAGE_SIZE } from '../../api/schemas/supervision';
import { createSupervisionService } from '../../api/services/supervision';
import { PetitionSearchAttributes as SA } from '../../workflows/search-attributes';
import { eventually, startApiTest, uniqueDept, type ApiTestContext } from '../helpers/api';
import { uniqueTaskQueue } from '../helpers/temporal';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const ASOF = Date.now() + 5_000 * DAY;
let clock = ASOF;

const A = uniqueDept('SVA');
const B = uniqueDept('SVB');
const run = Math.random().toString(36).slice(2, 8).toUpperCase();
let t: ApiTestContext;
let seq = 0;
const started: string[] = [];

interface OverdueItem {
  id: string;
  step: string | null;
  department: string | null;
  deadline: string | null;
  dueAt: string;
  overdueDays: number;
}
interface OverduePage {
  asOf: string;
  items: OverdueItem[];
  truncated: boolean;
  nextPageToken: string | null;
}
interface AtRiskPage {
  asOf: string;
  until: string;
  items: Array<{ id: string; dueAt: string; remainingHours: number }>;
  truncated: boolean;
  nextPageToken: string | null;
}

/** Starts a petition workflow that no worker runs, with the search attributes the lists read. */
async function petition(
  dueAt: number,
  opts: { department?: string; step?: string; concerns?: string; status?: 'open' | 'closed' } = {},
): Promise<string> {
  const id = `XFSV${run}${String(seq++).padStart(4, '0')}`;
  const attributes: SearchAttributePair[] = [
    { key: SA.status, value: opts.status ?? 'open' },
    { key: SA.department, value: opts.department ?? A },
    { key: SA.step, value: opts.step ?? 'accept-notice' },
    { key: SA.deadline, value: 'acceptance' },
    { key: SA.dueAt, value: new Date(dueAt) },
    ...(opts.concerns ? [{ key: SA.concerns, value: opts.concerns }] : []),
  ];
  await t.client.workflow.start('petition', {
    taskQueue: noWorkerQueue,
    workflowId: `petition-${id}`,
    args: [],
    typedSearchAttributes: attributes,
  });
  started.push(`petition-${id}`);
  return id;
}
const noWorkerQueue = uniqueTaskQueue('supervision-no-worker');

const get = async <T>(url: string, token = t.token('supervisor')) => {
  const res = await t.call(token, { method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
};
const refused = async (url: string, token = t.token('supervisor')) => {
  const res = await t.call(token, { method: 'GET', url });
  expect(res.statusCode, url).toBe(400);
  return res.json() as { error: string; message: string; details?: unknown };
};

/** Every page of a list, following nextPageToken; checks the page shape on the way. */
async function allPages<P extends { items: unknown[]; nextPageToken: string | null; truncated: boolean }>(
  url: string,
  token?: string,
  from: string | null = null,
): Promise<P[]> {
  const pages: P[] = [];
  let next: string | null = from;
  do {
    const page: P = await get<P>(next ? `${url}&pageToken=${next}` : url, token);
    expect(page.truncated).toBe(page.nextPageToken !== null);
    pages.push(page);
    next = page.nextPageToken;
  } while (next && pages.length < 100);
  expect(next).toBeNull();
  return pages;
}

const ids = {} as {
  oldest: string;
  d300: string;
  d41: string;
  d40: string[];
  d40late: string;
  d40edge: string;
  d10: string[];
  d0: string[];
  report: string;
  dueNow: string;
  in1h: string;
  in26h: string;
  in71h: string;
  later: string;
  otherDept: string;
  closed: string;
};

beforeAll(async () => {
  t = await startApiTest({ worker: false, now: () => new Date(clock) });
  ids.oldest = await petition(ASOF - 3_700 * DAY); // beyond the per-day windows
  ids.d300 = await petition(ASOF - 300 * DAY - 3 * HOUR);
  ids.d41 = await petition(ASOF - 41 * DAY);
  // Three due at the same instant: paging inside one day's window.
  ids.d40 = [
    await petition(ASOF - 40 * DAY),
    await petition(ASOF - 40 * DAY),
    await petition(ASOF - 40 * DAY),
  ];
  ids.d40late = await petition(ASOF - 40 * DAY - 5 * HOUR);
  ids.d40edge = await petition(ASOF - 41 * DAY + 1); // 1 ms short of 41 days: still 40
  ids.d10 = [await petition(ASOF - 10 * DAY), await petition(ASOF - 10 * DAY - HOUR, { step: 'handle' })];
  ids.d0 = [await petition(ASOF - 1), await petition(ASOF - 23 * HOUR)];
  ids.report = await petition(ASOF - 12 * DAY, { concerns: A }); // a report concerning A, held by A
  ids.dueNow = await petition(ASOF); // not overdue (dueAt < asOf), at risk from asOf
  ids.in1h = await petition(ASOF + HOUR);
  ids.in26h = await petition(ASOF + 26 * HOUR);
  ids.in71h = await petition(ASOF + 71 * HOUR + 30 * 60_000);
  ids.later = await petition(ASOF + 3 * DAY + HOUR); // beyond P3D
  ids.otherDept = await petition(ASOF - 20 * DAY, { department: B });
  ids.closed = await petition(ASOF - 30 * DAY, { status: 'closed' });
  await eventually(
    () => get<OverduePage>(`/v1/supervision/overdue?department=${A}&pageSize=500`),
    (p) => p.items.length === 13,
    'visibility to list the seeded petitions',
    20_000,
  );
  await eventually(
    () => get<AtRiskPage>(`/v1/supervision/at-risk?department=${A}&pageSize=500&within=P30D`),
    (p) => p.items.length === 5,
    'visibility to list the seeded petitions due soon',
    20_000,
  );
});

afterAll(async () => {
  await Promise.all(
    started.map((workflowId) =>
      t.client.workflow
        .getHandle(workflowId)
        .terminate('test done')
        .catch(() => undefined),
    ),
  );
  await t?.close();
});

describe('GET /v1/supervision/overdue, paged', () => {
  const expectedOrder = () => [
    ids.oldest,
    ids.d300,
    ids.d41,
    ...[...ids.d40, ids.d40late, ids.d40edge],
    ids.report,
    ...ids.d10,
    ...ids.d0,
  ];

  it('answers one page with every item when they fit: same shape as before, plus nextPageToken null', async () => {
    const page = await get<OverduePage>(`/v1/supervision/overdue?department=${A}`);
    expect(page.asOf).toBe(new Date(ASOF).toISOString());
    expect(page.truncated).toBe(false);
    expect(page.nextPageToken).toBeNull();
    expect(page.items.map((i) => i.id)).toEqual(
      [...expectedOrder()].sort((a, b) => {
        const due = (id: string) => Date.parse(page.items.find((i) => i.id === id)!.dueAt);
        return due(a) - due(b) || (a < b ? -1 : 1);
      }),
    );
    expect(page.items[0]).toEqual({
      id: ids.oldest,
      step: 'accept-notice',
      department: A,
      deadline: 'acceptance',
      dueAt: new Date(ASOF - 3_700 * DAY).toISOString(),
      overdueDays: 3_700,
    });
    const days = Object.fromEntries(page.items.map((i) => [i.id, i.overdueDays]));
    expect(days[ids.d40edge]).toBe(40);
    expect(days[ids.d40late]).toBe(40);
    expect(days[ids.d41]).toBe(41);
    expect(days[ids.d0[0]!]).toBe(0);
    expect(page.items.map((i) => i.id)).not.toContain(ids.dueNow);
    expect(page.items.map((i) => i.id)).not.toContain(ids.otherDept);
    expect(page.items.map((i) => i.id)).not.toContain(ids.closed);
  });

  it.each([1, 2, 3, 5])(
    'pages of %i: most overdue first across pages, dueAt then id within a page, every petition once',
    async (pageSize) => {
      const pages = await allPages<OverduePage>(
        `/v1/supervision/overdue?department=${A}&pageSize=${pageSize}`,
      );
      const items = pages.flatMap((p) => p.items);
      expect(items.map((i) => i.id).sort()).toEqual(expectedOrder().sort());
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
      for (let i = 1; i < items.length; i++) {
        expect(items[i]!.overdueDays).toBeLessThanOrEqual(items[i - 1]!.overdueDays);
      }
      for (const page of pages) {
        expect(page.items.length).toBeLessThanOrEqual(pageSize);
        expect(page.asOf).toBe(new Date(ASOF).toISOString());
        for (let i = 1; i < page.items.length; i++) {
          const [a, b] = [page.items[i - 1]!, page.items[i]!];
          expect(Date.parse(a.dueAt) < Date.parse(b.dueAt) || (a.dueAt === b.dueAt && a.id < b.id)).toBe(
            true,
          );
        }
      }
      // The days, in order: 3700, 300, 41, 40 ×5, 12, 10 ×2, 0 ×2.
      expect(items.map((i) => i.overdueDays)).toEqual([3_700, 300, 41, 40, 40, 40, 40, 40, 12, 10, 10, 0, 0]);
    },
  );

  it('computes every follow page for the asOf of the first, even when the clock has moved on', async () => {
    const first = await get<OverduePage>(`/v1/supervision/overdue?department=${A}&pageSize=4`);
    expect(first.nextPageToken).not.toBeNull();
    clock = ASOF + 2 * DAY;
    try {
      const rest = await allPages<OverduePage>(
        `/v1/supervision/overdue?department=${A}&pageSize=4`,
        undefined,
        first.nextPageToken,
      );
      const items = [...first.items, ...rest.flatMap((p) => p.items)];
      for (const page of rest) expect(page.asOf).toBe(first.asOf);
      expect(items.map((i) => i.id).sort()).toEqual(expectedOrder().sort());
      // At the new clock the petitions due at asOf and an hour later are overdue; not on pages of the old asOf.
      expect(items.map((i) => i.id)).not.toContain(ids.in1h);
      expect(items.find((i) => i.id === ids.d0[0])!.overdueDays).toBe(0);
      // A new first page is computed for the new clock.
      const fresh = await get<OverduePage>(`/v1/supervision/overdue?department=${A}&pageSize=500`);
      expect(fresh.asOf).toBe(new Date(ASOF + 2 * DAY).toISOString());
      expect(fresh.items.map((i) => i.id)).toEqual(expect.arrayContaining([ids.dueNow, ids.in1h, ids.in26h]));
      expect(fresh.items.find((i) => i.id === ids.d0[0])!.overdueDays).toBe(2);
    } finally {
      clock = ASOF;
    }
  });

  it('filters by step', async () => {
    const page = await get<OverduePage>(`/v1/supervision/overdue?department=${A}&step=handle`);
    expect(page.items.map((i) => i.id)).toEqual([ids.d10[1]]);
  });

  it('refuses a page token with other filters, another list or another caller scope (400 invalid_page_token)', async () => {
    const first = await get<OverduePage>(`/v1/supervision/overdue?department=${A}&pageSize=2`);
    const token = first.nextPageToken!;
    for (const url of [
      `/v1/supervision/overdue?department=${B}&pageSize=2&pageToken=${token}`,
      `/v1/supervision/overdue?pageSize=2&pageToken=${token}`,
      `/v1/supervision/overdue?department=${A}&step=handle&pageSize=2&pageToken=${token}`,
      `/v1/supervision/at-risk?department=${A}&pageSize=2&pageToken=${token}`,
    ]) {
      const body = await refused(url);
      expect(body.error, url).toBe('invalid_page_token');
      expect(body.message).toContain('repeat the first request');
      expect(body.details).toEqual({ field: 'querystring.pageToken' });
    }
    // The same filters as another caller: department staff of A (scoped) cannot follow a supervisor's token.
    expect(
      (await refused(`/v1/supervision/overdue?pageSize=2&pageToken=${token}`, t.token('department', A)))
        .error,
    ).toBe('invalid_page_token');
    // The page size may change between pages.
    const next = await get<OverduePage>(
      `/v1/supervision/overdue?department=${A}&pageSize=3&pageToken=${token}`,
    );
    expect(next.items.length).toBe(3);
    expect(next.items.map((i) => i.id)).not.toContain(first.items[0]!.id);
  });

  it('refuses a damaged or forged page token with 400', async () => {
    const first = await get<OverduePage>(`/v1/supervision/overdue?department=${A}&pageSize=2`);
    const [payload, sum] = first.nextPageToken!.split('.');
    const flipped = `${payload!.slice(0, -2)}${payload!.endsWith('AA') ? 'AB' : 'AA'}.${sum}`;
    for (const token of ['bm90LWEtdG9rZW4.AAAAAAAAAAAAAAAAAAAAAA', flipped]) {
      expect((await refused(`/v1/supervision/overdue?department=${A}&pageToken=${token}`)).error).toBe(
        'invalid_page_token',
      );
    }
    for (const token of ['not a token', 'abc', `${payload}.${sum}.x`]) {
      const body = await refused(
        `/v1/supervision/overdue?department=${A}&pageToken=${encodeURIComponent(token)}`,
      );
      expect(body.error).toBe('validation_failed');
      expect(body.message).toContain('querystring.pageToken');
    }
  });

  it(`bounds pageSize to 1-${SUPERVISION_PAGE_SIZE.max} (default ${SUPERVISION_PAGE_SIZE.default})`, async () => {
    for (const size of ['0', String(SUPERVISION_PAGE_SIZE.max + 1), '2.5', 'ten', '-1']) {
      const body = await refused(`/v1/supervision/overdue?pageSize=${size}`);
      expect(body.error, size).toBe('validation_failed');
      expect(body.message, size).toContain('querystring.pageSize');
    }
    expect((await refused('/v1/supervision/at-risk?pageSize=0')).message).toContain('querystring.pageSize');
    const max = await get<OverduePage>(
      `/v1/supervision/overdue?department=${A}&pageSize=${SUPERVISION_PAGE_SIZE.max}`,
    );
    expect(max.items).toHaveLength(13);
  });
});

describe('the two ways of reading a window', () => {
  // The walk asks visibility for a dueAt range either as a range (read) or as NOT (dueAt < lo) AND NOT (dueAt >=
  // hi) (the ordered scan, tried first when a range is large). Small data never looks large, so force each way.
  const service = (walkTimeLimits: { quickProbeMs?: number; scanMs?: () => number }) =>
    createSupervisionService({
      client: t.client,
      connection: t.connection,
      namespace: 'default',
      rpcTimeoutMs: 15_000,
      now: () => new Date(clock),
      walkTimeLimits,
    });

  it.each([
    ['the ordered scan answers', { quickProbeMs: 0, scanMs: () => 10_000 }],
    ['the ordered scan gives up', { quickProbeMs: 0, scanMs: () => 0 }],
  ])('%s: the same petitions, in the same order of days', async (_name, limits) => {
    const supervision = service(limits);
    for (const pageSize of [1, 3, 500]) {
      const items: Array<{ id: string; overdueDays: number; dueAt: string }> = [];
      let pageToken: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await supervision.overdue(
          { department: A, pageSize, ...(pageToken && { pageToken }) },
          {},
        );
        expect(page.asOf).toBe(new Date(ASOF).toISOString());
        expect(page.items.length).toBeLessThanOrEqual(pageSize);
        items.push(...page.items);
        pageToken = page.nextPageToken ?? undefined;
        if (!pageToken) break;
      }
      expect(pageToken).toBeUndefined();
      expect(items.map((i) => i.overdueDays)).toEqual([3_700, 300, 41, 40, 40, 40, 40, 40, 12, 10, 10, 0, 0]);
      expect(new Set(items.map((i) => i.id)).size).toBe(13);
      const atRisk = await supervision.atRisk(3 * DAY, { department: A, pageSize }, {});
      const due: string[] = atRisk.items.map((i) => i.id);
      let token = atRisk.nextPageToken;
      while (token) {
        const next = await supervision.atRisk(3 * DAY, { department: A, pageSize, pageToken: token }, {});
        due.push(...next.items.map((i) => i.id));
        token = next.nextPageToken;
      }
      expect(due).toEqual([ids.dueNow, ids.in1h, ids.in26h, ids.in71h]);
    }
  });
});

describe('department scope', () => {
  it('shows department staff their own body only, without the report concerning them, page by page', async () => {
    const staff = t.token('department', A);
    const pages = await allPages<OverduePage>('/v1/supervision/overdue?pageSize=3', staff);
    const items = pages.flatMap((p) => p.items);
    expect(items.every((i) => i.department === A)).toBe(true);
    expect(items.map((i) => i.id)).not.toContain(ids.report);
    expect(items).toHaveLength(12);
    const atRisk = await allPages<AtRiskPage>('/v1/supervision/at-risk?pageSize=1', staff);
    expect(atRisk.flatMap((p) => p.items).map((i) => i.id)).toEqual([
      ids.dueNow,
      ids.in1h,
      ids.in26h,
      ids.in71h,
    ]);
    const other = await t.call(staff, { method: 'GET', url: `/v1/supervision/overdue?department=${B}` });
    expect(other.statusCode).toBe(403);
    // B's staff see B's petition and nothing of A.
    const b = await get<OverduePage>('/v1/supervision/overdue', t.token('department', B));
    expect(b.items.map((i) => i.id)).toEqual([ids.otherDept]);
  });
});

describe('GET /v1/supervision/at-risk, paged', () => {
  it('pages soonest first with one asOf and until, remaining hours from asOf', async () => {
    const pages = await allPages<AtRiskPage>(`/v1/supervision/at-risk?department=${A}&pageSize=1`);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    const items = pages.flatMap((p) => p.items);
    expect(items.map((i) => i.id)).toEqual([ids.dueNow, ids.in1h, ids.in26h, ids.in71h]);
    expect(items.map((i) => i.remainingHours)).toEqual([0, 1, 26, 71]);
    for (const page of pages) {
      expect(page.asOf).toBe(new Date(ASOF).toISOString());
      expect(page.until).toBe(new Date(ASOF + 3 * DAY).toISOString());
    }
    const week = await get<AtRiskPage>(`/v1/supervision/at-risk?department=${A}&within=P1W`);
    expect(week.items.map((i) => i.id)).toEqual([ids.dueNow, ids.in1h, ids.in26h, ids.in71h, ids.later]);
    expect(week.nextPageToken).toBeNull();
  });

  it('binds the token to the period', async () => {
    const first = await get<AtRiskPage>(`/v1/supervision/at-risk?department=${A}&pageSize=1`);
    const body = await refused(
      `/v1/supervision/at-risk?department=${A}&pageSize=1&within=P2D&pageToken=${first.nextPageToken}`,
    );
    expect(body.error).toBe('invalid_page_token');
  });
});
