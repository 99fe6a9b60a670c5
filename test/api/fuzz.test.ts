/**
 * A property-based fuzz test driven by the OpenAPI document the API serves (`GET /docs/json`): every operation gets
 * generated requests, valid and broken (bodies, queries, paths and headers that break their schemas, malformed and
 * deeply nested JSON, bodies over the limit, wrong media types, garbage or missing credentials, unsupported methods),
 * sent to the real app on real Temporal with a real worker. For every answer:
 *
 * - no 5xx, and an `X-Request-Id`;
 * - every refusal in the one error shape: JSON `{ error, message, details?, requestId }`, `requestId` the header's;
 * - its status is one the operation documents (405 with `Allow` for a method the path is not served with), and a
 *   JSON body the operation documents for that status matches the documented schema;
 * - a request that breaks its schema is refused (4xx), and a request without credentials never gets past 401;
 * - a refused request changes nothing: the petition, registry or set of petitions it aimed at is as it was (history
 *   length and memo of the petition, history of the registry, number of petitions).
 *
 * fast-check drives it rather than schemathesis (PyPI): it runs inside `npm test` with no Python in CI, in seconds,
 * from a fixed seed (FUZZ_SEED to vary it; FUZZ_RUNS for the count: 1,000 requests by default, about 15-25 s), and it
 * can look at Temporal itself to check that a refused request changed nothing, which an HTTP-only fuzzer cannot see.
 */
import Ajv2020Module from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStatutoryDefinition } from '../../definitions/statutory';
import { DEFINITION_REGISTRY_WORKFLOW_ID } from '../../workflows/registry';
import { petitionWorkflowId } from '../../workflows/messages';
import { reportAuditWorkflowId } from '../../workflows/report-audit';
import {
  eventually,
  petitionBody,
  seedDepartment,
  startApiTest,
  uniqueDept,
  type ApiTestContext,
} from '../helpers/api';
import { broken, resolver, valid, type JsonSchema } from '../helpers/json-schema-arbitrary';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130);
const BODY_LIMIT = 64 * 1024;

const Ajv2020 = (Ajv2020Module as unknown as { default?: typeof Ajv2020Module }).default ?? Ajv2020Module;

interface Operation {
  method: string;
  path: string;
  parameters: Array<{
    in: 'path' | 'query' | 'header';
    name: string;
    required?: boolean;
    schema: JsonSchema;
  }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}

/** What a request may change, for the "refused changes nothing" check. */
type Target =
  | { kind: 'petition'; id: string }
  | { kind: 'departments' }
  | { kind: 'definitions' }
  | { kind: 'registration' }
  | { kind: 'none' };

interface FuzzRequest {
  op: Operation;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** Broken on purpose (a part that breaks its schema, malformed JSON, too deep, too large, wrong media type). */
  broken: string | false;
  credentials: 'none' | 'garbage' | 'token' | 'code';
  target: Target;
}

let t: ApiTestContext;
let doc: {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
};
const CODES = { gov: uniqueDept('FG'), a: uniqueDept('FA'), b: uniqueDept('FB') };
const fixtures: Array<{ id: string; accessCode: string }> = [];
let departmentRegistryId: string;
const definitionRegistryId = () => `${DEFINITION_REGISTRY_WORKFLOW_ID}-${t.taskQueue}`;

beforeAll(async () => {
  t = await startApiTest({
    departments: [seedDepartment(CODES.gov), seedDepartment(CODES.a, CODES.gov), seedDepartment(CODES.b)],
    limits: { bodyLimit: BODY_LIMIT },
    rpcTimeoutMs: 10_000,
  });
  departmentRegistryId = `department-registry-${t.taskQueue}`;
  const registrar = t.token('registrar');
  for (const body of [
    petitionBody({ department: CODES.a }),
    petitionBody({}),
    petitionBody({ category: 'report', department: CODES.b, concerns: CODES.a }),
    petitionBody({ department: CODES.b, representatives: [{ name: '代表一' }] }),
  ]) {
    const res = await t.call(registrar, { method: 'POST', url: '/v1/petitions', payload: body });
    expect(res.statusCode, res.body).toBe(201);
    fixtures.push(res.json());
  }
  // One closed petition.
  const closed = fixtures[3]!;
  const withdrawn = await t.call(undefined, {
    method: 'POST',
    url: `/v1/petitions/${closed.id}/actions/withdraw`,
    headers: { 'x-access-code': closed.accessCode },
    payload: {},
  });
  expect(withdrawn.statusCode, withdrawn.body).toBe(200);
  await t.client.workflow.getHandle(petitionWorkflowId(closed.id)).result();
  // The registries exist before the first snapshot.
  expect((await t.call(t.token('admin'), { method: 'GET', url: '/v1/departments' })).statusCode).toBe(200);
  expect((await t.call(t.token('admin'), { method: 'GET', url: '/v1/definitions' })).statusCode).toBe(200);
  doc = (await t.call(undefined, { method: 'GET', url: '/docs/json' })).json();
});
afterAll(async () => {
  await t?.close();
});

const ROLES = ['registrar', 'department', 'superior', 'supervisor', 'designer', 'admin'] as const;
const ACTIONS = [
  ...new Set(
    loadStatutoryDefinition()
      .elements.flatMap((e) => (e.type === 'userTask' ? e.actions.map((a) => a.id) : []))
      .concat(loadStatutoryDefinition().globalActions.map((a) => a.id)),
  ),
];

/** Plausible action bodies, so that some actions get through to the workflow and are applied. */
const actionBodies = (): fc.Arbitrary<unknown> =>
  fc.constantFrom<unknown>(
    {},
    { department: CODES.a },
    { department: CODES.b },
    { department: 'district-housnig' },
    { reason: '不属于本机关职责。' },
    { outcome: 'reject', text: '经调查不予支持。' },
    { outcome: 'support', text: '予以支持。' },
    { days: 10, reason: '情况复杂。' },
    { days: 31, reason: '超过三十日。' },
    { reason: '督办', answerDays: 5 },
    { rating: 'satisfied' },
    { channel: 'litigation', body: '某区人民法院' },
    { route: 'handle' },
  );

/**
 * Values for body fields that a schema alone makes unlikely to be accepted (registered codes, a published
 * definition, an instant in the past), so that valid requests get through as often as refused ones.
 */
const bodyHints = (): Record<string, fc.Arbitrary<unknown>> => ({
  department: fc.constantFrom(CODES.a, CODES.b, CODES.gov),
  concerns: fc.constantFrom(CODES.a),
  superior: fc.constantFrom(null, CODES.gov),
  definition: fc.constant('petition-2022@1'),
  receivedAt: fc.constantFrom('2026-01-05T09:00:00+08:00', '2025-12-31T16:00:00Z'),
  connector: fc.constantFrom({ kind: 'manual' }, { kind: 'worker' }),
});

function operations(): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
  );
}

/**
 * The methods a concrete path is served with, by every documented path it matches (`/v1/definitions/validate` is also
 * `/v1/definitions/{id}`), with the HEAD Fastify adds to GET.
 */
function templateMatches(template: string, path: string): boolean {
  return new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path);
}

function servedMethods(url: string): string[] {
  // As the server sees it: dot segments resolved (`/v1/petitions/..` is `/v1/`).
  const path = new URL(url, 'http://127.0.0.1').pathname;
  const methods = Object.entries(doc.paths)
    .filter(([template]) => templateMatches(template, path))
    .flatMap(([, ops]) => Object.keys(ops).map((m) => m.toUpperCase()));
  return [...new Set(methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))].sort();
}

const resolve = (s: JsonSchema) => resolver(doc)(s);

/** Whether a parameter's string value matches its schema (coerced as the API coerces query strings). */
let paramValid: (schema: JsonSchema, value: string) => boolean = () => true;

function pathValue(name: string, schema: JsonSchema): fc.Arbitrary<{ value: string; broken: boolean }> {
  const ok = (a: fc.Arbitrary<unknown>) => a.map((v) => ({ value: String(v), broken: false }));
  const bad = fc
    .constantFrom('has space', '..', '%2F..%2F', 'x'.repeat(100), '<b>')
    .map((v) => ({ value: v, broken: true }));
  const known: Record<string, fc.Arbitrary<unknown>> = {
    id: fc.constantFrom(...fixtures.map((f) => f.id), 'XF20260101AAAAAAAAAAAA'),
    action: fc.constantFrom(...ACTIONS),
    code: fc.constantFrom(...Object.values(CODES), 'no-such-body'),
  };
  return fc.oneof(
    { arbitrary: ok(known[name] ?? valid(schema, resolve)), weight: 6 },
    { arbitrary: ok(valid(schema, resolve)), weight: 2 },
    { arbitrary: bad, weight: 1 },
  );
}

function credentials(
  op: Operation,
  petitionRoute: boolean,
): fc.Arbitrary<{ kind: FuzzRequest['credentials']; headers: Record<string, string> }> {
  const secured = (op.security ?? []).length > 0;
  const token = fc
    .tuple(
      fc.constantFrom(...ROLES),
      fc.constantFrom(...Object.values(CODES)),
      fc.constantFrom('Bearer', 'bearer', 'BEARER'),
    )
    .map(([role, dept, scheme]) => ({
      kind: 'token' as const,
      headers: {
        authorization: `${scheme} ${t.token(role, role === 'department' || role === 'superior' ? dept : undefined, `fuzz-${role}`)}`,
      },
    }));
  const garbage = fc
    .constantFrom(
      'Bearer garbage',
      'bearer a.b.c',
      'BeArEr eyJhbGciOiJub25lIn0.e30.',
      'Basic dXNlcjpwYXNz',
      'Bearer',
    )
    .map((h) => ({ kind: 'garbage' as const, headers: { authorization: h } }));
  const none = fc.constant({ kind: 'none' as const, headers: {} });
  const code = fc
    .constantFrom(...fixtures.map((f) => f.accessCode), '0000-0000-0000-0000-0000')
    .map((c) => ({ kind: 'code' as const, headers: { 'x-access-code': c } }));
  if (!secured) return fc.oneof({ arbitrary: none, weight: 4 }, { arbitrary: token, weight: 1 });
  return fc.oneof(
    { arbitrary: token, weight: 12 },
    { arbitrary: garbage, weight: 1 },
    { arbitrary: none, weight: 1 },
    ...(petitionRoute ? [{ arbitrary: code, weight: 2 }] : []),
  );
}

/** A body: valid for its schema, broken in one place, or broken as bytes. */
function body(
  op: Operation,
): fc.Arbitrary<{ payload?: string; contentType?: string; broken: string | false }> {
  const schema = op.requestBody?.content['application/json']?.schema;
  if (!schema) return fc.constant({ broken: false as const });
  const json = (v: unknown) => JSON.stringify(v);
  const isAction = op.path.endsWith('/actions/{action}');
  const hinted = valid(schema, resolve, bodyHints());
  const good = (isAction ? fc.oneof(actionBodies(), hinted) : fc.oneof(hinted, valid(schema, resolve))).map(
    (v) => ({
      payload: json(v),
      contentType: 'application/json',
      broken: false as const,
    }),
  );
  const bad = broken(schema, resolve);
  const raw = fc.constantFrom(
    { payload: '{"a":', contentType: 'application/json', broken: 'malformed JSON' },
    { payload: '', contentType: 'application/json', broken: 'empty JSON body' },
    {
      payload: `${'['.repeat(2_000)}${']'.repeat(2_000)}`,
      contentType: 'application/json',
      broken: 'too deep',
    },
    {
      payload: `{"x":${'{"a":'.repeat(70)}1${'}'.repeat(70)}}`,
      contentType: 'application/json',
      broken: 'too deep',
    },
    {
      payload: json({ filler: 'x'.repeat(BODY_LIMIT + 10) }),
      contentType: 'application/json',
      broken: 'too large',
    },
    { payload: 'just text', contentType: 'text/plain', broken: 'media type' },
    {
      payload: '{"__proto__":{"admin":true}}',
      contentType: 'application/json',
      broken: 'prototype poisoning',
    },
  );
  return fc.oneof(
    { arbitrary: good, weight: 6 },
    ...(bad
      ? [
          {
            arbitrary: bad.map((v) => ({
              payload: json(v),
              contentType: 'application/json',
              broken: 'schema',
            })),
            weight: 3,
          },
        ]
      : []),
    { arbitrary: raw, weight: 2 },
  );
}

function targetOf(op: Operation, pathValues: Record<string, string>): Target {
  const id = pathValues['id'];
  if (id && fixtures.some((f) => f.id === id)) return { kind: 'petition', id };
  if (op.method === 'PUT' && op.path.startsWith('/v1/departments')) return { kind: 'departments' };
  if (op.method === 'POST' && op.path === '/v1/definitions') return { kind: 'definitions' };
  if (op.method === 'POST' && op.path === '/v1/petitions') return { kind: 'registration' };
  return { kind: 'none' };
}

function requestFor(op: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters?.filter((p) => p.in === 'path') ?? [];
  const queryParams = op.parameters?.filter((p) => p.in === 'query') ?? [];
  const headerParams = op.parameters?.filter((p) => p.in === 'header') ?? [];
  const petitionRoute = op.path.startsWith('/v1/petitions/{id}');
  const paths = fc.tuple(...pathParams.map((p) => pathValue(p.name, p.schema)));
  const queries = fc.tuple(
    ...queryParams.map((p) => {
      const bad = broken(p.schema, resolve);
      return fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 4 },
        { arbitrary: valid(p.schema, resolve).map((v) => ({ value: String(v), broken: false })), weight: 3 },
        ...(bad
          ? [
              {
                // Broken only if it really breaks the schema once coerced ("12345" is a fine string): marked, not
                // filtered, since a filter that never passes would spin for ever.
                arbitrary: bad
                  .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
                  .map((value) => ({ value, broken: !paramValid(p.schema, value) })),
                weight: 1,
              },
            ]
          : []),
      );
    }),
  );
  const headers = fc.tuple(
    ...headerParams
      .filter((p) => p.name !== 'x-access-code')
      .map((p) =>
        fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 3 },
          {
            arbitrary: valid(p.schema, resolve).map((v) => ({
              name: p.name,
              value: String(v),
              broken: false,
            })),
            weight: 2,
          },
          { arbitrary: fc.constant({ name: p.name, value: 'bad key!', broken: true }), weight: 1 },
        ),
      ),
  );
  const others = ['DELETE', 'PATCH', 'PUT', 'POST', 'GET'].filter((m) => !servedMethods(op.path).includes(m));
  const otherMethod = others.length > 0 ? fc.constantFrom(...others) : fc.constant(undefined);
  return fc
    .tuple(
      paths,
      queries,
      headers,
      body(op),
      credentials(op, petitionRoute),
      // One request in twenty with another method.
      fc.oneof({ arbitrary: fc.constant(undefined), weight: 19 }, { arbitrary: otherMethod, weight: 1 }),
    )
    .map(([pathValues, queryValues, headerValues, b, creds, method]) => {
      let url = op.path;
      const values: Record<string, string> = {};
      pathParams.forEach((p, i) => {
        values[p.name] = pathValues[i]!.value;
        url = url.replace(`{${p.name}}`, encodeURIComponent(pathValues[i]!.value));
      });
      const query = new URLSearchParams();
      queryParams.forEach((p, i) => {
        const q = queryValues[i];
        if (q) query.set(p.name, q.value);
      });
      const h: Record<string, string> = { ...creds.headers };
      for (const header of headerValues) if (header) h[header.name] = header.value;
      if (b.contentType) h['content-type'] = b.contentType;
      const reasons = [
        pathValues.some((p) => p.broken) && 'path',
        queryValues.some((q) => q?.broken) && 'query',
        headerValues.some((x) => x?.broken) && 'header',
        b.broken,
      ].filter(Boolean);
      return {
        op,
        method: method ?? op.method,
        url: query.size > 0 ? `${url}?${query}` : url,
        headers: h,
        ...(b.payload !== undefined && { payload: b.payload }),
        broken: reasons.length > 0 ? reasons.join(', ') : false,
        credentials: creds.kind,
        target: targetOf(op, values),
      } satisfies FuzzRequest;
    });
}

/** What a target's state is, as far as a refused request could have changed it. */
async function stateOf(target: Target): Promise<string> {
  const describe = async (workflowId: string) => {
    const d = await t.client.workflow.getHandle(workflowId).describe();
    const memo = Object.entries(d.memo ?? {}).sort(([a], [b]) => a.localeCompare(b));
    return JSON.stringify({ events: d.historyLength, memo, status: d.status.name });
  };
  switch (target.kind) {
    case 'petition':
      return await describe(petitionWorkflowId(target.id));
    case 'departments':
      return await describe(departmentRegistryId);
    case 'definitions':
      return await describe(definitionRegistryId());
    case 'registration':
    case 'none':
      return '';
  }
}

/** Waits until the workflows an accepted request set going have settled (activities, signals, workflow tasks). */
async function settle(target: Target): Promise<void> {
  if (target.kind !== 'petition') return;
  const ids = [reportAuditWorkflowId(target.id), petitionWorkflowId(target.id)];
  for (const workflowId of ids) {
    let last = -1;
    await eventually(
      async () => {
        const d = await t.client.workflow
          .getHandle(workflowId)
          .describe()
          .catch(() => undefined);
        if (!d) return true;
        const quiet =
          d.historyLength === last &&
          (d.raw.pendingActivities ?? []).length === 0 &&
          !d.raw.pendingWorkflowTask &&
          (d.raw.pendingNexusOperations ?? []).length === 0;
        last = d.historyLength;
        if (!quiet) await new Promise((r) => setTimeout(r, 30));
        return quiet;
      },
      (quiet) => quiet,
      `${workflowId} to settle`,
      15_000,
    );
  }
}

describe('the OpenAPI document, fuzzed', () => {
  it(`answers ${RUNS} generated requests over every operation without a 5xx, as documented, changing nothing when it refuses`, async () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ ...doc, $id: 'openapi' } as object);
    const pointer = (...parts: string[]) =>
      parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
    const validators = new Map<string, ReturnType<typeof ajv.compile>>();
    const validatorFor = (op: Operation, status: string) => {
      const key = `${op.method} ${op.path} ${status}`;
      let v = validators.get(key);
      if (!v) {
        v = ajv.compile({
          $ref: `openapi#/${pointer('paths', op.path, op.method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema')}`,
        });
        validators.set(key, v);
      }
      return v;
    };
    const paramAjv = new Ajv2020({ strict: false, validateFormats: false, coerceTypes: true });
    paramAjv.addSchema({ ...doc, $id: 'openapi' } as object);
    const paramValidators = new Map<JsonSchema, ReturnType<typeof paramAjv.compile>>();
    paramValid = (schema, value) => {
      let validate = paramValidators.get(schema);
      if (!validate) paramValidators.set(schema, (validate = paramAjv.compile(resolve(schema))));
      return validate(value) === true;
    };
    const bodyValidators = new Map<string, ReturnType<typeof paramAjv.compile>>();
    const bodyValid = (
      op: Operation,
      payload: string | undefined,
      contentType: string | undefined,
    ): boolean => {
      const schema = op.requestBody?.content['application/json']?.schema;
      if (!schema) return true;
      if (contentType !== 'application/json' || payload === undefined) return false;
      const key = `${op.method} ${op.path}`;
      let validate = bodyValidators.get(key);
      if (!validate) {
        validate = paramAjv.compile({
          $ref: `openapi#/${pointer('paths', op.path, op.method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema')}`,
        });
        bodyValidators.set(key, validate);
      }
      try {
        return validate(JSON.parse(payload)) === true;
      } catch {
        return false;
      }
    };

    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(19);
    const statuses = new Map<string, number>();
    const errorCodes = new Set<string>();
    const perOperation = new Map<string, number>();
    let registered = 0;
    let departmentsCreated = 0;
    const cache = new Map<string, string>();
    const started = Date.now();
    const timing = { inject: 0, state: 0, settle: 0 };

    await fc.assert(
      fc.asyncProperty(fc.oneof(...ops.map(requestFor)), async (req) => {
        const key = JSON.stringify(req.target);
        let before = cache.get(key);
        if (before === undefined) cache.set(key, (before = await stateOf(req.target)));

        const t0 = Date.now();
        const res = await t.app.inject({
          method: req.method as 'GET',
          url: req.url,
          headers: req.headers,
          ...(req.payload !== undefined && { payload: req.payload }),
        });
        timing.inject += Date.now() - t0;
        const where = `${req.method} ${req.url} (${req.credentials}${req.broken ? `, broken: ${req.broken}` : ''}) → ${res.statusCode} ${res.body.slice(0, 300)}`;
        statuses.set(String(res.statusCode), (statuses.get(String(res.statusCode)) ?? 0) + 1);
        perOperation.set(
          `${req.op.method} ${req.op.path}`,
          (perOperation.get(`${req.op.method} ${req.op.path}`) ?? 0) + 1,
        );

        expect(res.statusCode, where).toBeLessThan(500);
        expect(res.headers['x-request-id'], where).toEqual(expect.any(String));
        if (res.statusCode >= 400) {
          // The one error shape, whatever refused the request (Fastify, a plugin, a route, the workflow).
          expect(res.headers['content-type'], where).toMatch(/^application\/json/);
          expect(res.json(), where).toMatchObject({
            error: expect.stringMatching(/^[a-z_]+$/),
            message: expect.any(String),
            requestId: res.headers['x-request-id'],
          });
          errorCodes.add(`${res.statusCode} ${res.json().error}`);
        }

        const path = new URL(req.url, 'http://127.0.0.1').pathname;
        const onOperation = req.method === req.op.method && templateMatches(req.op.path, path);
        const served = servedMethods(req.url);
        if (!onOperation && !served.includes(req.method)) {
          // Off every operation: another method of a served path, or a path (dot segments resolved) nobody serves.
          expect(res.statusCode, where).toBe(served.length > 0 ? 405 : 404);
          if (served.length > 0) expect(res.headers['allow'], where).toBe(served.join(', '));
        } else if (onOperation) {
          const status = String(res.statusCode);
          expect(Object.keys(req.op.responses), `${where}: undocumented status`).toContain(status);
          if (req.op.responses[status]?.content?.['application/json']) {
            expect(res.headers['content-type'], where).toMatch(/^application\/json/);
            const validate = validatorFor(req.op, status);
            expect(validate(res.json()), `${where}: ${JSON.stringify(validate.errors)}`).toBe(true);
          }
          const schemaBroken =
            req.broken !== false || !bodyValid(req.op, req.payload, req.headers['content-type']);
          if (schemaBroken)
            expect(res.statusCode, `${where}: broken input accepted`).toBeGreaterThanOrEqual(400);
          if (req.credentials === 'none' && (req.op.security ?? []).length > 0) {
            expect([401, 400, 413, 415, 429], `${where}: no credentials`).toContain(res.statusCode);
          }
        }

        const t1 = Date.now();
        if (res.statusCode >= 400) {
          expect(await stateOf(req.target), `${where}: a refused request changed its target`).toBe(before);
          timing.state += Date.now() - t1;
        } else {
          if (req.target.kind === 'registration' && res.statusCode === 201) registered += 1;
          if (req.target.kind === 'departments' && res.statusCode === 201) departmentsCreated += 1;
          if (req.target.kind !== 'none' && req.target.kind !== 'registration') {
            await settle(req.target);
            cache.set(key, await stateOf(req.target));
            timing.settle += Date.now() - t1;
          }
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );

    // Refused registrations started nothing: the petitions on this task queue are the fixtures and the 201s.
    const petitions = await eventually(
      () => t.client.workflow.count(`WorkflowType = 'petition' AND TaskQueue = '${t.taskQueue}'`),
      (c) => c.count === fixtures.length + registered,
      'the petitions to be counted',
    );
    expect(petitions.count).toBe(fixtures.length + registered);
    const departments = (await t.call(t.token('admin'), { method: 'GET', url: '/v1/departments' })).json()
      .items;
    expect(departments).toHaveLength(3 + departmentsCreated);

    const seconds = (Date.now() - started) / 1000;
    console.log(
      `[fuzz] ${RUNS} requests (seed ${SEED}) over ${perOperation.size} operations in ${seconds.toFixed(1)} s ` +
        `(sending ${timing.inject} ms, state checks ${timing.state} ms, settling ${timing.settle} ms); ` +
        `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; error codes ${[...errorCodes].sort().join(', ')}; ` +
        `${registered} petitions registered, ${departmentsCreated} departments created`,
    );
    expect(perOperation.size).toBe(ops.length);
  }, 600_000);
});
