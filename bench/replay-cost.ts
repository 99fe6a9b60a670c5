/**
 * `node --import tsx bench/replay-cost.ts [--runs 30]`: workflow-thread cost of a petition, without a server, by
 * replaying recorded histories (test/fixtures/histories) with Worker.runReplayHistories:
 * - `first task`: the history cut after the first workflow task — creating a petition instance (evaluating its
 *   bundle's modules) and registering it;
 * - `full lifecycle`: the whole statutory lifecycle.
 * Each against bundles that differ in one respect, to price proposed changes without touching the product:
 * `index` (workflows/index.ts, as worker.ts runs it), `petition-only` (bench/experiments/petition-only.ts: no
 * registry workflows in the bundle), `memoised FEEL` (bench/experiments/feel-memo.ts in place of
 * workflows/engine/feel.ts), and `index, empty source map` (the same bundle with its inline source map
 * emptied: the SDK maps the stack of every promise created in a workflow through it).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Runtime, Worker } from '@temporalio/worker';
import webpack from 'webpack';
import { summarize } from './lib/stats';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Math.max(1, Math.min(500, Number(values.runs)));

Runtime.install({
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) },
});
const quiet = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error: (m: string) => console.error(m),
};

const fixture = (name: string) =>
  historyFromJSON(
    JSON.parse(
      readFileSync(
        fileURLToPath(new URL(`../test/fixtures/histories/${name}.json`, import.meta.url)),
        'utf8',
      ),
    ),
  );
const full = fixture('full-lifecycle');
// Cut after the first WORKFLOW_TASK_STARTED: replay then runs exactly the first activation.
const firstStarted = full.events!.findIndex((e) => Number(e.eventType) === 6 /* WORKFLOW_TASK_STARTED */);
const first = { ...full, events: full.events!.slice(0, firstStarted + 1) };

const bundles: Record<string, string> = {};
const index = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
  logger: quiet,
});
bundles['index (as worker.ts)'] = index.code;
bundles['petition-only'] = (
  await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./experiments/petition-only.ts', import.meta.url)),
    logger: quiet,
  })
).code;
bundles['index, memoised FEEL'] = (
  await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    logger: quiet,
    webpackConfigHook: (config) => {
      config.plugins = [
        ...(config.plugins ?? []),
        new webpack.NormalModuleReplacementPlugin(
          /engine[/\\]feel(\.ts)?$/,
          fileURLToPath(new URL('./experiments/feel-memo.ts', import.meta.url)),
        ),
      ];
      return config;
    },
  })
).code;
// The SDK requires an inline source map: put an empty one in its place.
const emptyMap = Buffer.from(
  JSON.stringify({ version: 3, file: 'workflow-bundle-empty-map.js', sources: [], names: [], mappings: '' }),
).toString('base64');
bundles['index, empty source map'] = index.code.replace(
  /\/\/# sourceMappingURL=data:application\/json[^\n]*/g,
  `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${emptyMap}`,
);

async function time(code: string, history: typeof full, n: number): Promise<number[]> {
  const ms: number[] = [];
  // One replay worker per batch, as in production one worker hosts many workflows.
  async function* histories() {
    for (let i = 0; i < n; i++) yield { history, workflowId: `replay-${i}` };
  }
  let t = performance.now();
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { code }, replayName: 'bench' },
    histories(),
  )) {
    if (result.error) throw result.error;
    const now = performance.now();
    ms.push(now - t);
    t = now;
  }
  return ms.slice(1); // the first includes creating the replay worker
}

process.stdout.write(`replaying ${runs}× each (ms per workflow, p50 / mean)\n`);
for (const [name, code] of Object.entries(bundles)) {
  const a = summarize(await time(code, first, runs + 1));
  const b = summarize(await time(code, full, runs + 1));
  process.stdout.write(
    `${name.padEnd(24)} bundle ${(code.length / 1024).toFixed(0).padStart(5)} KiB   first task ${a.p50.toFixed(1).padStart(6)} / ${a.mean.toFixed(1).padStart(6)}   full lifecycle ${b.p50.toFixed(1).padStart(6)} / ${b.mean.toFixed(1).padStart(6)}\n`,
  );
}
