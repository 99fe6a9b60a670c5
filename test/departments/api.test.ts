import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { petitionIdOf } from '../../api/services/petition-ids';
import {
  type DepartmentTestContext,
  eventually,
  newSecret,
  registrar,
  startDepartmentTest,
  supervisor,
  uniqueCode,
} from './helpers';

let t: DepartmentTestContext;
let call: Awaited<ReturnType<DepartmentTestContext['api']>>['call'];
beforeAll(async () => {
  t = await startDepartmentTest();
  await t.startWorker();
  ({ call } = await t.api());
});
afterAll(async () => {
  await t?.close();
});

const put = (token: string, code: string, body: unknown) =>
  call(token, { method: 'PUT', url: `/v1/departments/${code}`, payload: body as Record<string, unknown> });

describe('the department registry over HTTP', () => {
  const top = uniqueCode('G');
  const hook = uniqueCode('B');
  const secret = newSecret();

  it('lets an admin create and change departments; GET shows them to any staff without the secret', async () => {
    const admin = t.token('admin');
    let res = await put(admin, top, {
      name: '市人民政府',
      supervisor: supervisor(top),
      connector: { kind: 'manual' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.location).toBe(`/v1/departments/${top}`);
    res = await put(admin, hook, {
      name: '市住建局',
      superior: top,
      supervisor: supervisor(hook),
      connector: { kind: 'webhook', url: 'https://dept.example.gov.cn/petitions', secret },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).not.toContain(secret);
    expect(res.json()).toMatchObject({
      code: hook,
      superior: top,
      connector: { kind: 'webhook', url: 'https://dept.example.gov.cn/petitions', hasSecret: true },
      revision: 1,
      updatedBy: { role: 'admin' },
    });

    // A change may leave the secret out: the current one is kept.
    res = await put(admin, hook, {
      name: '市住房和城乡建设局',
      superior: top,
      supervisor: supervisor(hook),
      connector: { kind: 'webhook', url: 'https://dept.example.gov.cn/v2/petitions' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      name: '市住房和城乡建设局',
      revision: 2,
      connector: { hasSecret: true },
    });

    for (const role of ['registrar', 'supervisor', 'designer'] as const) {
      const list = await call(t.token(role), { method: 'GET', url: '/v1/departments' });
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(secret);
      expect((list.json() as { items: Array<{ code: string }> }).items.map((d) => d.code)).toEqual(
        expect.arrayContaining([top, hook]),
      );
    }
    const one = await call(t.token('department', hook), { method: 'GET', url: `/v1/departments/${hook}` });
    expect(one.statusCode).toBe(200);
    expect(one.body).not.toContain(secret);
    expect(one.json()).toMatchObject({ code: hook, connector: { kind: 'webhook', hasSecret: true } });
    expect(
      (await call(t.token('admin'), { method: 'GET', url: `/v1/departments/${uniqueCode('N')}` })).statusCode,
    ).toBe(404);
    expect((await call(undefined, { method: 'GET', url: '/v1/departments' })).statusCode).toBe(401);
  });

  it('answers 403 to anyone but an admin changing a department', async () => {
    for (const token of [
      t.token('registrar'),
      t.token('supervisor'),
      t.token('department', hook),
      t.token('designer'),
    ]) {
      const res = await put(token, hook, {
        name: 'x',
        supervisor: supervisor(hook),
        connector: { kind: 'manual' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: 'forbidden' });
    }
    expect((await t.departments.get(hook))?.name).toBe('市住房和城乡建设局');
  });

  it('answers 400 naming the field: a webhook needs an http(s) URL and a secret of at least 32 characters', async () => {
    const admin = t.token('admin');
    const code = uniqueCode('E');
    const base = { name: '某局', supervisor: supervisor(code) };
    let res = await put(admin, code, {
      ...base,
      connector: { kind: 'webhook', url: 'ftp://x.example/petitions', secret },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('body.connector.url');
    res = await put(admin, code, {
      ...base,
      connector: { kind: 'webhook', url: 'https://x.example/p', secret: 'short' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/body\.connector\.secret.*32/);
    expect(res.body).not.toContain('short');
    res = await put(admin, code, { ...base, connector: { kind: 'webhook', url: 'https://x.example/p' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_department' });
    expect(res.json().message).toContain('connector.secret');
    res = await put(admin, code, { ...base, superior: uniqueCode('Z'), connector: { kind: 'manual' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/superior: no department "Z\w+" is registered/);
    res = await put(admin, code, {
      ...base,
      supervisor: { email: 'not-an-address' },
      connector: { kind: 'manual' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('body.supervisor.email');
    res = await put(admin, top, {
      name: '市人民政府',
      superior: hook,
      supervisor: supervisor(top),
      connector: { kind: 'manual' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('would loop');
  });
});

describe('the manual connector’s queue: GET /v1/departments/:code/queue', () => {
  it('lists the open petitions the department holds, from visibility, to its own staff, supervisors and admins', async () => {
    const code = uniqueCode('Q');
    await t.put(code, { name: '区城管局', supervisor: supervisor(code), connector: { kind: 'manual' } });
    const p = await t.startPetition();
    const view = await t.act(p, 'forward', registrar, { department: code });
    expect(
      view.timeline.find((e) => e.step === 'deliver-to-department' && e.type === 'activity')?.message,
    ).toBe(`manual: ok (queued for ${code})`);
    const other = await t.startPetition({ department: uniqueCode('Y') });

    const queue = await eventually(
      async () =>
        (
          await call(t.token('department', code), { method: 'GET', url: `/v1/departments/${code}/queue` })
        ).json() as { items: Array<{ id: string; step: string }> },
      // Listed at once (PetitionDepartment is set by the forwarding itself), on its step once it has arrived.
      (q) => q.items?.length === 1 && q.items[0]!.step === 'accept-notice',
      'the forwarded petition in the queue',
    );
    expect(queue.items[0]).toMatchObject({
      id: view.id,
      step: 'accept-notice',
      department: code,
      status: 'open',
    });
    expect(JSON.stringify(queue)).not.toContain('李四');
    expect(queue.items.map((i) => i.id)).not.toContain(petitionIdOf(other.workflowId));
    for (const token of [t.token('supervisor'), t.token('admin')]) {
      expect((await call(token, { method: 'GET', url: `/v1/departments/${code}/queue` })).statusCode).toBe(
        200,
      );
    }
    for (const token of [t.token('department', uniqueCode('X')), t.token('registrar'), t.token('designer')]) {
      expect((await call(token, { method: 'GET', url: `/v1/departments/${code}/queue` })).statusCode).toBe(
        403,
      );
    }
  });
});
