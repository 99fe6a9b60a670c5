/**
 * `npm run worker:bundle [-- FILE]`: bundles the workflows once (default `dist/workflow-bundle.js`), for workers
 * started with `WORKER_WORKFLOW_BUNDLE=FILE`: they then start in about a second instead of bundling for 10–20 s,
 * which is what a restarted worker costs in availability. Rebuild it with every deployment of the code: a bundle
 * from another checkout runs other workflow code than the worker's activities expect.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { tracingWorkflowModules, workflowBundleCodeOptions } from '../config/workflow-bundle';
import { projectRoot } from './fetch-temporal';

/**
 * Bundles the workflows into `file` (written whole, then renamed into place); resolves with its size in bytes. With
 * `tracing`, the OpenTelemetry workflow interceptors go in too, for workers with OTEL_EXPORTER_OTLP_ENDPOINT set.
 */
export async function writeWorkflowBundle(file: string, opts: { tracing?: boolean } = {}): Promise<number> {
  const { code } = await bundleWorkflowCode({
    // The same options as the tests' bundle, the failure converter (encrypted failure messages) included.
    ...workflowBundleCodeOptions,
    ...(opts.tracing && { workflowInterceptorModules: tracingWorkflowModules }),
    logger: {
      log() {},
      trace() {},
      debug() {},
      info() {},
      warn() {},
      error: (m: string) => process.stderr.write(`${m}\n`),
    },
  });
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, code);
  renameSync(partial, file);
  return Buffer.byteLength(code);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const all = process.argv.slice(2);
  const tracing = all.includes('--tracing');
  const args = all.filter((a) => a !== '--tracing');
  if (args.length > 1 || args[0]?.startsWith('-')) {
    process.stderr.write(
      'usage: npm run worker:bundle [-- [--tracing] FILE]   (default dist/workflow-bundle.js; --tracing: for workers that trace)\n',
    );
    process.exit(2);
  }
  const file = path.resolve(args[0] ?? path.join(projectRoot, 'dist', 'workflow-bundle.js'));
  const bytes = await writeWorkflowBundle(file, { tracing });
  process.stdout.write(
    `wrote ${file} (${Math.round(bytes / 1024)} KB); start workers with WORKER_WORKFLOW_BUNDLE=${file}\n`,
  );
}
