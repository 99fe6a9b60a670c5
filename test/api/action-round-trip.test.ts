/**
 * An action is one round trip (design settled point 9, issue 16): the API sends one Update carrying the caller, the
 * petition's validator authorizes it (refusals answer as before and leave the history untouched), its result is the
 * answer, and a hand-over to a department never delays that answer. Every Temporal call the API makes is counted by
 * a gRPC interceptor on its connection.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createExampleDepartmentActivities } from '../../activities/connectors/example-department';
import { buildApp } from '../../api/app';
import type { StaffRole } from '../../api/auth/principal';
import { mintToken } from '../../api/auth/secret';
import { loadConfig } from '../../config';
import { petitionActionAnswerQuery, petitionWorkflowId } from '../../workflows/messages';
import { hashAccessCode } from '../../api/auth/access-code';
import {
  type DepartmentTestContext,
  newSecret,
  startDepartmentTest,
  supervisor,
  uniqueCode,
} from '../departments/helpers';
import { startReceiver } from '../departments/receiver';
import { eventually, petitionBody, untilStep } from '../helpers/api';
import { testDataConverter, testLogger } from '../helpers/temporal';

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];

let t: DepartmentTestContext;
let app: FastifyInstance;
let connection: Connection;
const secret = randomBytes(32).toString('base64url');
/** The WorkflowService methods the API called, in order, since the last reset. */
let calls: string[] = [];
const counting: Interceptor = (options, nextCall) => {
  const method = String(options.method_definition.path);
  if (method.includes('.WorkflowService/')) calls.push(method.split('/').pop()!);
  // An InterceptingCall is what the next interceptor returns; the types of @grpc/grpc-js do not say so.
  return nextCall(options) as ReturnType<Interceptor>;
};

const token = (role: StaffRole, dept?: string, sub?: string) =>
  mintToken(secret, {
    role,
    sub: sub ?? `${role}-${dept ?? 'x'}`,
    ...(dept !== undefined && { dept }),
    ttlSeconds: 3600,
  });

async function call(as: string | undefined, options: InjectOptions) {
  return await app.inject({
    ...options,
    headers: { ...(as ? { authorization: `Bearer ${as}` } : {}), ...options.headers },
  });
}

/** Registers a petition through the API as the registrar. */
async function register(body: Record<string, unknown> = {}): Promise<{ id: string; accessCode: string }> {
  const res = await call(token('registrar'), {
    method: 'POST',
    url: '/v1/petitions',
    payload: petitionBody(body),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Takes an action through the API; answers the response and the Temporal calls it made. */
async function act(
  as: string | undefined,
  id: string,
  action: string,
  payload: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  calls = [];
  const res = await call(as, {
    method: 'POST',
    url: `/v1/petitions/${id}/actions/${action}`,
    payload,
    headers,
  });
  return { res, calls: [...calls] };
}

/** The events in the petition's history, once its first workflow task has run (a query waits for it). */
async function historyLength(id: string): Promise<number> {
  const handle = t.client.workflow.getHandle(petitionWorkflowId(id));
  await handle.query('petitionState');
  return (await handle.fetchHistory()).events?.length ?? 0;
}

const [top, mid, handler, other, otherSuperior] = [
  uniqueCode('T'),
  uniqueCode('S'),
  uniqueCode('H'),
  uniqueCode('O'),
  uniqueCode('R'),
];

beforeAll(async () => {
  t = await startDepartmentTest();
  await t.startWorker();
  const manual = (name: string, code: string, superior?: string) =>
    t.put(code, {
      name,
      ...(superior && { superior }),
      supervisor: supervisor(code),
      connector: { kind: 'manual' },
    });
  await manual('市人民政府', top);
  await manual('区人民政府', mid, top);
  await manual('区住建局', handler, mid);
  await manual('区城管局', other, mid);
  await manual('县人民政府', otherSuperior, top);
  const address = inject('devServerAddress');
  connection = await Connection.connect({
    address,
    // Counting first, so that a call the SDK retries is counted once.
    interceptors: [counting, makeGrpcRetryInterceptor(defaultGrpcRetryOptions())],
  });
  app = buildApp({
    config: loadConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: t.taskQueue }),
    logger: testLogger,
    connection,
    client: new Client({ connection, namespace: 'default', dataConverter: testDataConverter() }),
    auth: { secret },
    departments: t.departments,
    limits: { rateLimitMax: 100_000 },
    rpcTimeoutMs: 15_000,
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await connection?.close();
  await t?.close();
});

describe('one round trip per action', () => {
  it('makes exactly one Temporal call for an action by staff, and one for an action by the petitioner with the access code', async () => {
    const { id, accessCode } = await register({ department: handler });
    const accepted = await act(token('department', handler), id, 'accept');
    expect(accepted.res.statusCode, accepted.res.body).toBe(200);
    expect(accepted.calls).toEqual(['UpdateWorkflowExecution']);
    expect(accepted.res.json()).toMatchObject({ step: 'handle', holder: handler });

    const withdrawn = await act(
      undefined,
      id,
      'withdraw',
      { reason: '问题已解决' },
      { 'x-access-code': accessCode },
    );
    expect(withdrawn.res.statusCode, withdrawn.res.body).toBe(200);
    expect(withdrawn.calls).toEqual(['UpdateWorkflowExecution']);
    expect(withdrawn.res.json()).toMatchObject({ status: 'closed', outcome: { outcome: 'withdrawn' } });
  });

  it('reads a petition for staff with one query', async () => {
    const { id } = await register({ department: handler });
    calls = [];
    const res = await call(token('department', handler), { method: 'GET', url: `/v1/petitions/${id}` });
    expect(res.statusCode).toBe(200);
    expect(calls).toEqual(['QueryWorkflow']);
  });

  it('answers a retried action (same Idempotency-Key) with the first answer, also after the petition has closed', async () => {
    const { id, accessCode } = await register({ department: handler });
    const key = { 'idempotency-key': `${id}-withdraw` };
    const petitioner = { 'x-access-code': accessCode, ...key };
    const first = await act(undefined, id, 'withdraw', { reason: '已解决' }, petitioner);
    expect(first.res.statusCode).toBe(200);
    expect(first.res.json().status).toBe('closed');
    await eventually(
      async () => (await t.client.workflow.getHandle(petitionWorkflowId(id)).describe()).status.name,
      (status) => status === 'COMPLETED',
      'the petition workflow to complete',
    );
    // The run has completed; Temporal still answers the repeated Update id with its first result, unvalidated —
    // which is why a petitioner's keys are scoped by the code (a wrong code is refused below).
    const again = await act(undefined, id, 'withdraw', { reason: '已解决' }, petitioner);
    expect(again.res.statusCode, again.res.body).toBe(200);
    expect(again.res.json()).toEqual(first.res.json());
    expect(again.calls).toEqual(['UpdateWorkflowExecution']);
    // Where Temporal has no answer for that Update id, the petition's query rebuilds it from the entries it added.
    const hash = hashAccessCode(accessCode);
    const rebuilt = await t.client.workflow
      .getHandle(petitionWorkflowId(id))
      .query(petitionActionAnswerQuery, {
        caller: { kind: 'petitioner', accessCodeHash: hash },
        updateId: `petitioner-${hash.slice(0, 32)}:${key['idempotency-key']}`,
      });
    expect(rebuilt).toMatchObject({ answer: { timeline: first.res.json().timeline, status: 'closed' } });
    const conflict = await act(undefined, id, 'withdraw', { reason: '另一个理由' }, petitioner);
    expect(conflict.res.statusCode).toBe(409);
    expect(conflict.res.json()).toMatchObject({
      error: 'idempotency_conflict',
      details: { action: 'withdraw' },
    });
    const wrongCode = await act(
      undefined,
      id,
      'withdraw',
      { reason: '已解决' },
      { ...key, 'x-access-code': '0000-0000-0000-0000-0000' },
    );
    expect(wrongCode.res.statusCode).toBe(404);
    const noKey = await act(token('registrar'), id, 'withdraw', {});
    expect(noKey.res.statusCode).toBe(409);
    expect(noKey.res.json()).toMatchObject({ error: 'petition_closed' });
  });
});

describe('refusals by the petition’s validator', () => {
  const ids = {} as { review: string; fresh: string; freshCode: string; report: string; suggestion: string };

  beforeAll(async () => {
    const review = await register({ department: handler });
    ids.review = review.id;
    const staff = token('department', handler);
    for (const [action, payload] of [
      ['accept', {}],
      ['opinion', { outcome: 'reject', text: '经调查不予支持。', legalBasis: '某条例第十条' }],
      ['reply', {}],
    ] as const)
      expect((await act(staff, review.id, action, payload)).res.statusCode).toBe(200);
    const requested = await act(
      undefined,
      review.id,
      'request-review',
      { reason: '不服' },
      { 'x-access-code': review.accessCode },
    );
    expect(requested.res.json()).toMatchObject({ step: 'deliver-to-reviewer', holder: null });
    const arrived = await untilStep({ client: t.client }, review.id, 'review');
    expect(arrived.variables['reviewBody']).toBe(mid);
    const fresh = await register({ department: handler });
    ids.fresh = fresh.id;
    ids.freshCode = fresh.accessCode;
    ids.report = (await register({ category: 'report', concerns: handler, department: other })).id;
    ids.suggestion = (await register({ category: 'suggestion' })).id;
  });

  const notFound = (id: string) => ({
    error: 'not_found',
    message: `No petition ${id} that you may see (check the id, and the access code if you are the petitioner).`,
  });

  it.each<
    [
      string,
      number,
      string,
      () => [string | undefined, keyof typeof ids, string, Record<string, unknown>, Record<string, string>],
    ]
  >([
    [
      'staff of a body that does not hold it',
      404,
      'not_found',
      () => [token('department', other), 'fresh', 'accept', {}, {}],
    ],
    [
      // `top` is the superior of the handler's superior, not of the handler: nothing its subordinates handled.
      'a superior whose subordinate bodies have not handled it',
      404,
      'not_found',
      () => [token('superior', top), 'fresh', 'accept', {}, {}],
    ],
    [
      'a superior over neither the handler nor the reviewing body',
      404,
      'not_found',
      () => [
        token('superior', otherSuperior),
        'review',
        'review-opinion',
        { outcome: 'reject', text: '维持。' },
        {},
      ],
    ],
    [
      'staff of the body a report concerns (Art. 30)',
      404,
      'not_found',
      () => [token('department', handler), 'report', 'accept', {}, {}],
    ],
    [
      'a wrong access code',
      404,
      'not_found',
      () => [undefined, 'fresh', 'withdraw', {}, { 'x-access-code': '0000-0000-0000-0000-0000' }],
    ],
    [
      'a role the action is not for',
      403,
      'forbidden',
      () => [token('supervisor'), 'fresh', 'accept', {}, {}],
    ],
    [
      // `top` sees it (its subordinate `mid` reviews it), but the review is `mid`'s.
      'a superior other than the reviewing body (Art. 35)',
      403,
      'forbidden',
      () => [token('superior', top), 'review', 'review-opinion', { outcome: 'reject', text: '维持。' }, {}],
    ],
    [
      'an action the step does not offer',
      409,
      'action_not_allowed',
      () => [token('department', handler), 'fresh', 'reply', {}, {}],
    ],
    [
      'a missing field',
      400,
      'invalid_input',
      () => [token('department', handler), 'fresh', 'decline', {}, {}],
    ],
    [
      'a statutory rule (Art. 31: only a complaint is diverted)',
      422,
      'statutory_rule',
      () => [token('registrar'), 'suggestion', 'divert', { channel: 'litigation' }, {}],
    ],
  ])(
    'refuses %s with %i, in one call, and leaves the history unchanged',
    async (_why, status, error, request) => {
      const [as, which, action, payload, headers] = request();
      const id = ids[which];
      const before = await historyLength(id);
      const { res, calls: made } = await act(as, id, action, payload, headers);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error).toBe(error);
      if (status === 404) expect(res.json()).toEqual({ ...notFound(id), requestId: expect.any(String) });
      expect(made).toEqual(['UpdateWorkflowExecution']);
      expect(await historyLength(id)).toBe(before);
    },
  );

  it('names the body holding a review when a superior of another body acts on it (Art. 35)', async () => {
    const { res } = await act(token('superior', top), ids.review, 'review-opinion', {
      outcome: 'reject',
      text: '维持。',
    });
    expect(res.json()).toMatchObject({ details: { step: 'review', department: mid } });
  });
});

describe('an action never waits for a hand-over', () => {
  it(
    'forwards to a webhook that takes 15 s and to a department whose worker is down: 200 at once on the hand-over step, its search attributes upserted; each hand-over completes later (Art. 22)',
    { timeout: 90_000 },
    async () => {
      const hookSecret = newSecret();
      const receiver = await startReceiver(hookSecret, () => ({ status: 200, afterMs: 15_000 }));
      const [slow, away] = [uniqueCode('W'), uniqueCode('K')];
      let worker: Worker | undefined;
      let running: Promise<void> | undefined;
      try {
        await t.put(slow, {
          name: '区供热办',
          supervisor: supervisor(slow),
          connector: { kind: 'webhook', url: receiver.url, secret: hookSecret },
        });
        await t.put(away, { name: '区水务局', supervisor: supervisor(away), connector: { kind: 'worker' } });
        const toSlow = await register();
        const toAway = await register();

        for (const [id, code] of [
          [toSlow.id, slow],
          [toAway.id, away],
        ] as const) {
          const started = Date.now();
          const { res, calls: made } = await act(token('registrar'), id, 'forward', { department: code });
          const took = Date.now() - started;
          expect(res.statusCode, res.body).toBe(200);
          expect(made).toEqual(['UpdateWorkflowExecution']);
          expect(took).toBeLessThan(5_000);
          expect(res.json()).toMatchObject({
            step: 'deliver-to-department',
            holder: code,
            availableActions: [],
          });
          // Upserted in the workflow task that answered: visible to describe (and, eventually, to lists) at once.
          const described = await t.client.workflow.getHandle(petitionWorkflowId(id)).describe();
          expect(described.searchAttributes['PetitionStep']).toEqual(['deliver-to-department']);
          expect(described.searchAttributes['PetitionDepartment']).toEqual([code]);
        }

        // The worker department receives it once its worker is up; the petition then rests on the body's step.
        expect((await t.view(t.client.workflow.getHandle(petitionWorkflowId(toAway.id)))).step).toBe(
          'deliver-to-department',
        );
        worker = await Worker.create({
          connection: t.native,
          namespace: 'default',
          dataConverter: testDataConverter(),
          taskQueue: `dept.${away}`,
          activities: createExampleDepartmentActivities({
            code: away,
            inboxDir: mkdtempSync(path.join(tmpdir(), 'dept-inbox-')),
          }),
        });
        running = worker.run();
        const received = await untilStep({ client: t.client }, toAway.id, 'accept-notice', 30_000);
        expect(
          received.timeline.find((e) => e.step === 'deliver-to-department' && e.type === 'activity')?.message,
        ).toContain(`worker: ok (accepted by ${away} on dept.${away}`);

        // The slow webhook answers after 15 s.
        const delivered = await untilStep({ client: t.client }, toSlow.id, 'accept-notice', 40_000);
        expect(receiver.accepted.size).toBe(1);
        expect(
          delivered.timeline.find((e) => e.step === 'deliver-to-department' && e.type === 'activity')
            ?.message,
        ).toContain(`webhook: ok (${slow} answered HTTP 200`);
      } finally {
        worker?.shutdown();
        await running;
        await receiver.close();
      }
    },
  );
});
