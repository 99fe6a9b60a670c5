/**
 * `npm run chaos [-- --quick] [--only NAME,…] [--out DIR] [--keep] [--timeout-min N]`
 *
 * The reliability suite: starts the product as the embedded default runs it (Temporal dev server on SQLite with WAL
 * in a fresh data folder, worker, API; all on 127.0.0.1), then in turn SIGKILLs the worker, the API and the Temporal
 * server under load, and takes a backup under load and restores it into a second stack. After each fault it retries
 * what got no answer with the same Idempotency-Key and checks that every accepted registration and action exists
 * exactly once. Prints a table per scenario, writes JSON to bench/results/chaos-<timestamp>.json, and exits 1 if
 * any scenario found a problem. Bounded: every load has a fixed count, every wait a timeout, and the whole run
 * stops after --timeout-min (default 30). Everything it started is stopped at the end, on Ctrl-C and on failure.
 * docs/reliability.md says what it proves and what it does not.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeWorkflowBundle } from '../../scripts/bundle-workflows';
import { progress } from '../lib/progress';
import { formatScenario } from './report';
import {
  apiKill,
  backupRestore,
  createContext,
  serverKill,
  workerKill,
  type ChaosContext,
  type ScenarioResult,
} from './scenarios';
import { CHAOS_SETTINGS } from './settings';
import { Stack } from './stack';

const SCENARIOS = ['worker-kill', 'api-kill', 'server-kill', 'backup-restore'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

const usage = `usage: npm run chaos -- [--quick] [--only ${SCENARIOS.join(',')}] [--out DIR] [--keep] [--timeout-min N]`;

function parse() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'timeout-min': { type: 'string', default: '30' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const only = (values.only?.split(',').map((s) => s.trim()) ?? [...SCENARIOS]) as ScenarioName[];
  const unknown = only.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  const timeoutMin = Number(values['timeout-min']);
  if (unknown.length > 0 || !Number.isFinite(timeoutMin) || timeoutMin <= 0 || timeoutMin > 120) {
    process.stderr.write(
      `${unknown.length > 0 ? `unknown scenario(s): ${unknown.join(', ')}` : '--timeout-min must be 1-120'}\n${usage}\n`,
    );
    process.exit(2);
  }
  return { ...values, only, timeoutMin };
}

const args = parse();
const settings = args.quick ? CHAOS_SETTINGS.quick : CHAOS_SETTINGS.full;
const say = (line: string) => progress.say(`chaos ${line}`);
const outDir = args.out ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');
const workDir = path.join(os.tmpdir(), `petition-chaos-bundle-${process.pid}`);
let stack: Stack | undefined;
let ctx: ChaosContext | undefined;
let stopping: Promise<void> | undefined;
const stopAll = (): Promise<void> =>
  (stopping ??= (async () => {
    await stack?.stop();
    if (ctx) rmSync(ctx.workDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    say(`${signal}: stopping everything this run started`);
    void stopAll().finally(() => process.exit(130));
  });
}
const overall = setTimeout(() => {
  say(`the run exceeded --timeout-min ${args.timeoutMin}; stopping`);
  void stopAll().finally(() => process.exit(1));
}, args.timeoutMin * 60_000);
overall.unref();

const started = Date.now();
const results: ScenarioResult[] = [];
let failure: string | undefined;
try {
  say(
    'bundling the workflows once (workers restart from the bundle, as a deployment with `npm run worker:bundle`)',
  );
  const bundle = path.join(workDir, 'workflow-bundle.js');
  await writeWorkflowBundle(bundle);
  say('starting the stack: Temporal dev server (SQLite, WAL) in a fresh data folder, worker, API');
  stack = await Stack.start({ say, keep: args.keep, workflowBundle: bundle });
  ctx = createContext(stack, say, bundle);
  const runners: Record<ScenarioName, (c: ChaosContext) => Promise<ScenarioResult>> = {
    'worker-kill': (c) => workerKill(c, settings.worker),
    'api-kill': (c) => apiKill(c, settings.api),
    'server-kill': (c) => serverKill(c, settings.server),
    'backup-restore': (c) => backupRestore(c, settings.backup),
  };
  for (const name of SCENARIOS.filter((s) => args.only.includes(s))) {
    const result = await runners[name](ctx);
    results.push(result);
    process.stdout.write(`\n${formatScenario(result)}\n`);
  }
} catch (err) {
  failure = err instanceof Error ? (err.stack ?? err.message) : String(err);
  say(`run failed: ${failure}`);
  if (stack) for (const p of ['server', 'worker', 'api'] as const) say(`${p} log tail:\n${stack.logTail(p)}`);
} finally {
  await stopAll();
  clearTimeout(overall);
}

const report = {
  startedAt: new Date(started).toISOString(),
  elapsedS: Math.round((Date.now() - started) / 1000),
  mode: args.quick ? 'quick' : 'full',
  settings,
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage1m: os.loadavg()[0],
    node: process.version,
  },
  ok: failure === undefined && results.every((r) => r.ok),
  ...(failure !== undefined && { failure }),
  scenarios: results,
};
mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, `chaos-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(
  `\n${report.ok ? 'Every scenario held' : 'PROBLEMS FOUND'} (${report.elapsedS} s). JSON: ${path.relative(process.cwd(), file)}\n`,
);
process.exit(report.ok ? 0 : 1);
