/**
 * `npm run bench [-- --quick] [--open N] [--levels 1,8,32] [--seconds S] [--out DIR] [--keep] [--cpu-prof]
 *                 [--address HOST:PORT [--namespace NS]]`
 *
 * Starts its own Temporal dev server (a fresh SQLite file, the embedded default's flags) — or, with `--address`,
 * uses an existing Temporal (a cluster) — the product's worker and API as child processes and a baseline worker,
 * then measures in one run: the baseline (start → Update → complete through the client), our path (registrations
 * and actions through HTTP), their ratios and CPU per operation, the supervision queries over many open petitions,
 * and the cost of a petition (history, worker memory). Prints a table and writes JSON to
 * bench/results/<timestamp>.json. Everything it starts binds 127.0.0.1 and is stopped at the end, on Ctrl-C and on
 * failure. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pendingStops, startBenchEnvironment, type BenchEnvironment } from './lib/environment';
import { progress } from './lib/progress';
import { createContext, type Settings } from './lib/context';
import { measureLifecycle, measureMemory } from './phases/cost';
import { measureSupervision } from './phases/supervision';
import { measureApi, measureBaseline, warmUp } from './phases/throughput';
import { cpuPerOperation, evaluateTargets, formatReport, type Results } from './report';
import { ensureBenchDepartments } from './lib/petitions';

type Report = Record<string, unknown>;

const usage = `usage: npm run bench -- [--quick] [--open N] [--levels 1,8,32] [--seconds S] [--samples N]
                        [--mem-petitions N] [--seed-concurrency N] [--idempotency-keys] [--seed-with-worker]
                        [--out DIR] [--keep] [--cpu-prof] [--log-level info]
                        [--address HOST:PORT [--namespace NS]]`;

function parse(): {
  settings: Settings;
  out: string;
  keep: boolean;
  cpuProf: boolean;
  existing?: { address: string; namespace: string };
} {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      open: { type: 'string' },
      levels: { type: 'string' },
      seconds: { type: 'string' },
      samples: { type: 'string' },
      'mem-petitions': { type: 'string' },
      'seed-concurrency': { type: 'string' },
      'idempotency-keys': { type: 'boolean', default: false },
      'seed-with-worker': { type: 'boolean', default: false },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      address: { type: 'string' },
      namespace: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, fallback: number, min = 1, max = 10_000_000): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      process.stderr.write(
        `--${name} must be an integer ${min}-${max} (got ${JSON.stringify(v)})\n${usage}\n`,
      );
      process.exit(2);
    }
    return n;
  };
  const quick = values.quick;
  const levels = values.levels
    ? values.levels.split(',').map((x) => int('levels', x.trim(), 1, 1, 256))
    : quick
      ? [1, 8]
      : [1, 8, 32];
  const open = int('open', values.open, quick ? 200 : 10_000, 0, 1_000_000);
  const settings: Settings = {
    mode: quick ? 'quick' : 'full',
    levels,
    phaseSeconds: int('seconds', values.seconds, quick ? 2 : 15, 1, 600),
    warmupSeconds: quick ? 1 : 3,
    maxOpsPerPhase: 20_000,
    open,
    seedConcurrency: int('seed-concurrency', values['seed-concurrency'], quick ? 32 : 64, 1, 512),
    overdueFraction: 0.2,
    // Seeding waits for the worker; bounded so a slow machine still finishes (what was processed is reported).
    seedTimeoutSeconds: quick ? 90 : Math.max(900, Math.ceil(open / 4)),
    querySamples: int('samples', values.samples, quick ? 10 : 40, 1, 10_000),
    memPetitions: int('mem-petitions', values['mem-petitions'], quick ? 24 : 1000, 8, 100_000),
    idempotencyKeys: values['idempotency-keys'],
    seedWithWorker: values['seed-with-worker'],
    logLevel: values['log-level'] ?? 'info',
  };
  const here = path.dirname(fileURLToPath(import.meta.url));
  if (values.namespace !== undefined && values.address === undefined) {
    process.stderr.write(
      `--namespace goes with --address (the bench's own dev server uses "default")\n${usage}\n`,
    );
    process.exit(2);
  }
  if (values.address !== undefined && !/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(values.address)) {
    process.stderr.write(`--address must be HOST:PORT (got ${JSON.stringify(values.address)})\n${usage}\n`);
    process.exit(2);
  }
  if (values.namespace !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(values.namespace)) {
    process.stderr.write(
      `--namespace must be a namespace name (got ${JSON.stringify(values.namespace)})\n${usage}\n`,
    );
    process.exit(2);
  }
  return {
    settings,
    out: path.resolve(values.out ?? path.join(here, 'results')),
    keep: values.keep,
    cpuProf: values['cpu-prof'],
    ...(values.address !== undefined && {
      existing: { address: values.address, namespace: values.namespace ?? 'default' },
    }),
  };
}

/** The code measured: the commit, and whether the working tree differed from it ("+dirty"). */
function codeVersion(): string {
  const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown';
  const dirty = git('status', '--porcelain', '--untracked-files=no').stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '+dirty' : ''}`;
}

const { settings, out, keep, cpuProf, existing } = parse();
const commit = codeVersion();
const startedAt = new Date();
const loadAverageAtStart = os.loadavg();
let env: BenchEnvironment | undefined;
let exiting = false;

async function stopAll(): Promise<void> {
  await Promise.all([...pendingStops].map((stop) => stop().catch(() => undefined)));
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (exiting) process.exit(130);
    exiting = true;
    progress.say(`${signal}: stopping everything the bench started`);
    void stopAll().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const cpuProfileDir = cpuProf
    ? path.join(out, `profiles-${startedAt.toISOString().replace(/[:.]/g, '-')}`)
    : undefined;
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
  progress.say(
    `mode ${settings.mode}: levels ${settings.levels.join(', ')}, ${settings.phaseSeconds} s per phase, ${settings.open} open petitions` +
      (existing
        ? `; against the existing Temporal at ${existing.address}, namespace ${existing.namespace}`
        : ''),
  );
  const t0 = performance.now();
  env = await startBenchEnvironment({
    logLevel: settings.logLevel,
    keep,
    ...(cpuProfileDir && { cpuProfileDir }),
    ...(existing && { existing }),
  });
  const setupSeconds = (performance.now() - t0) / 1000;
  progress.say(`ready after ${setupSeconds.toFixed(1)} s: Temporal ${env.address}, API ${env.apiUrl}`);
  const ctx = createContext(env, settings);
  // The departments the phases use: seeded in the embedded default's registry, registered here when missing.
  if (existing) await ensureBenchDepartments(ctx);
  const e = env;
  const file = path.join(out, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  /** Wall time, the machine's 1-minute load average and each process's peak RSS per section (shared, noisy machines). */
  const sections: Record<
    string,
    { seconds: number; loadAverage1m: number; peakRssMiB?: Record<string, number> }
  > = {
    setup: { seconds: Number(setupSeconds.toFixed(1)), loadAverage1m: os.loadavg()[0]! },
  };
  const results: Partial<Results> = {};
  e.rssPeaks();

  /** The report as far as it got: written after every section, so a run stopped half-way still leaves its figures. */
  const write = (complete: boolean): Report => {
    const finishedAt = new Date();
    const report: Report = {
      kind: 'petition-engine-bench',
      schemaVersion: 1,
      complete,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryBytes: os.totalmem(),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadAverageAtStart,
        loadAverageAtEnd: os.loadavg(),
      },
      sections,
      versions: { commit, temporalCli: e.versions.temporal, temporalSdk: e.versions.sdk },
      deployment: {
        kind: e.deployment,
        address: e.deployment === 'existing' ? e.address : 'the bench’s own dev server on 127.0.0.1',
        namespace: e.namespace,
        taskQueues: { product: e.taskQueue, baseline: e.baselineTaskQueue },
      },
      settings: {
        ...settings,
        setupSeconds: Number(setupSeconds.toFixed(1)),
        devServerArgs: e.devServerArgs.map((a) => (a.startsWith('/') ? path.basename(a) : a)),
        processes:
          e.deployment === 'existing'
            ? 'an existing Temporal (its CPU not measured), worker.ts (child process), baseline worker (child process), api/server.ts (child process), memory-probe worker.ts (child process), load generator (this process): each measured on its own'
            : 'Temporal dev server, worker.ts (child process), baseline worker (child process), api/server.ts (child process), memory-probe worker.ts (child process), load generator (this process): each measured on its own',
        apiRateLimitMax: 1_000_000_000,
        departments:
          e.deployment === 'existing'
            ? "config/departments.seed.json's departments in the namespace's registry (those missing registered by the bench)"
            : 'config/departments.seed.json (manual connectors)',
      },
      results,
      ...(complete && { targets: evaluateTargets(results as Results) }),
    };
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    return report;
  };
  const section = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const result = await fn();
    const peakRssMiB = Object.fromEntries(
      Object.entries(e.rssPeaks()).map(([k, v]) => [k, Math.round(v / 2 ** 20)]),
    );
    sections[name] = {
      seconds: Number(((performance.now() - t) / 1000).toFixed(1)),
      loadAverage1m: os.loadavg()[0]!,
      peakRssMiB,
    };
    return result;
  };

  try {
    progress.say('5a. cost: one whole statutory lifecycle through HTTP');
    const lifecycle = await section('lifecycle', () => measureLifecycle(ctx));
    progress.say(`    ${lifecycle.events} history events, ${lifecycle.bytes} bytes`);
    results.cost = { lifecycle } as Results['cost'];
    write(false);

    progress.say(
      '5b. cost: worker memory per cached open petition (a second worker.ts on its own task queue)',
    );
    results.cost.memory = await section('memory', () => measureMemory(ctx));
    write(false);

    progress.say('1-3. baseline and our path at each concurrency level (warm-up first)');
    await section('warm-up', () => warmUp(ctx));
    results.baseline = [];
    results.api = [];
    results.ratios = [];
    for (const c of settings.levels) {
      const b = await section(`baseline c=${c}`, () => measureBaseline(ctx, c));
      results.baseline.push(b);
      const a = await section(`api c=${c}`, () => measureApi(ctx, c));
      results.api.push(a);
      results.ratios.push({
        concurrency: c,
        starts: Number((a.registrations.perSecond / b.starts.perSecond).toFixed(3)),
        updates: Number((a.actions.perSecond / b.updates.perSecond).toFixed(3)),
        cpuMs: cpuPerOperation(b, a),
      });
      write(false);
    }

    progress.say(`4. supervision at scale: seeding ${settings.open} open petitions`);
    results.supervision = await section('supervision', () => measureSupervision(ctx));

    const totalWorkflows = (await e.client.workflow.count('')).count;
    const dbBytes = e.dbBytes();
    results.cost.disk =
      dbBytes === undefined
        ? null
        : {
            sqliteBytes: dbBytes,
            workflows: totalWorkflows,
            bytesPerWorkflow: Math.round(dbBytes / Math.max(1, totalWorkflows)),
          };
    const report = write(true);
    process.stdout.write(
      `\n${formatReport(report as Parameters<typeof formatReport>[0])}\n\nJSON: ${file}\n`,
    );
  } finally {
    ctx.http.close();
    progress.say('stopping API, workers and Temporal');
    await e.stop();
  }
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    process.stderr.write(
      `\n[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    await stopAll();
    process.exit(1);
  },
);
