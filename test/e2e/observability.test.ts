/**
 * Traces and metrics of the real entry points: `npm run api` and `npm run worker` run as processes of their own with
 * an OTLP endpoint and metrics listeners configured, exactly as an operator starts them. An OTLP/HTTP receiver in
 * this test collects what both export; `/metrics` of both is scraped over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mintToken } from '../../api/auth/secret';
import { freePort } from '../../scripts/temporal-servers';
import { eventually, petitionBody, uniqueDept } from '../helpers/api';
import { testDataDir, testPayloadKeys, uniqueTaskQueue } from '../helpers/temporal';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The part of OTLP's ExportTraceServiceRequest this test reads (opentelemetry/proto/trace/v1, field numbers kept). */
const otlp = protobuf.Root.fromJSON({
  nested: {
    ExportTraceServiceRequest: {
      fields: { resourceSpans: { rule: 'repeated', type: 'ResourceSpans', id: 1 } },
    },
    ResourceSpans: {
      fields: {
        resource: { type: 'Resource', id: 1 },
        scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 },
      },
    },
    Resource: { fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
    AnyValue: { fields: { stringValue: { type: 'string', id: 1 } } },
    ScopeSpans: { fields: { spans: { rule: 'repeated', type: 'Span', id: 2 } } },
    Span: {
      fields: {
        traceId: { type: 'bytes', id: 1 },
        spanId: { type: 'bytes', id: 2 },
        parentSpanId: { type: 'bytes', id: 4 },
        name: { type: 'string', id: 5 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 9 },
      },
    },
  },
}).lookupType('ExportTraceServiceRequest');

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, string>;
}

interface DecodedKeyValue {
  key: string;
  value?: { stringValue?: string };
}

/** A minimal OTLP/HTTP receiver: POST /v1/traces with a protobuf body, as the OpenTelemetry Collector accepts it. */
async function startOtlpReceiver(): Promise<{ server: Server; endpoint: string; spans: ReceivedSpan[] }> {
  const spans: ReceivedSpan[] = [];
  const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('hex');
  const attrs = (kvs: DecodedKeyValue[] | undefined) =>
    Object.fromEntries((kvs ?? []).map((kv) => [kv.key, kv.value?.stringValue ?? '']));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      expect(req.headers['content-type']).toBe('application/x-protobuf');
      const decoded = otlp.toObject(otlp.decode(Buffer.concat(chunks))) as {
        resourceSpans?: Array<{
          resource?: { attributes?: DecodedKeyValue[] };
          scopeSpans?: Array<{
            spans?: Array<{
              traceId: Uint8Array;
              spanId: Uint8Array;
              parentSpanId?: Uint8Array;
              name: string;
              attributes?: DecodedKeyValue[];
            }>;
          }>;
        }>;
      };
      for (const rs of decoded.resourceSpans ?? []) {
        const service = attrs(rs.resource?.attributes)['service.name'] ?? '';
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? [])
            spans.push({
              service,
              traceId: hex(s.traceId),
              spanId: hex(s.spanId),
              parentSpanId: hex(s.parentSpanId),
              name: s.name,
              attributes: attrs(s.attributes),
            });
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, endpoint: `http://127.0.0.1:${port}`, spans };
}

interface Child {
  process: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs an entry point as `npm run worker` / `npm run api` run it; resolves once it reports ready. */
async function startEntryPoint(entry: string, env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: projectRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<boolean>((resolve) => {
    child.on('message', (m: { type?: string }) => m?.type === 'ready' && resolve(true));
    void exited.then(() => resolve(false));
  });
  if (!ready) throw new Error(`${entry} did not start:\n${stderr}`);
  return { process: child, stderr: () => stderr, exited };
}

async function stop(child: Child | undefined): Promise<number | null | undefined> {
  if (!child) return undefined;
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
  return await child.exited;
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return await res.text();
}

/** The value of one sample line `name{labels} value` in Prometheus's text format (undefined: no such line). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('traces and metrics of `npm run api` and `npm run worker`', () => {
  const secret = randomBytes(32).toString('base64url');
  const taskQueue = uniqueTaskQueue('observe');
  const D = uniqueDept('O');
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let worker: Child | undefined;
  let api: Child | undefined;
  let apiUrl: string;
  let apiMetricsUrl: string;
  let workerMetricsUrl: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const [apiPort, apiMetricsPort, workerMetricsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    apiMetricsUrl = `http://127.0.0.1:${apiMetricsPort}/metrics`;
    workerMetricsUrl = `http://127.0.0.1:${workerMetricsPort}/metrics`;
    const common = {
      TEMPORAL_ADDRESS: inject('devServerAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATA_DIR: testDataDir(),
      JWT_SECRET: secret,
      PAYLOAD_KEYS: testPayloadKeys(),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // Export within 100 ms of a span's end rather than the SDK's 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    // Started one after the other: each bundles or loads a lot on a 2-core machine.
    worker = await startEntryPoint('worker.ts', {
      ...common,
      WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}`,
      // A prebuilt bundle without the tracing interceptors: the worker must notice and bundle them in itself.
      WORKER_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    });
    api = await startEntryPoint('api/server.ts', {
      ...common,
      API_PORT: String(apiPort),
      API_METRICS_ADDRESS: `127.0.0.1:${apiMetricsPort}`,
    });
  }, 120_000);

  afterAll(async () => {
    const codes = [await stop(api), await stop(worker)];
    await new Promise((resolve) => receiver?.server.close(resolve));
    expect(codes.filter((c) => c !== undefined && c !== 0)).toEqual([]);
  });

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('exports one trace per action that links the HTTP request, the client Update and the workflow and activity spans of the worker', async () => {
    const registrar = mintToken(secret, { role: 'registrar', sub: 'reg-observe', ttlSeconds: 600 });
    const registered = await call(registrar, 'POST', '/v1/petitions', petitionBody());
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const id = registered.body.id as string;
    const forwarded = await call(registrar, 'POST', `/v1/petitions/${id}/actions/forward`, { department: D });
    expect(forwarded.status, JSON.stringify(forwarded.body)).toBe(200);

    const byId = (spanId: string) => receiver.spans.find((s) => s.spanId === spanId);
    const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
      const parent = byId(span.parentSpanId);
      return parent ? [parent, ...ancestors(parent)] : [];
    };
    const http = await eventually(
      async () => receiver.spans.find((s) => s.name === 'POST /v1/petitions/:id/actions/:action'),
      (s) => s !== undefined,
      'the action request span',
    );
    expect(http!.service).toBe('petition-api');
    expect(http!.parentSpanId).toBe('');
    const trace = () => receiver.spans.filter((s) => s.traceId === http!.traceId);
    const spans = await eventually(
      async () => trace(),
      (t) =>
        t.some((s) => s.name.startsWith('HandleUpdate:')) && t.some((s) => s.name.startsWith('RunActivity:')),
      'the worker spans of the action',
    );
    const update = spans.find((s) => s.name.startsWith('StartWorkflowUpdate:'));
    const handle = spans.find((s) => s.name.startsWith('HandleUpdate:'));
    const activity = spans.find((s) => s.name.startsWith('RunActivity:'));
    expect(update, spans.map((s) => `${s.service} ${s.name}`).join('\n')).toBeDefined();
    expect(update!.service).toBe('petition-api');
    expect(handle!.service).toBe('petition-worker');
    expect(activity!.service).toBe('petition-worker');
    // Parent links, not only a shared trace id: request → … → client Update → worker's handler → … → activity.
    expect(ancestors(update!)).toContain(http);
    expect(ancestors(handle!)).toContain(update);
    expect(ancestors(activity!)).toContain(http);
    expect(handle!.attributes).toMatchObject({ workflowId: expect.stringContaining(id) });

    // Registration is a trace of its own, from the request to the workflow's first activity.
    const start = receiver.spans.find((s) => s.name === 'POST /v1/petitions');
    expect(start).toBeDefined();
    expect(start!.traceId).not.toBe(http!.traceId);
    const startSpans = receiver.spans.filter((s) => s.traceId === start!.traceId).map((s) => s.name);
    expect(startSpans).toEqual(expect.arrayContaining([expect.stringMatching(/^StartWorkflow:/)]));
    // Probes are not traced.
    await fetch(`${apiUrl}/healthz`);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.spans.filter((s) => s.name.includes('/healthz'))).toEqual([]);
  }, 60_000);

  it("serves the API's request rates and latency by route and status, and the open petitions by step, on its metrics listener", async () => {
    const registrar = mintToken(secret, { role: 'registrar', sub: 'reg-observe', ttlSeconds: 600 });
    expect((await call(registrar, 'GET', '/v1/petitions/nope')).status).toBe(404);
    const text = await scrape(apiMetricsUrl);
    const count = (route: string, status: string, method = 'POST') =>
      sample(text, 'http_request_duration_seconds_count', { method, route, status_code: status });
    expect(count('/v1/petitions', '201')).toBeGreaterThanOrEqual(1);
    expect(count('/v1/petitions/:id/actions/:action', '200')).toBeGreaterThanOrEqual(1);
    expect(count('/v1/petitions/:id', '404', 'GET')).toBe(1);
    expect(
      sample(text, 'http_request_duration_seconds_bucket', {
        method: 'POST',
        route: '/v1/petitions',
        status_code: '201',
        le: '+Inf',
      }),
    ).toBe(count('/v1/petitions', '201'));
    // The petition of the test above rests on accept-notice; other files' petitions share the dev server.
    expect(sample(text, 'petitions_open', { step: 'accept-notice' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'petitions_open', { step: '(other)' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'petitions_open_counted_timestamp_seconds', {})).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
    expect(sample(text, 'process_cpu_seconds_total', {})).toBeGreaterThan(0);

    const other = await fetch(apiMetricsUrl.replace('/metrics', '/v1/petitions'));
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: 'not_found' });
    // And the API's own port does not serve metrics.
    expect((await fetch(`${apiUrl}/metrics`)).status).toBe(404);
  });

  it('refuses to start a second worker on a metrics address already taken, naming the setting to change', async () => {
    const address = workerMetricsUrl.replace(/^http:\/\/|\/metrics$/g, '');
    const second = spawn(process.execPath, ['--import', 'tsx', 'worker.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('devServerAddress'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        DATA_DIR: testDataDir(),
        PAYLOAD_KEYS: testPayloadKeys(),
        WORKER_METRICS_ADDRESS: address,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    second.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('Address already in use');
    expect(stderr).toContain(
      `WORKER_METRICS_ADDRESS=${address}: give each worker its own host:port, or 0 for none`,
    );
    // The first worker keeps its listener.
    expect((await fetch(workerMetricsUrl)).status).toBe(200);
  });

  it("serves the Temporal SDK's worker metrics on the worker's metrics listener", async () => {
    const text = await scrape(workerMetricsUrl);
    // The ones docs/operations.md says matter (failure counters appear at their first failure).
    for (const name of [
      'temporal_workflow_task_schedule_to_start_latency_bucket',
      'temporal_activity_schedule_to_start_latency_bucket',
      'temporal_workflow_task_execution_latency_bucket',
      'temporal_activity_execution_latency_bucket',
      'temporal_worker_task_slots_available',
      'temporal_sticky_cache_size',
    ])
      expect(text).toMatch(new RegExp(`^${name}\\{`, 'm'));
    expect(
      sample(text, 'temporal_activity_execution_latency_count', { task_queue: taskQueue }),
    ).toBeGreaterThan(0);
    expect(sample(text, 'temporal_worker_task_slots_available', { task_queue: taskQueue })).toBeGreaterThan(
      0,
    );
  });
});
