import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createExampleDepartmentActivities } from '../../activities/connectors/example-department';
import type { DepartmentDelivery } from '../../workflows/department-activities';
import { forkReady, stopChild } from './child';
import {
  type DepartmentTestContext,
  registrar,
  startDepartmentTest,
  supervisor,
  uniqueCode,
} from './helpers';

let t: DepartmentTestContext;
let child: ChildProcess | undefined;
beforeAll(async () => {
  t = await startDepartmentTest();
  await t.startWorker();
});
afterAll(async () => {
  await stopChild(child);
  await t?.close();
});

describe('the worker connector: a department’s own Temporal worker on dept.<code>', () => {
  it(
    'hands a forwarded petition to the department worker process (npm run dept-worker), which files it once',
    { timeout: 55_000 },
    async () => {
      const code = uniqueCode('W');
      const inbox = mkdtempSync(path.join(tmpdir(), 'dept-inbox-'));
      await t.put(code, {
        name: '区供热管理办公室',
        supervisor: supervisor(code),
        connector: { kind: 'worker' },
      });
      expect((await t.departments.get(code))?.connector).toEqual({
        kind: 'worker',
        taskQueue: `dept.${code}`,
      });
      ({ child } = await forkReady('../../scripts/dept-worker.ts', ['--dept', code, '--inbox', inbox], {
        TEMPORAL_ADDRESS: inject('devServerAddress'),
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'warn',
        DATA_DIR: inbox,
      }));

      const p = await t.startPetition();
      const view = await t.act(p, 'forward', registrar, { department: code });

      expect(view.step).toBe('accept-notice');
      const files = readdirSync(inbox);
      expect(files).toHaveLength(1);
      const filed = JSON.parse(readFileSync(path.join(inbox, files[0]!), 'utf8')) as {
        reference: string;
        delivery: DepartmentDelivery;
      };
      expect(filed.delivery).toMatchObject({
        petitionId: view.id,
        department: code,
        nextStep: 'accept-notice',
        petition: { petitioner: { name: '李四' } },
        deadline: { article: expect.stringContaining('第二十三条') },
      });
      const entry = view.timeline.find((e) => e.type === 'activity' && e.step === 'deliver-to-department');
      expect(entry?.message).toBe(
        `worker: ok (accepted by ${code} on dept.${code}, reference ${filed.reference})`,
      );
    },
  );

  it('the example department answers a repeated delivery as the first, and files it once', async () => {
    const inbox = mkdtempSync(path.join(tmpdir(), 'dept-inbox-'));
    const received: string[] = [];
    const dept = createExampleDepartmentActivities({
      code: 'X1',
      inboxDir: inbox,
      onReceive: (d) => void received.push(d.petitionId),
    });
    const delivery: DepartmentDelivery = {
      petitionId: 'P1',
      step: 'deliver-to-department',
      department: 'X1',
      petition: {
        category: 'complaint',
        channel: 'letter',
        subject: 's',
        content: 'c',
        receivedAt: '2026-03-01T00:00:00Z',
      },
      confidential: false,
      idempotencyKey: 'P1:deliver-to-department:7',
    };
    const first = await dept.receivePetition(delivery);
    const again = await dept.receivePetition(delivery);
    expect(again).toEqual(first);
    expect(received).toEqual(['P1']);
    expect(readdirSync(inbox)).toHaveLength(1);
  });
});
