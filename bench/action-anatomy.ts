/**
 * `node --import tsx bench/action-anatomy.ts [--petitions 40]`: what one action costs, call by call, at concurrency 1
 * on the bench's own environment (dev server, worker.ts, api/server.ts; see bench/lib/environment.ts). For each
 * petition (registered through HTTP, as the bench does), the accept → opinion → reply sequence is taken twice over:
 * once through HTTP (what a client sees), once as the three Temporal calls the API makes for an action — `describe`
 * (authorization), the `petitionAction` Update, the `petitionState` query (the answer) — timed one by one; both
 * after the worker has run the petition's first task. Prints p50/p95 per call.
 */
import { parseArgs } from 'node:util';
import type { Actor } from '../workflows/engine/types';
import { petitionActionUpdate, petitionStateQuery, petitionWorkflowId } from '../workflows/messages';
import { startBenchEnvironment } from './lib/environment';
import { createContext, type Settings } from './phases';
import { registrationBody } from './lib/petitions';
import { Recorder } from './lib/stats';

const { values } = parseArgs({ options: { petitions: { type: 'string', default: '40' } } });
const n = Math.max(4, Math.min(500, Number(values.petitions)));
const SEQUENCE: Array<[string, Record<string, unknown>]> = [
  ['accept', {}],
  ['opinion', { outcome: 'support', text: '经调查，情况属实，已责成供热单位整改。' }],
  ['reply', {}],
];

const env = await startBenchEnvironment({ logLevel: 'warn', keep: false });
try {
  const ctx = createContext(env, {} as Settings);
  const dept = 'district-housing';
  const token = ctx.tokens.department(dept);
  const actor: Actor = { role: 'department', id: `bench-staff-${dept}`, department: dept };
  const register = async () => {
    const { id } = await ctx.http.expect<{ id: string }>(
      201,
      'POST',
      '/v1/petitions',
      registrationBody({ department: dept }),
      { authorization: `Bearer ${ctx.tokens.registrar}` },
    );
    // Wait for the worker's first task, so neither path pays for it.
    await env.client.workflow.getHandle(petitionWorkflowId(id)).query('__temporal_workflow_metadata');
    return id;
  };
  const http = new Recorder();
  const calls = new Recorder();
  for (let i = 0; i < n; i++) {
    const viaHttp = await register();
    for (const [action, body] of SEQUENCE)
      await http.time(`HTTP ${action}`, () =>
        ctx.http.expect(200, 'POST', `/v1/petitions/${viaHttp}/actions/${action}`, body, {
          authorization: `Bearer ${token}`,
        }),
      );
    const direct = env.client.workflow.getHandle(petitionWorkflowId(await register()));
    for (const [action, input] of SEQUENCE) {
      await calls.time(`${action}: describe`, () => direct.describe());
      await calls.time(`${action}: update`, () =>
        direct.executeUpdate(petitionActionUpdate, {
          args: [{ action, actor, input, requestId: `${action}-${i}` }],
        }),
      );
      await calls.time(`${action}: query`, () => direct.query(petitionStateQuery));
      await calls.time(`${action}: query again`, () => direct.query(petitionStateQuery));
    }
  }
  process.stdout.write(`${n} petitions, concurrency 1 (ms)\n${'call'.padEnd(22)}   p50     p95\n`);
  for (const r of [http, calls])
    for (const name of r.names()) {
      const s = r.summary(name);
      process.stdout.write(`${name.padEnd(22)} ${String(s.p50).padStart(6)} ${String(s.p95).padStart(7)}\n`);
    }
} finally {
  await env.stop();
}
