/**
 * `POST /v1/definitions/:id/migrations` and `GET …/migrations/:mid` through the real API, a worker and the dev server:
 * the dry run (what each matched petition would become, nothing changed), the filter, the checks of the request, and a
 * small batch started once per Idempotency-Key.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculateDeadline, defaultCalendarData } from '../../definitions/calendar';
import type { PetitionView } from '../../workflows/engine';
import { eventually, startApiTest, uniqueDept, type ApiTestContext } from '../helpers/api';
import { actOn, publishDrill, registerDrill } from './helpers';

let t: ApiTestContext;
let designer: string;
const id = `drill-a${randomUUID().slice(0, 8)}`;
const dept = uniqueDept('MA');
const url = `/v1/definitions/${id}/migrations`;
/** Petition ids by what they rest on. */
const ids = { intake: [] as string[], handle: '', parked: '' };

interface DryRun {
  matched: number;
  at: string;
  items: Array<{
    id: string;
    canMove: boolean;
    step: { from: string; to: string | null };
    refusal: { reason: string; message: string } | null;
    deadlines: Array<
      Record<string, unknown> & { id: string; fate: string; from: string; pausedDays: number }
    >;
  }>;
  nextPageToken: string | null;
}

const view = async (petitionId: string) =>
  (
    await t.call(t.token('admin'), { method: 'GET', url: `/v1/petitions/${petitionId}` })
  ).json() as PetitionView;

beforeAll(async () => {
  t = await startApiTest({ migrationBatch: { pageSize: 2, chunkSize: 2, petitionsPerRun: 2 } });
  designer = t.token('designer');
  await publishDrill(t, id);
  ids.intake = [await registerDrill(t, id, dept, 4), await registerDrill(t, id, dept, 1)];
  ids.handle = await registerDrill(t, id, dept, 2);
  ids.parked = await registerDrill(t, id, dept, 0);
  const registrar = t.token('registrar');
  await actOn(t, ids.handle, 'forward', registrar, { department: dept });
  await actOn(t, ids.handle, 'hearing-start', t.token('department', dept));
  await actOn(t, ids.handle, 'hearing-end', t.token('department', dept));
  await actOn(t, ids.parked, 'park', registrar);
}, 90_000);

afterAll(async () => {
  await t?.close();
});

describe('a migration dry run', () => {
  it('lists every matched petition: whether it can move, to which step, and its deadlines after the move; nothing changes', async () => {
    const before = await Promise.all([...ids.intake, ids.handle, ids.parked].map(view));
    const res = await t.call(designer, {
      method: 'POST',
      url,
      payload: { from: 1, to: 2, stepMap: { handle: 'processing' }, dryRun: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as DryRun;
    expect(body.matched).toBe(4);
    expect(body.items.map((i) => i.id).sort()).toEqual([...ids.intake, ids.handle, ids.parked].sort());
    expect(body.nextPageToken).toBeNull();
    const item = (petitionId: string) => body.items.find((i) => i.id === petitionId)!;
    const calendar = defaultCalendarData();

    const parked = item(ids.parked);
    expect(parked).toMatchObject({ canMove: false, step: { from: 'parked', to: null }, deadlines: [] });
    expect(parked.refusal).toEqual({
      reason: 'no-counterpart',
      message: `Step "parked" (暂缓) has no counterpart in ${id}@2: name the step it moves to in stepMap.`,
    });

    for (const petitionId of ids.intake) {
      const was = before.find((v) => v.id === petitionId)!.deadlines.find((d) => d.id === 'intake-period')!;
      const moved = item(petitionId);
      expect(moved).toMatchObject({ canMove: true, step: { from: 'intake', to: 'intake' }, refusal: null });
      const intake = moved.deadlines.find((d) => d.id === 'intake-period')!;
      expect(intake).toMatchObject({
        fate: 'changed',
        status: 'running',
        from: was.from,
        duration: 20,
        pausedDays: 0,
        lastDay: calculateDeadline(
          {
            from: was.from,
            duration: 20,
            counting: 'calendar-days',
            extensionDays: 0,
            pausedDays: 0,
            article: was.article,
          },
          calendar,
        ).lastDay,
        before: { duration: 15, counting: 'calendar-days', dueAt: was.dueAt },
      });
      expect(moved.deadlines.find((d) => d.id === 'first-contact')).toMatchObject({
        fate: 'armed',
        status: 'running',
        duration: 5,
        counting: 'working-days',
        before: null,
      });
    }

    const handling = before.find((v) => v.id === ids.handle)!.deadlines.find((d) => d.id === 'handling')!;
    expect(handling.pausedDays).toBe(1);
    const processing = item(ids.handle);
    expect(processing.step).toEqual({ from: 'handle', to: 'processing' });
    expect(processing.deadlines.find((d) => d.id === 'handling')).toMatchObject({
      fate: 'changed',
      step: 'processing',
      from: handling.from,
      pausedDays: 1,
      duration: 45,
      lastDay: calculateDeadline(
        {
          from: handling.from,
          duration: 45,
          counting: 'calendar-days',
          extensionDays: 0,
          pausedDays: 1,
          article: handling.article,
        },
        calendar,
      ).lastDay,
    });

    // Nothing changed: every petition still follows version 1, as it was.
    expect(await Promise.all([...ids.intake, ids.handle, ids.parked].map(view))).toEqual(before);
  });

  it('pages the matched petitions, and narrows them by the filter', async () => {
    const first = (
      await t.call(designer, { method: 'POST', url, payload: { from: 1, to: 2, dryRun: true, pageSize: 3 } })
    ).json() as DryRun;
    expect(first.items).toHaveLength(3);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = (
      await t.call(designer, {
        method: 'POST',
        url,
        payload: { from: 1, to: 2, dryRun: true, pageSize: 3, pageToken: first.nextPageToken },
      })
    ).json() as DryRun;
    expect([...first.items, ...second.items].map((i) => i.id).sort()).toEqual(
      [...ids.intake, ids.handle, ids.parked].sort(),
    );
    // Without a stepMap, `handle` has no counterpart either.
    expect([...first.items, ...second.items].find((i) => i.id === ids.handle)?.refusal?.reason).toBe(
      'no-counterpart',
    );

    const parkedOnly = (
      await t.call(designer, {
        method: 'POST',
        url,
        payload: { from: 1, to: 2, dryRun: true, filter: { steps: ['parked'], department: dept } },
      })
    ).json() as DryRun;
    expect(parkedOnly.matched).toBe(1);
    expect(parkedOnly.items.map((i) => i.id)).toEqual([ids.parked]);
    const recent = (
      await t.call(designer, {
        method: 'POST',
        url,
        payload: {
          from: 1,
          to: 2,
          dryRun: true,
          filter: { receivedAfter: new Date(Date.now() - 1.5 * 86_400_000).toISOString() },
        },
      })
    ).json() as DryRun;
    expect(recent.items.map((i) => i.id).sort()).toEqual([ids.intake[1], ids.parked].sort());
  });
});

describe('what a migration request is refused for', () => {
  it('answers 403 to a registrar and 401 without a token', async () => {
    const payload = { from: 1, to: 2, dryRun: true };
    const forbidden = await t.call(t.token('registrar'), { method: 'POST', url, payload });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ error: 'forbidden' });
    expect((await t.call(undefined, { method: 'POST', url, payload })).statusCode).toBe(401);
  });

  it('answers 400 for query text or an unknown field in the filter, and for a missing dryRun', async () => {
    const raw = await t.call(designer, {
      method: 'POST',
      url,
      payload: { from: 1, to: 2, dryRun: true, filter: { query: "WorkflowType = 'petition'" } },
    });
    expect(raw.statusCode).toBe(400);
    expect(raw.json()).toMatchObject({ error: 'validation_failed' });
    const noDryRun = await t.call(designer, { method: 'POST', url, payload: { from: 1, to: 2 } });
    expect(noDryRun.statusCode).toBe(400);
    expect(noDryRun.json().message).toContain('dryRun');
  });

  it('answers 422 naming what is wrong: an unpublished version, the same version, a stepMap or filter outside the definitions', async () => {
    const unknown = await t.call(designer, {
      method: 'POST',
      url,
      payload: { from: 1, to: 9, dryRun: true },
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({
      error: 'unknown_definition',
      message: `${id}@9 is not published; GET /v1/definitions lists the published versions.`,
    });
    const same = await t.call(designer, { method: 'POST', url, payload: { from: 2, to: 2, dryRun: false } });
    expect(same.statusCode).toBe(422);
    expect(same.json()).toMatchObject({ error: 'same_version' });
    const bad = await t.call(designer, {
      method: 'POST',
      url,
      payload: {
        from: 1,
        to: 2,
        dryRun: false,
        stepMap: { handle: 'handling' },
        filter: { steps: ['review'] },
      },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({
      error: 'invalid_migration',
      details: [
        { field: 'stepMap.handle', message: `"handling" is not a step of ${id}@2` },
        { field: 'filter.steps', message: `"review" is not a step of ${id}@1` },
      ],
    });
  });

  it('answers 404 for a migration that does not exist, and 400 for a malformed id', async () => {
    const missing = await t.call(designer, { method: 'GET', url: `${url}/m-0123456789abcdef` });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found' });
    expect((await t.call(designer, { method: 'GET', url: `${url}/nope` })).statusCode).toBe(400);
  });
});

describe('a migration batch started through the API', () => {
  it('starts once per Idempotency-Key, moves what can move, refuses the rest, and reports per petition', async () => {
    const payload = { from: 1, to: 2, stepMap: { handle: 'processing' }, dryRun: false };
    const headers = { 'idempotency-key': `mig-${randomUUID()}` };
    const started = await t.call(designer, { method: 'POST', url, payload, headers });
    expect(started.statusCode, started.body).toBe(202);
    const { id: mid } = started.json() as { id: string };
    expect(started.json()).toMatchObject({ dryRun: false, status: 'running', replayed: false });
    expect(started.headers.location).toBe(`${url}/${mid}`);

    const retried = await t.call(designer, { method: 'POST', url, payload, headers });
    expect(retried.statusCode).toBe(202);
    expect(retried.json()).toMatchObject({ id: mid, replayed: true });
    const conflict = await t.call(designer, {
      method: 'POST',
      url,
      payload: { ...payload, stepMap: { handle: 'processing', parked: 'intake' } },
      headers,
    });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ error: 'idempotency_conflict' });

    const report = await eventually(
      async () => (await t.call(designer, { method: 'GET', url: `${url}/${mid}` })).json(),
      (r: { status?: string; runs?: number }) => r.status === 'completed',
      'the batch to complete',
      45_000,
    );
    expect(report).toMatchObject({
      id: mid,
      definition: id,
      from: 1,
      to: 2,
      stepMap: { handle: 'processing' },
      requestedBy: { role: 'designer' },
      status: 'completed',
      counts: { matched: 4, processed: 4, moved: 3, refused: 1, failed: 0, remaining: 0 },
    });
    // pageSize 2 and a new run every 2 petitions: the batch continued as new.
    expect(report.runs).toBeGreaterThanOrEqual(2);
    const refused = await t.call(designer, { method: 'GET', url: `${url}/${mid}?outcome=refused` });
    expect(refused.json().outcomes).toMatchObject({
      total: 1,
      items: [{ petitionId: ids.parked, outcome: 'refused', reason: 'no-counterpart' }],
    });
    const paged = await t.call(designer, { method: 'GET', url: `${url}/${mid}?offset=1&limit=2` });
    expect(paged.json().outcomes).toMatchObject({ total: 4, offset: 1 });
    expect(paged.json().outcomes.items).toHaveLength(2);
    expect((await view(ids.handle)).definition.version).toBe(2);
    expect((await view(ids.parked)).definition.version).toBe(1);
    // Another definition's id does not reach this migration.
    expect(
      (await t.call(designer, { method: 'GET', url: `/v1/definitions/petition-2022/migrations/${mid}` }))
        .statusCode,
    ).toBe(404);
  });
});
