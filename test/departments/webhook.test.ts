import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DepartmentTestContext,
  newSecret,
  registrar,
  startDepartmentTest,
  supervisor,
  uniqueCode,
} from './helpers';
import { startReceiver } from './receiver';

let t: DepartmentTestContext;
beforeAll(async () => {
  t = await startDepartmentTest();
  await t.startWorker();
});
afterAll(async () => {
  await t?.close();
});

describe('the webhook connector against a real HTTP receiver', () => {
  it('retries a receiver that fails twice (500) and files the petition exactly once, every request signed (Art. 22)', async () => {
    const secret = newSecret();
    const receiver = await startReceiver(secret, (attempt) => (attempt <= 2 ? 500 : 200));
    try {
      const code = uniqueCode('H');
      await t.put(code, {
        name: '区住建局',
        supervisor: supervisor(code),
        connector: { kind: 'webhook', url: receiver.url, secret },
      });
      const p = await t.startPetition();
      const view = await t.act(p, 'forward', registrar, { department: code });

      expect(view.step).toBe('accept-notice');
      expect(receiver.requests).toHaveLength(3);
      expect(receiver.requests.every((r) => r.signatureOk)).toBe(true);
      expect(new Set(receiver.requests.map((r) => r.key)).size).toBe(1);
      expect(new Set(receiver.requests.map((r) => r.raw)).size).toBe(1);
      expect(receiver.accepted.size).toBe(1);
      const delivered = [...receiver.accepted.values()][0]!.body;
      expect(delivered).toMatchObject({
        petitionId: view.id,
        step: 'deliver-to-department',
        nextStep: 'accept-notice',
        department: code,
        confidential: false,
        petition: { subject: '小区供暖不达标', petitioner: { name: '李四' } },
        deadline: { article: expect.stringContaining('第二十三条') },
      });
      expect(Date.parse(delivered.deadline!.dueAt)).toBeGreaterThan(Date.now() + 14 * 86_400_000);
      const entry = view.timeline.find((e) => e.type === 'activity' && e.step === 'deliver-to-department');
      expect(entry?.message).toMatch(
        new RegExp(`^webhook: ok \\(${code} answered HTTP 200, reference REF-1\\)$`),
      );
    } finally {
      await receiver.close();
    }
  });

  it('does not retry a 400, records the failed delivery and raises it to the department’s supervisor', async () => {
    const secret = newSecret();
    const receiver = await startReceiver(secret, () => 400);
    try {
      const code = uniqueCode('R');
      await t.put(code, {
        name: '区城管局',
        supervisor: supervisor(code),
        connector: { kind: 'webhook', url: receiver.url, secret },
      });
      const p = await t.startPetition();
      const view = await t.act(p, 'forward', registrar, { department: code });

      // The petition does not fail: the body holds the step and works from its queue.
      expect(view.status).toBe('open');
      expect(view.step).toBe('accept-notice');
      await new Promise((r) => setTimeout(r, 2_500)); // longer than the first retry interval (2 s)
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.accepted.size).toBe(0);
      const entry = view.timeline.find((e) => e.type === 'activity' && e.step === 'deliver-to-department')!;
      expect(entry.message).toContain(
        `webhook: failed (webhook rejected: ${code} (${receiver.url}) answered HTTP 400`,
      );
      expect(entry.message).toContain('outbox: ok (raised to the supervisor');
      const escalation = t.outbox('supervisor').find((m) => m.petitionId === view.id)!;
      expect(escalation.to).toMatchObject({ department: code, email: supervisor(code).email });
      expect(escalation.subject).toBe(`交送失败：信访事项 ${view.id}`);
      expect(escalation.text).toContain('HTTP 400');
    } finally {
      await receiver.close();
    }
  });

  it('withholds the reporter’s identity from the receiving body (Art. 30)', async () => {
    const secret = newSecret();
    const receiver = await startReceiver(secret, () => 202);
    try {
      const code = uniqueCode('J');
      await t.put(code, {
        name: '区纪委监委',
        supervisor: supervisor(code),
        connector: { kind: 'webhook', url: receiver.url, secret },
      });
      const p = await t.startPetition({ category: 'report', concerns: 'some-other-body' });
      await t.act(p, 'forward', registrar, { department: code });
      const body = [...receiver.accepted.values()][0]!.body;
      expect(body.confidential).toBe(true);
      expect(body.petition.petitioner).toBeUndefined();
      expect(receiver.requests[0]!.raw).not.toContain('李四');
      expect(receiver.requests[0]!.raw).not.toContain('13800000000');
    } finally {
      await receiver.close();
    }
  });
});
