/**
 * `node --import tsx bench/replay-cost.ts [--runs 30]`: workflow-thread cost of a petition, without a server, by
 * replaying a recorded history (test/fixtures/histories/full-lifecycle.json) with Worker.runReplayHistories:
 * - `first task`: the history cut after the first workflow task — creating a petition instance (evaluating its
 *   bundle's modules) and registering it;
 * - `full lifecycle`: the whole statutory lifecycle.
 * Against two bundles: `product` (workflows/index.ts with config/workflow-bundle.ts's preloaded modules, as worker.ts
 * runs it) and `no preloaded modules`, so that a change to workflow code, or to the preload list, is priced before
 * any server runs it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Runtime, Worker, type BundleOptions } from '@temporalio/worker';
import { workflowBundlerOptions, workflowsPath } from '../config/workflow-bundle';
import { dataConverterForKeyring, failureConverterPath } from '../config/data-converter';
import { ephemeralKeyring } from '../config/payload-keys';
import { summarize } from './lib/stats';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Math.max(1, Math.min(500, Number(values.runs)));

/** Errors only: replaying thousands of workflows would otherwise log every one. */
const quiet = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error: (m: string) => console.error(m),
};
Runtime.install({
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  logger: quiet,
});

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
