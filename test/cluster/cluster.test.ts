/**
 * The production profile end to end: `npm run cluster` (PostgreSQL of its own, Temporal's server built from its Go
 * module with SQL visibility on PostgreSQL, two workers, two APIs) on free ports and a scratch DATA_DIR, driven over
 * HTTP only with tokens from `npm run -s token`. Run by `npm run test:cluster` (see vitest.cluster.config.ts).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgres } from '../../deploy/cluster/install';
import { databasePassword, postgresAccount, postgresRunning, psql } from '../../deploy/cluster/postgres';
import { loadClusterSettings } from '../../deploy/cluster/settings';
import { petitionBody, uniqueDept } from '../helpers/api';
import {
  alive,
  call,
  clusterEnvironment,
  npmToken,
  startCluster,
  stopCluster,
  type RunningCluster,
} from '../helpers/cluster';

const DAY = 86_400_000;
const D = uniqueDept('C');

interface Registered {
  id: string;
  accessCode: string;
  step: string;
}
interface Acted {
  step: string;
}
interface PetitionRead {
  id: string;
  status: string;
  step: string;
  outcome: { outcome: string; final: boolean } | null;
  timeline: Array<{ type: string; action?: string }>;
}

let root: string;
let env: NodeJS.ProcessEnv;
let cluster: RunningCluster | undefined;
let tokens: Record<'registrar' | 'staff' | 'superior' | 'supervisor', string>;
let api1: string;
let api2: string;
let lifecycleId: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'petition-cluster-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its folders under this one.
  chmodSync(root, 0o755);
  env = await clusterEnvironment(path.join(root, 'data'));
  cluster = await startCluster(env);
  console.log(`[cluster] ready in ${cluster.readySeconds.toFixed(1)} s: ${JSON.stringify(cluster.state)}`);
  [api1, api2] = cluster.state.apis.map((a) => a.url) as [string, string];
  tokens = {
    registrar: npmToken(env, 'registrar', undefined, 'reg-cluster'),
    staff: npmToken(env, 'department', D, 'staff-cluster'),
    superior: npmToken(env, 'superior', uniqueDept('S'), 'sup-cluster'),
    supervisor: npmToken(env, 'supervisor'),
  };
});

afterAll(async () => {
  if (cluster) await stopCluster(cluster);
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Polls until `ok` holds (visibility and sticky-queue failover take seconds on a cluster). */
async function eventually<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  ms = 60_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('npm run cluster: Temporal on PostgreSQL, two workers, two APIs', () => {
  it('starts every part on 127.0.0.1, and both APIs are ready and accept tokens from `npm run -s token`', async () => {
    const { state } = cluster!;
    expect(state.apis).toHaveLength(2);
    expect(state.workers).toHaveLength(2);
    for (const address of [state.postgres.address, state.temporal.address, ...state.apis.map((a) => a.url)]) {
      expect(address).toContain('127.0.0.1:');
    }
    for (const url of [api1, api2]) {
      expect((await call(url, undefined, 'GET', '/readyz')).status).toBe(200);
      const listed = await call<{ items: unknown[] }>(
        url,
        tokens.supervisor,
        'GET',
        '/v1/petitions?status=open',
      );
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      expect((await call(url, 'not-a-token', 'GET', '/v1/petitions')).status).toBe(401);
    }
    const metrics = await fetch(state.temporal.metricsUrl);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^persistence_requests\{/m);
  });

  it('drives a whole statutory lifecycle through one API and reads it back through the other (Art. 22–36)', async () => {
    const registered = await call<Registered>(api1, tokens.registrar, 'POST', '/v1/petitions', {
      body: petitionBody({ channel: 'visit' }),
      headers: { 'idempotency-key': `lifecycle-${D}` },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    expect(registered.body.step).toBe('forward');
    const { id, accessCode } = registered.body;
    lifecycleId = id;
    const petitioner = { 'x-access-code': accessCode };
    const steps: Array<
      [string | undefined, string, Record<string, unknown>, string, Record<string, string>?]
    > = [
      [tokens.registrar, 'forward', { department: D }, 'accept-notice'],
      [tokens.staff, 'accept', {}, 'handle'],
      [
        tokens.staff,
        'opinion',
        { outcome: 'explain', text: '经调查，供暖温度符合标准，现予解释。', legalBasis: '某条例第十条' },
        'reply',
      ],
      [tokens.staff, 'reply', {}, 'review-window'],
      [undefined, 'request-review', { reason: '温度测量方法有误' }, 'review', petitioner],
      [
        tokens.superior,
        'review-opinion',
        { outcome: 'reject', text: '维持原处理意见。' },
        'serve-review-opinion',
      ],
      [tokens.superior, 'serve-review-opinion', {}, 're-review-window'],
      [undefined, 'request-re-review', { reason: '仍不服' }, 're-review', petitioner],
      [
        tokens.superior,
        're-review-opinion',
        { outcome: 'reject', text: '复核维持。' },
        'serve-re-review-opinion',
      ],
      [tokens.superior, 'serve-re-review-opinion', {}, 'evaluation-window'],
      [undefined, 'evaluate', { rating: 'satisfied' }, 'final', petitioner],
    ];
    for (const [token, action, body, expected, headers] of steps) {
      const res = await call<Acted>(api1, token, 'POST', `/v1/petitions/${id}/actions/${action}`, {
        body,
        headers: { 'idempotency-key': `${id}-${action}`, ...headers },
      });
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
      if (expected === 'final') continue;
      // A hand-over (to the body, to the reviewing body) runs after the answer: the action answers with its
      // delivery step, and the next action waits until the body holds the petition.
      if (res.body.step !== expected) {
        expect(res.body.step, action).toMatch(/^deliver-/);
        await eventually(
          () => call<PetitionRead>(api1, tokens.supervisor, 'GET', `/v1/petitions/${id}`),
          (r) => r.status === 200 && r.body.step === expected,
          `${action}: the hand-over to reach ${expected}`,
        );
      }
    }

    const read = await eventually(
      () => call<PetitionRead>(api2, tokens.supervisor, 'GET', `/v1/petitions/${id}`),
      (r) => r.status === 200 && r.body.status === 'closed',
      'the petition to close, read through the second API',
    );
    expect(read.body.outcome).toMatchObject({ outcome: 'final', final: true });
    const actions = read.body.timeline.filter((e) => e.type === 'action').map((e) => e.action);
    expect(actions).toEqual(steps.map(([, action]) => action));
    const listed = await eventually(
      () =>
        call<{ items: Array<{ id: string; status: string }> }>(
          api2,
          tokens.supervisor,
          'GET',
          `/v1/petitions?department=${D}&status=closed`,
        ),
      (r) => r.status === 200 && r.body.items.some((i) => i.id === id),
      'the closed petition in the second API’s list (PostgreSQL visibility)',
    );
    expect(listed.body.items.find((i) => i.id === id)).toMatchObject({ status: 'closed' });
  });

  it('loses no registration and no action when a worker is SIGKILLed with 50 petitions in flight', async () => {
    const dept = uniqueDept('K');
    const staff = npmToken(env, 'department', dept, 'staff-kill');
    const victim = cluster!.state.workers[0]!;
    const survivor = cluster!.state.workers[1]!;
    const registeredIds: string[] = [];
    const answered200: Array<{ id: string; action: string; step: string }> = [];
    const unanswered: string[] = [];
    const retried: string[] = [];
    let killed = false;

    /** One request, retried with the same Idempotency-Key while it answers 5xx or not at all (the client's duty). */
    async function withRetries<T>(attempt: () => Promise<{ status: number; body: T }>) {
      let res = await attempt();
      for (let i = 0; i < 6 && (res.status === 0 || res.status >= 500); i++) {
        retried.push(`${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
        await new Promise((r) => setTimeout(r, 1_000));
        res = await attempt();
      }
      return res;
    }

    async function lane(lane: number): Promise<void> {
      for (let k = 0; k < 5; k++) {
        const n = lane * 5 + k;
        const api = n % 2 === 0 ? api1 : api2;
        const reg = await withRetries(() =>
          call<Registered>(api, tokens.registrar, 'POST', '/v1/petitions', {
            body: petitionBody({ subject: `并发登记 ${n}` }),
            headers: { 'idempotency-key': `kill-${dept}-${n}` },
          }),
        );
        if (reg.status !== 201 && reg.status !== 200) {
          unanswered.push(`register ${n}: ${reg.status} ${JSON.stringify(reg.body)}`);
          continue;
        }
        const id = reg.body.id;
        registeredIds.push(id);
        if (registeredIds.length === 10 && !killed) {
          killed = true;
          process.kill(victim.pid, 'SIGKILL');
        }
        for (const [token, action, body] of [
          [tokens.registrar, 'forward', { department: dept }],
          [staff, 'accept', {}],
        ] as const) {
          const other = api === api1 ? api2 : api1;
          const res = await withRetries(() =>
            call<Acted>(other, token, 'POST', `/v1/petitions/${id}/actions/${action}`, {
              body,
              headers: { 'idempotency-key': `${id}-${action}` },
            }),
          );
          if (res.status !== 200) {
            unanswered.push(`${action} ${id}: ${res.status} ${JSON.stringify(res.body)}`);
            break;
          }
          answered200.push({ id, action, step: res.body.step });
          if (action === 'forward') {
            // The hand-over to the body runs after the answer (on whichever worker is alive): accept once it holds it.
            await eventually(
              () => call<PetitionRead>(other, tokens.supervisor, 'GET', `/v1/petitions/${id}`),
              (r) => r.status === 200 && r.body.step === 'accept-notice',
              `${id}: the hand-over to ${dept}`,
              120_000,
            );
          }
        }
      }
    }

    const began = Date.now();
    await Promise.all(Array.from({ length: 10 }, (_, i) => lane(i)));
    console.log(
      `[cluster] 50 registrations and 100 actions in ${((Date.now() - began) / 1000).toFixed(1)} s; ` +
        `${retried.length} answers retried with the same key: ${JSON.stringify(retried.slice(0, 5))}`,
    );
    expect(killed).toBe(true);
    expect(alive(victim.pid)).toBe(false);
    expect(alive(survivor.pid)).toBe(true);
    expect(alive(cluster!.state.supervisorPid)).toBe(true);
    expect(cluster!.output()).toContain(`${victim.name} exited`);
    // With retries under the same keys, the surviving worker answers everything.
    expect(unanswered).toEqual([]);
    expect(registeredIds).toHaveLength(50);
    expect(new Set(registeredIds).size).toBe(50);
    expect(answered200).toHaveLength(100);

    for (const id of registeredIds) {
      const read = await call<PetitionRead>(api1, tokens.supervisor, 'GET', `/v1/petitions/${id}`);
      expect(read.status, `${id}: ${JSON.stringify(read.body)}`).toBe(200);
      const mine = answered200.filter((a) => a.id === id);
      expect(read.body.step).toBe(mine.at(-1)!.step);
      expect(read.body.step).toBe('handle');
      for (const { action } of mine) {
        expect(
          read.body.timeline.filter((e) => e.type === 'action' && e.action === action),
          `${id} ${action}`,
        ).toHaveLength(1);
      }
    }
  }, 600_000);

  it('lists a petition received 40 days ago as forwarding overdue from the PostgreSQL visibility store (Art. 22)', async () => {
    const registered = await call<Registered>(api1, tokens.registrar, 'POST', '/v1/petitions', {
      body: petitionBody({ receivedAt: new Date(Date.now() - 40 * DAY).toISOString() }),
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const { id } = registered.body;
    const overdue = await eventually(
      () =>
        call<{ items: Array<{ id: string; step: string; deadline: string; overdueDays: number }> }>(
          api2,
          tokens.supervisor,
          'GET',
          '/v1/supervision/overdue?step=forward',
        ),
      (r) => r.status === 200 && r.body.items.some((i) => i.id === id),
      'the overdue list to show the backdated petition',
    );
    const item = overdue.body.items.find((i) => i.id === id)!;
    expect(item).toMatchObject({ step: 'forward', deadline: 'forwarding' });
    expect(item.overdueDays).toBeGreaterThanOrEqual(22);
    expect(item.overdueDays).toBeLessThanOrEqual(25);

    // The list came from Temporal's visibility tables in the cluster's own PostgreSQL.
    const settings = loadClusterSettings(env);
    const pg = ensurePostgres(settings.postgres.binDir, () => undefined);
    const rows = psql(
      settings,
      pg,
      databasePassword(settings),
      settings.database.visibility,
      `SELECT count(*) FROM executions_visibility WHERE workflow_id = 'petition-${id}' AND status = 1`,
    );
    expect(rows).toBe('1');
  });

  it('stops every process on SIGTERM and keeps the data for the next start', async () => {
    const { state } = cluster!;
    const settings = loadClusterSettings(env);
    const pg = ensurePostgres(settings.postgres.binDir, () => undefined);
    expect(await stopCluster(cluster!)).toBe(0);
    const out = cluster!.output();
    expect(out.indexOf('Temporal server stopped')).toBeGreaterThan(-1);
    expect(out.indexOf('PostgreSQL stopped')).toBeGreaterThan(out.indexOf('Temporal server stopped'));
    for (const pid of [
      state.temporal.pid,
      ...state.apis.map((a) => a.pid),
      ...state.workers.map((w) => w.pid),
    ]) {
      expect(alive(pid), `pid ${pid}`).toBe(false);
    }
    expect(postgresRunning(settings, pg, postgresAccount())).toBe(false);

    cluster = await startCluster(env);
    console.log(`[cluster] restarted on the same data in ${cluster.readySeconds.toFixed(1)} s`);
    expect(cluster.output()).toContain('Using the PostgreSQL cluster');
    const [, second] = cluster.state.apis.map((a) => a.url) as [string, string];
    const read = await call<PetitionRead>(second, tokens.supervisor, 'GET', `/v1/petitions/${lifecycleId}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({ id: lifecycleId, status: 'closed' });
  }, 600_000);
});
