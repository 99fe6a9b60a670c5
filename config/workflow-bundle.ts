/**
 * How the workflow bundle is built, in one place for the worker, the test setup (which bundles once for every test
 * worker and the replay tests) and the benchmarks.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { failureConverterPath } from './data-converter';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The workflows a worker registers (petition, ping and the two registries). */
export const workflowsPath = here('../workflows/index.ts');

/**
 * Modules evaluated once per worker V8 context and shared by every workflow in it, instead of once per workflow
 * instance: FEEL, the pure interpreter, document rendering and the shipped definitions. They hold no per-workflow
 * state, which is the SDK's condition for preloading (it deep-freezes their exports): the interpreter's WeakMap index
 * cache is keyed by definition object, and FEEL's memo holds only results of pure evaluations (workflows/engine/feel.ts).
 * Nothing that imports `@temporalio/workflow` may be listed: its module state is per workflow. Measured with
 * `node --import tsx bench/replay-cost.ts`: a petition's first workflow task 60-88 → 11-17 ms, and a worker's memory
 * per cached petition 2.2 MiB → ~0.2 MiB (`npm run bench`).
 */
export const preloadModules: string[] = [
  'feelin',
  ...[
    'types',
    'context',
    'feel',
    'definition-index',
    'validate-action',
    'interpreter',
    'view',
    'registration',
    'identity',
    'authorize',
    'answer',
    'migration',
  ].map((m) => here(`../workflows/engine/${m}.ts`)),
  here('../workflows/department-routing.ts'),
  here('../workflows/failure-types.ts'),
  here('../workflows/access-policy.ts'),
  // What definitions written before the statute's declarations meant (cached per definition object).
  here('../definitions/language/upgrade.ts'),
  // Content hashes (a definition migration checks the version it is sent against its hash).
  here('../definitions/language/sha256.ts'),
  here('../definitions/language/hash.ts'),
  // Document rendering (pure string templates).
  here('../definitions/language/templates.ts'),
  here('../workflows/documents.ts'),
  // The shipped definitions (petitions pass them by reference): one frozen copy, and one lookup index, per context.
  here('../definitions/statutory/built-in.ts'),
];

/** What `bundleWorkflowCode` and `Worker.create({ bundlerOptions })` are given. */
export const workflowBundlerOptions = { preloadModules };

/**
 * What `bundleWorkflowCode` is given for a prebuilt bundle: the workflows, the options above, and the failure
 * converter that encrypts failure messages raised in the sandbox (a Worker built from `workflowsPath` takes it from its
 * `dataConverter` instead).
 */
export const workflowBundleCodeOptions = { workflowsPath, ...workflowBundlerOptions, failureConverterPath };

/**
 * The OpenTelemetry workflow interceptors (spans for running a workflow, validating and handling an Update, scheduling
 * an activity), bundled only into the workflow code of a worker that traces (config/tracing.ts): without the span
 * sink they would have nowhere to export to. A prebuilt bundle gets them with `workflowInterceptorModules`.
 */
export const tracingWorkflowModules: string[] = [
  createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

/**
 * Whether a bundle's code has the tracing interceptors in it: a prebuilt bundle (`WORKER_WORKFLOW_BUNDLE`) serves a
 * worker only if it was built for that worker's tracing setting (`npm run worker:bundle -- --tracing`).
 */
export function bundleHasTracing(code: string): boolean {
  return code.includes('interceptors-opentelemetry/lib/workflow-interceptors');
}
