import { describe, expect, it } from 'vitest';
import { loadDepartmentSeed } from '../../activities/connectors/directory';
import { signWebhook, verifyWebhookSignature } from '../../activities/connectors/webhook-signature';
import { loadConfig } from '../../config';
import { loadStatutoryDefinition } from '../../definitions/statutory';
import { deliveryRoute } from '../../workflows/department-routing';
import { decidePut, type DepartmentRecord, departmentView } from '../../workflows/department-registry';
import { indexDefinition } from '../../workflows/engine/definition-index';
import type { PetitionFacts } from '../../workflows/engine/types';

const secret = 'a'.repeat(64);
const body = '{"petitionId":"P1","department":"D1"}';

describe('webhook signatures (X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">)', () => {
  it('verifies what it signed, and says why it refuses anything else', () => {
    const header = signWebhook(secret, body, 1_800_000_000);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, body, header, { now: 1_800_000_010 })).toEqual({
      ok: true,
      timestamp: 1_800_000_000,
    });
    expect(verifyWebhookSignature(secret, `${body} `, header, { now: 1_800_000_010 })).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature('b'.repeat(64), body, header, { now: 1_800_000_010 })).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature(secret, body, header, { now: 1_800_000_301 })).toMatchObject({
      ok: false,
      reason: 'expired',
    });
    expect(verifyWebhookSignature(secret, body, undefined)).toMatchObject({ ok: false, reason: 'missing' });
    expect(verifyWebhookSignature(secret, body, 'sha256=abc')).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('matches an HMAC computed independently, as a receiver in another language would', async () => {
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha256', secret).update(`1800000000.${body}`).digest('hex');
    expect(signWebhook(secret, body, 1_800_000_000)).toBe(`t=1800000000,v1=${expected}`);
  });
});

describe('the registry’s decisions', () => {
  const actor = { role: 'admin' as const, id: 'a' };
  const at = '2026-03-01T00:00:00.000Z';
  const put = (
    registry: Map<string, DepartmentRecord>,
    code: string,
    department: Record<string, unknown>,
  ) => {
    const record = decidePut(registry, { code, department: department as never, actor }, at);
    registry.set(code, record);
    return record;
  };

  it('derives the worker task queue from the code and never shows a webhook secret', () => {
    const registry = new Map<string, DepartmentRecord>();
    expect(
      put(registry, 'D1', { name: 'd', supervisor: { email: 's@x.cn' }, connector: { kind: 'worker' } })
        .connector,
    ).toEqual({
      kind: 'worker',
      taskQueue: 'dept.D1',
    });
    const hook = put(registry, 'D2', {
      name: 'd',
      superior: 'D1',
      supervisor: { email: 's@x.cn' },
      connector: { kind: 'webhook', url: 'http://127.0.0.1:1/x', secret },
    });
    expect(JSON.stringify(departmentView(hook))).not.toContain(secret);
    expect(departmentView(hook).connector).toEqual({
      kind: 'webhook',
      url: 'http://127.0.0.1:1/x',
      hasSecret: true,
    });
  });

  it('refuses a department that is its own superior', () => {
    expect(() =>
      put(new Map(), 'D1', {
        name: 'd',
        superior: 'D1',
        supervisor: { email: 's@x.cn' },
        connector: { kind: 'manual' },
      }),
    ).toThrow('superior: a department cannot be its own superior');
  });
});

describe('the seed file of the embedded default', () => {
  it('is valid, holds no secrets, and names only superiors it registers', () => {
    const seed = loadDepartmentSeed();
    expect(seed.length).toBeGreaterThan(0);
    const codes = new Set(seed.map((s) => s.code));
    for (const s of seed) {
      expect(s.department.connector.kind).not.toBe('webhook');
      if (s.department.superior) expect(codes.has(s.department.superior)).toBe(true);
    }
  });
});

describe('delivery routing read from the statutory definition (Art. 22, 23 ¶3, 35, 36)', () => {
  const index = indexDefinition(loadStatutoryDefinition());
  const at = '2026-03-02T02:00:00.000Z';
  const petition: PetitionFacts = {
    category: 'complaint',
    channel: 'letter',
    subject: '供暖',
    content: '室温不达标',
    receivedAt: at,
    petitioner: { name: '李四' },
  };
  const state = (variables: Record<string, unknown>) => ({ variables, petition });

  it('forwards to the chosen body, with the acceptance deadline it answers to (Art. 23)', () => {
    const route = deliveryRoute(
      index,
      'deliver-to-department',
      state({ department: 'D1', receivedByBodyAt: at }),
      at,
    );
    expect(route).toMatchObject({
      target: { kind: 'department', code: 'D1' },
      nextStep: 'accept-notice',
      deadline: {
        name: '受理告知期限',
        duration: 15,
        from: at,
        article: '《信访工作条例》第二十三条第二款、第三款',
      },
    });
    expect(route.records).toBeUndefined();
  });

  it('sends a review to the handler’s superior and a re-review to the reviewer’s superior, recording each', () => {
    expect(deliveryRoute(index, 'deliver-to-reviewer', state({ department: 'D1' }), at)).toMatchObject({
      target: { kind: 'superior', of: 'D1', levels: 1 },
      records: 'reviewBody',
      nextStep: 'review',
    });
    expect(
      deliveryRoute(index, 'deliver-to-re-reviewer', state({ department: 'D1', reviewBody: 'S1' }), at),
    ).toMatchObject({
      target: { kind: 'superior', of: 'S1', levels: 1 },
      records: 'reReviewBody',
    });
    expect(
      deliveryRoute(index, 'deliver-to-re-reviewer', state({ department: 'D1', reviewBody: null }), at)
        .target,
    ).toEqual({
      kind: 'superior',
      of: 'D1',
      levels: 2,
    });
  });

  it('hands an objection back to the bureau', () => {
    expect(deliveryRoute(index, 'hand-back', state({ department: null }), at).target).toEqual({
      kind: 'bureau',
    });
  });
});

describe('SMTP configuration', () => {
  it('reads SMTP_HOST/PORT/USER/PASS/FROM, or SMTP_URL, and names what is missing', () => {
    expect(
      loadConfig({
        SMTP_HOST: 'mail.example.cn',
        SMTP_PORT: '465',
        SMTP_SECURE: 'true',
        SMTP_USER: 'u',
        SMTP_PASS: 'p',
        SMTP_FROM: 'x@example.cn',
      }).smtp,
    ).toEqual({
      host: 'mail.example.cn',
      port: 465,
      secure: true,
      user: 'u',
      pass: 'p',
      from: 'x@example.cn',
    });
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.cn', SMTP_FROM: 'x@example.cn' }).smtp).toEqual({
      url: 'smtps://u:p@mail.example.cn',
      from: 'x@example.cn',
    });
    expect(loadConfig({}).smtp).toBeUndefined();
    expect(() => loadConfig({ SMTP_HOST: 'mail.example.cn' })).toThrow(
      'SMTP_FROM must be set when SMTP_URL or SMTP_HOST is',
    );
    const bad = () => loadConfig({ SMTP_URL: 'http://secret@x', SMTP_FROM: 'x@example.cn' });
    expect(bad).toThrow(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL.*\(got 15 characters\)/);
    expect(bad).not.toThrow(/secret/);
  });
});
