import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../workflows/engine/types';
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

const petitioner: Actor = { role: 'petitioner' };
const staff = (department: string): Actor => ({ role: 'department', id: `staff-${department}`, department });
const superiorOf = (department: string): Actor => ({ role: 'superior', id: `sup-${department}`, department });

describe('routing by the department registry (Art. 23 ¶3, 35, 36)', () => {
  it('sends the review request to the handler’s superior and the re-review request to the reviewer’s superior, and records who holds each', async () => {
    const [top, mid, handler] = [uniqueCode('T'), uniqueCode('S'), uniqueCode('H')];
    const secret = newSecret();
    const receiver = await startReceiver(secret, () => 200);
    try {
      await t.put(top, { name: '市人民政府', supervisor: supervisor(top), connector: { kind: 'manual' } });
      await t.put(mid, {
        name: '区人民政府',
        superior: top,
        supervisor: supervisor(mid),
        connector: { kind: 'webhook', url: receiver.url, secret },
      });
      await t.put(handler, {
        name: '区住建局',
        superior: mid,
        supervisor: supervisor(handler),
        connector: { kind: 'manual' },
      });
      const p = await t.startPetition({ department: handler });
      await t.act(p, 'accept', staff(handler));
      await t.act(p, 'opinion', staff(handler), {
        outcome: 'reject',
        text: '经调查，供暖温度符合标准。',
        legalBasis: '某条例第十条',
      });
      await t.act(p, 'reply', staff(handler));

      let view = await t.act(p, 'request-review', petitioner, { reason: '温度测量方法有误' });
      expect(view.step).toBe('review');
      expect(view.variables['reviewBody']).toBe(mid);
      expect(receiver.accepted.size).toBe(1);
      expect([...receiver.accepted.values()][0]!.body).toMatchObject({
        step: 'deliver-to-reviewer',
        nextStep: 'review',
        department: mid,
        deadline: { name: '复查期限', article: '《信访工作条例》第三十五条' },
      });

      await t.act(p, 'review-opinion', superiorOf(mid), { outcome: 'reject', text: '维持。' });
      await t.act(p, 'serve-review-opinion', superiorOf(mid));
      view = await t.act(p, 'request-re-review', petitioner, { reason: '仍不服' });
      expect(view.step).toBe('re-review');
      expect(view.variables['reReviewBody']).toBe(top);
      expect(
        view.timeline.find((e) => e.step === 'deliver-to-re-reviewer' && e.type === 'activity')?.message,
      ).toBe(`manual: ok (queued for ${top})`);
    } finally {
      await receiver.close();
    }
  });

  it('raises a review it cannot route (no superior registered) to the supervisor, and the petition goes on', async () => {
    const lonely = uniqueCode('L');
    await t.put(lonely, { name: '某局', supervisor: supervisor(lonely), connector: { kind: 'manual' } });
    const p = await t.startPetition({ department: lonely });
    await t.act(p, 'accept', staff(lonely));
    await t.act(p, 'opinion', staff(lonely), {
      outcome: 'reject',
      text: '不予支持。',
      legalBasis: '某条例第十条',
    });
    await t.act(p, 'reply', staff(lonely));
    const view = await t.act(p, 'request-review', petitioner, { reason: '不服' });
    expect(view.step).toBe('review');
    expect(view.variables['reviewBody']).toBeNull();
    const entry = view.timeline.find((e) => e.step === 'deliver-to-reviewer' && e.type === 'activity')!;
    expect(entry.message).toContain(`routing: failed (no superior body is registered for ${lonely}`);
    expect(t.outbox('supervisor').find((m) => m.petitionId === view.id)?.to).toMatchObject({
      email: supervisor(lonely).email,
    });
  });

  it('hands an objected petition back to the bureau once the bureau agrees, which holds `forward` again (Art. 23 ¶3)', async () => {
    const code = uniqueCode('O');
    await t.put(code, { name: '区水务局', supervisor: supervisor(code), connector: { kind: 'manual' } });
    const p = await t.startPetition();
    await t.act(p, 'forward', registrar, { department: code });
    const objected = await t.act(p, 'object', staff(code), { reason: '不属于本机关职权范围' });
    expect(objected.step).toBe('verify-objection');
    const view = await t.act(p, 'agree-objection', registrar);
    expect(view.step).toBe('forward');
    expect(view.department).toBeNull();
    expect(view.timeline.find((e) => e.step === 'hand-back' && e.type === 'activity')?.message).toBe(
      'manual: ok (returned to the petition bureau (《信访工作条例》第二十三条第三款))',
    );
  });
});
