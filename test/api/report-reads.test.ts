/**
 * Every read of a report (检举控告) is recorded (Art. 30), but never at the petition's expense: reads go to the
 * report's own read log (workflows/report-audit.ts), which tells the petition once per reader and day. 10,000 reads
 * leave the petition's history within a fixed bound, and the log holds every one of them.
 */
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityKeyer } from '../../api/services/identity-key';
import { createPetitionService, type PetitionService } from '../../api/services/petitions';
import { defaultCalendarData } from '../../definitions/calendar';
import type { Actor } from '../../workflows/engine';
import { petitionWorkflowId } from '../../workflows/messages';
import {
  recordReportReadsSignal,
  REPORT_AUDIT_WORKFLOW_TYPE,
  reportAuditQuery,
  reportAuditWorkflowId,
  type ReportRead,
  type reportAudit,
} from '../../workflows/report-audit';
import { eventually, petitionBody, startApiTest, uniqueDept, type ApiTestContext } from '../helpers/api';

const READS = Number(process.env.READS ?? 10_000);
const CONCURRENCY = 64;
/** What one reader-day may cost the petition: the signal and the workflow task it wakes (scheduled, started, completed). */
const EVENTS_PER_READER_DAY = 4;

let t: ApiTestContext;
let petitions: PetitionService;
const HOLDER = uniqueDept('RH');
const CONCERNED = uniqueDept('RC');

beforeAll(async () => {
  t = await startApiTest();
  petitions = createPetitionService({
    client: t.client,
    connection: t.connection,
    taskQueue: t.taskQueue,
    directory: { requireKnown: async () => undefined },
    identity: createIdentityKeyer('r'.repeat(43)),
    calendar: defaultCalendarData,
    rpcTimeoutMs: 15_000,
    now: () => new Date(),
  });
});
afterAll(async () => {
  await t?.close();
});

/**
 * The reads each run of the report's read log recorded (the runs its continue-as-new chain left, and the one running),
 * summed: each run answers from its own history.
 */
async function readsInEveryRun(client: Client, petitionId: string): Promise<{ runs: number; reads: number }> {
  const runs: string[] = [];
  for await (const run of client.workflow.list({
    query: `WorkflowId = '${reportAuditWorkflowId(petitionId)}'`,
  })) {
    runs.push(run.runId);
  }
  let reads = 0;
  for (const runId of runs) {
    reads += (
      await client.workflow.getHandle(reportAuditWorkflowId(petitionId), runId).query(reportAuditQuery)
    ).readsThisRun;
  }
  return { runs: runs.length, reads };
}

describe('reading a report (Art. 30)', () => {
  it(`records ${READS.toLocaleString('en')} reads in the read log while the petition's history grows by at most ${EVENTS_PER_READER_DAY} events per reader and day`, async () => {
    const res = await t.call(t.token('registrar'), {
      method: 'POST',
      url: '/v1/petitions',
      payload: petitionBody({ category: 'report', department: HOLDER, concerns: CONCERNED }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    const petition = t.client.workflow.getHandle(petitionWorkflowId(id));
    await petition.query('petitionState');
    const before = (await petition.describe()).historyLength;

    // Three staff readers through the service layer, as the route calls it, many at a time ...
    const readers: Actor[] = [
      { role: 'registrar', id: 'reg-1' },
      { role: 'supervisor', id: 'sup-1' },
      { role: 'department', id: 'dept-1', department: HOLDER },
    ];
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < READS; i = next++) await petitions.recordReportRead(id, readers[i % 3]!);
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    // ... and a fourth through the API itself, a few times.
    for (let i = 0; i < 5; i++) {
      const read = await t.call(t.token('supervisor', undefined, 'sup-http'), {
        method: 'GET',
        url: `/v1/petitions/${id}`,
      });
      expect(read.statusCode).toBe(200);
    }

    const audit = t.client.workflow.getHandle(reportAuditWorkflowId(id));
    const summary = await eventually(
      () => audit.query(reportAuditQuery),
      (s) => s.reads === READS + 5,
      'the read log to hold every read',
      60_000,
    );
    const days = Object.keys(summary.told).length;
    expect(days).toBeGreaterThanOrEqual(1);
    const readerDays = Object.values(summary.told).reduce((n, keys) => n + keys.length, 0);
    expect(readerDays).toBe(4 * days);

    // The petition heard of each reader once (a day), and its history stayed within the bound.
    const view = await eventually(
      () => petition.query('petitionState') as Promise<{ timeline: Array<{ type: string; actor?: Actor }> }>,
      (v) => v.timeline.filter((e) => e.type === 'report-read').length === readerDays,
      'one timeline entry per reader and day',
    );
    const entries = view.timeline.filter((e) => e.type === 'report-read').map((e) => e.actor?.id);
    expect(new Set(entries)).toEqual(new Set(['reg-1', 'sup-1', 'dept-1', 'sup-http']));
    const after = (await petition.describe()).historyLength;
    expect(after - before).toBeLessThanOrEqual(EVENTS_PER_READER_DAY * readerDays);

    // Every read is in the log, whichever run of its continue-as-new chain recorded it.
    const logged = await eventually(
      () => readsInEveryRun(t.client, id),
      (n) => n.reads === READS + 5,
      'every run of the read log to be listed',
      30_000,
    );
    expect(logged.reads).toBe(READS + 5);
    console.log(
      `[report-reads] ${READS} reads in ${seconds.toFixed(1)} s; petition history ${before} → ${after} events; read log: ${logged.reads} reads in ${logged.runs} run(s)`,
    );
  }, 240_000);

  it('rolls the read log over to new runs (continue-as-new) without losing a read or the readers told today', async () => {
    const id = `XFAUDIT${uniqueDept('').toUpperCase()}`;
    const read = (i: number): ReportRead => ({
      actor: { role: 'supervisor', id: `s-${i % 2}` },
      at: new Date().toISOString(),
    });
    for (let i = 0; i < 120; i++) {
      await t.client.workflow.signalWithStart<typeof reportAudit, [ReportRead[]]>(
        REPORT_AUDIT_WORKFLOW_TYPE,
        {
          workflowId: reportAuditWorkflowId(id),
          taskQueue: t.taskQueue,
          args: [{ petitionId: id, rollOverEvents: 40 }],
          signal: recordReportReadsSignal,
          signalArgs: [[read(i)]],
        },
      );
    }
    const summary = await eventually(
      () => t.client.workflow.getHandle(reportAuditWorkflowId(id)).query(reportAuditQuery),
      (s) => s.reads === 120,
      'the latest run to count every read',
    );
    // Both readers were told to the (absent) petition once, across runs.
    expect(Object.values(summary.told).flat().sort()).toEqual(['supervisor|s-0|', 'supervisor|s-1|']);
    const every = await eventually(
      () => readsInEveryRun(t.client, id),
      (n) => n.reads === 120,
      'every run to be listed',
    );
    expect(every.runs).toBeGreaterThan(1);
  });

  it('records nothing for a petition that is not a report, and never reaches a report’s timeline from a refused read', async () => {
    const res = await t.call(t.token('registrar'), {
      method: 'POST',
      url: '/v1/petitions',
      payload: petitionBody({ category: 'report', department: HOLDER, concerns: CONCERNED }),
    });
    const id = res.json().id as string;
    // Staff of the body the report concerns get 404 and leave no trace.
    const refused = await t.call(t.token('department', CONCERNED), {
      method: 'GET',
      url: `/v1/petitions/${id}`,
    });
    expect(refused.statusCode).toBe(404);
    const complaint = await t.call(t.token('registrar'), {
      method: 'POST',
      url: '/v1/petitions',
      payload: petitionBody({ department: HOLDER }),
    });
    const other = complaint.json().id as string;
    expect(
      (await t.call(t.token('supervisor'), { method: 'GET', url: `/v1/petitions/${other}` })).statusCode,
    ).toBe(200);
    for (const petitionId of [id, other]) {
      await expect(t.client.workflow.getHandle(reportAuditWorkflowId(petitionId)).describe()).rejects.toThrow(
        /not found/i,
      );
    }
  });
});
