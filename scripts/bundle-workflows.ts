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
import { workflowBundlerOptions, workflowsPath } from '../config/workflow-bundle';
import { projectRoot } from './fetch-temporal';

/** Bundles the workflows into `file` (written whole, then renamed into place); resolves with its size in bytes. */
export async function writeWorkflowBundle(file: string): Promise<number> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    ...workflowBundlerOptions,
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
  const args = process.argv.slice(2);
  if (args.length > 1 || args[0]?.startsWith('-')) {
    process.stderr.write('usage: npm run worker:bundle [-- FILE]   (default dist/workflow-bundle.js)\n');
    process.exit(2);
  }
  const file = path.resolve(args[0] ?? path.join(projectRoot, 'dist', 'workflow-bundle.js'));
  const bytes = await writeWorkflowBundle(file);
  process.stdout.write(
    `wrote ${file} (${Math.round(bytes / 1024)} KB); start workers with WORKER_WORKFLOW_BUNDLE=${file}\n`,
  );
}
