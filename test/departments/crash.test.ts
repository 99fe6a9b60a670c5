import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { forkReady, stopChild } from './child';
import {
  type DepartmentTestContext,
  eventually,
  newSecret,
  registrar,
  startDepartmentTest,
  supervisor,
  uniqueCode,
} from './helpers';
import { startReceiver } from './receiver';

let t: DepartmentTestContext;
let child: ChildProcess | undefined;
beforeAll(async () => {
  t = await startDepartmentTest();
  // Workflows here; the delivery activity runs in a worker process of its own, which the test kills.
  await t.startWorker({ activities: false });
});
afterAll(async () => {
  await stopChild(child, 'SIGKILL');
  await t?.close();
});

describe('a delivery interrupted by a worker crash', () => {
  it(
    'is retried by another worker and reaches the department exactly once (Idempotency-Key)',
    { timeout: 55_000 },
    async () => {
      const secret = newSecret();
      // The first request is held open (the receiver is "slow"); by then the activity worker is killed.
      const receiver = await startReceiver(secret, (attempt) => (attempt === 1 ? 'hold' : 200));
      try {
        const code = uniqueCode('K');
        await t.put(code, {
          name: '区供热办',
          supervisor: supervisor(code),
          connector: { kind: 'webhook', url: receiver.url, secret },
        });
        ({ child } = await forkReady(
          './fixtures/activity-worker.ts',
          [
            JSON.stringify({
              address: inject('devServerAddress'),
              taskQueue: t.taskQueue,
              registryId: t.registryId,
              dataDir: t.dataDir,
            }),
          ],
          {},
        ));

        const p = await t.startPetition();
        const forwarded = t.act(p, 'forward', registrar, { department: code });
        await eventually(
          async () => receiver.requests.length,
          (n) => n === 1,
          'the first delivery attempt',
        );

        await stopChild(child, 'SIGKILL');
        await t.startWorker({ workflows: false });

        // The heartbeat timeout (10 s) tells the server the attempt is lost; the retry goes to the new worker.
        const view = await forwarded;
        expect(view.step).toBe('accept-notice');
        expect(receiver.requests.length).toBe(2);
        expect(receiver.requests.every((r) => r.signatureOk && r.key === receiver.requests[0]!.key)).toBe(
          true,
        );
        expect(receiver.accepted.size).toBe(1);
        expect(
          view.timeline.find((e) => e.type === 'activity' && e.step === 'deliver-to-department')?.message,
        ).toContain(`webhook: ok (${code} answered HTTP 200`);
      } finally {
        await receiver.close();
      }
    },
  );
});
