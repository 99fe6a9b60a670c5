import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
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
