import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { Resource } from '@opentelemetry/resources';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  bundleHasTracing,
  tracingWorkflowModules,
  workflowBundleCodeOptions,
} from '../../config/workflow-bundle';
import { testDataConverter } from '../helpers/temporal';

const dir = path.resolve('test/fixtures/histories');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

/**
 * Every recorded statutory path replays against the current workflow code. A change that alters the commands a
 * recorded history expects fails here (non-determinism) and must go behind `patched()` (design settled point 1).
 * Re-record with `npm run record-histories` only for deliberate, versioned changes.
 */
describe('replay of recorded petition histories', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(11);
  });

  it.each(fixtures)('replays %s without non-determinism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    // With the product's data converter: payloads recorded before the codec existed pass through its decode unchanged.
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testDataConverter() },
      history,
      file,
    );
  });
});

/**
 * A worker that traces bundles the OpenTelemetry workflow interceptors into the workflow code (config/tracing.ts).
 * Petitions started while tracing was off must still replay when it is switched on.
 */
describe('replay of recorded petition histories with the tracing interceptors bundled in', () => {
  let code: string;
  const spans = new InMemorySpanExporter();
  beforeAll(async () => {
    ({ code } = await bundleWorkflowCode({
      ...workflowBundleCodeOptions,
      workflowInterceptorModules: tracingWorkflowModules,
      logger: {
        log() {},
        trace() {},
        debug() {},
        info() {},
        warn() {},
        error: (m: string) => console.error(m),
      },
    }));
  }, 120_000);

  it('tells a bundle with the tracing interceptors from one without (a prebuilt bundle must match its worker)', () => {
    expect(bundleHasTracing(code)).toBe(true);
    expect(bundleHasTracing(readFileSync(inject('workflowBundlePath'), 'utf8'))).toBe(false);
  });

  it.each(fixtures)(
    'replays %s without non-determinism and exports no span while replaying',
    async (file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      await Worker.runReplayHistory(
        {
          workflowBundle: { code },
          dataConverter: testDataConverter(),
          sinks: {
            exporter: makeWorkflowExporter(
              new SimpleSpanProcessor(spans),
              new Resource({ 'service.name': 'replay' }),
            ),
          },
        },
        history,
        file,
      );
      expect(spans.getFinishedSpans()).toEqual([]);
    },
  );
});
