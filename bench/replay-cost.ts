/**
 * `node --import tsx bench/replay-cost.ts [--runs 30]`: workflow-thread cost of a petition, without a server, by
 * replaying recorded histories (test/fixtures/histories) with Worker.runReplayHistories:
 * - `first task`: the history cut after the first workflow task — creating a petition instance (evaluating its
 *   bundle's modules) and registering it;
 * - `full lifecycle`: the whole statutory lifecycle.
 * Each against bundles that differ in one respect, to price changes without a server: `product` (workflows/index.ts
 * with config/workflow-bundle.ts's preloaded modules, as worker.ts runs it), `no preloaded modules`, `eager
 * registries` (bench/experiments/eager-registries.ts: the layout before the registry workflows were loaded lazily,
 * without preloading — what a petition cost before), and `FEEL not memoised` (bench/experiments/feel-plain.ts in
 * place of workflows/engine/feel.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Runtime, Worker, type BundleOptions } from '@temporalio/worker';
import { workflowBundlerOptions, workflowsPath } from '../config/workflow-bundle';
import { dataConverterForKeyring, failureConverterPath } from '../config/data-converter';
import { ephemeralKeyring } from '../config/payload-keys';
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

// The product's data converter (the recorded fixtures predate the codec: their payloads pass through decode).
const { dataConverter } = dataConverterForKeyring(ephemeralKeyring('replay-cost'));
const bundles: Record<string, string> = {};
const bundle = async (name: string, options: Partial<BundleOptions>) => {
  bundles[name] = (
    await bundleWorkflowCode({ workflowsPath, logger: quiet, failureConverterPath, ...options })
  ).code;
};
await bundle('product (as worker.ts)', workflowBundlerOptions);
await bundle('no preloaded modules', {});
await bundle('eager registries, no preload', {
  workflowsPath: fileURLToPath(new URL('./experiments/eager-registries.ts', import.meta.url)),
});
await bundle('FEEL not memoised', {
  ...workflowBundlerOptions,
  webpackConfigHook: (config) => {
    config.plugins = [
      ...(config.plugins ?? []),
      new webpack.NormalModuleReplacementPlugin(
        /engine[/\\]feel(\.ts)?$/,
        fileURLToPath(new URL('./experiments/feel-plain.ts', import.meta.url)),
      ),
    ];
    return config;
  },
});

async function time(code: string, history: typeof full, n: number): Promise<number[]> {
  const ms: number[] = [];
  // One replay worker per batch, as in production one worker hosts many workflows.
  async function* histories() {
    for (let i = 0; i < n; i++) yield { history, workflowId: `replay-${i}` };
  }
  let t = performance.now();
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { code }, replayName: 'bench', dataConverter },
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
