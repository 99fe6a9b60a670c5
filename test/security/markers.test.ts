/**
 * Where does personal data end up? A whole petition lifecycle runs through the real stack as `npm start` runs it —
 * Temporal's dev server on a SQLite file in WAL mode, worker.ts and api/server.ts as processes of their own, the
 * embedded default's keyring and file outbox — with a distinctive marker in every personal field and in every text a
 * person typed. Then the raw SQLite file and its WAL, every process's log, the visibility store (list with search
 * attributes and memo) and every file in the data folder are searched for the markers.
 *
 * Expected exceptions, and only these (docs/security.md, "What the marker test allows"):
 * - `outbox/petitioner/*`: the notices addressed to the petitioner (受理告知书, 处理意见书, …) carry the petitioner's
 *   name and address because they are posted to that person (Art. 22, 32); with SMTP they are e-mailed instead.
 * Subject, content and action texts count as personal data: a grievance is about a person, often quotes them, and
 * is protected like the identity (条例 Art. 30, 46(5); PIPL Art. 28 sensitive information).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadOrCreateJwtSecret, mintToken } from '../../api/auth/secret';
import { dataConverterFromConfig } from '../../config/data-converter';
import { loadConfig } from '../../config';
import {
  devServerArgs,
  freePort,
  stopServer,
  waitForTemporal,
  type ServerProcess,
} from '../../scripts/temporal-servers';
import { ensureTemporalBinaries } from '../../scripts/fetch-temporal';
import { petitionWorkflowId } from '../../workflows/messages';
import { searchAttributeRegistrations } from '../../workflows/search-attributes';
import { forkReady, stopChild } from '../departments/child';

const run = randomBytes(4).toString('hex').toUpperCase();
/** One marker per personal field and typed text; each unique to this run. */
const M = {
  name: `ZQNAME${run}`,
  address: `ZQADDR${run}`,
  phone: `ZQPHONE${run}`,
  idNumber: `ZQIDNO${run}`,
  email: `zqmail${run.toLowerCase()}`,
  repName: `ZQREPN${run}`,
  repPhone: `ZQREPP${run}`,
  repId: `ZQREPI${run}`,
  subject: `ZQSUBJ${run}`,
  content: `ZQCONT${run}`,
  attachment: `ZQATTN${run}`,
  opinion: `ZQOPIN${run}`,
  reason: `ZQREAS${run}`,
  rejected: `ZQREJT${run}`,
};
const markers = Object.values(M);

const dir = mkdtempSync(path.join(inject('testRunDir'), 'markers-'));
const dataDir = path.join(dir, 'data');
const dbFile = path.join(dataDir, 'temporal.sqlite');
mkdirSync(dataDir, { mode: 0o700 });
const serverLog = path.join(dir, 'server.log');
/** Everything each process wrote to stdout and stderr. */
const logs: Record<string, () => string> = { server: () => readFileSync(serverLog, 'utf8') };
const env = {} as Record<string, string>;
let server: (ServerProcess & { log: () => Promise<void> }) | undefined;
let worker: ChildProcess | undefined;
let api: ChildProcess | undefined;
let apiUrl = '';
let petitionId = '';

/** Which markers occur in these bytes. */
function found(bytes: Buffer): string[] {
  return markers.filter((m) => bytes.includes(Buffer.from(m, 'utf8')));
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(root, f))
    .filter((f) => statSync(f).isFile());
}

async function startServer(port: number): Promise<void> {
  const { cli } = ensureTemporalBinaries();
  const out = createWriteStream(serverLog, { flags: 'a' });
  const child = spawn(
    cli,
    devServerArgs({
      cli,
      ip: '127.0.0.1',
      port,
      dbFile,
      searchAttributes: searchAttributeRegistrations,
      logLevel: 'info',
    }),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  server = {
    child,
    address: `127.0.0.1:${port}`,
    exited,
    output: () => readFileSync(serverLog, 'utf8').slice(-4000),
    log: () => new Promise((resolve) => out.end(resolve)),
  };
  await waitForTemporal(server.address, { namespace: 'default', server, timeoutMs: 60_000 });
}

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${apiUrl}${url}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

beforeAll(async () => {
  const port = await freePort();
  await startServer(port);
  const apiPort = await freePort();
  // The embedded default's settings: no TEMPORAL_ADDRESS, the keyring and the JWT secret created under DATA_DIR.
  Object.assign(env, {
    TEMPORAL_ADDRESS: '',
    TEMPORAL_PORT: String(port),
    TEMPORAL_UI_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    PAYLOAD_KEYS: '',
    PAYLOAD_KEY_FILE: '',
    JWT_SECRET: '',
    SMTP_URL: '',
    SMTP_HOST: '',
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
  });
  apiUrl = `http://127.0.0.1:${apiPort}`;
  const w = await forkReady('../../worker.ts', [], env, 90_000);
  worker = w.child;
  logs['worker'] = w.output;
  const a = await forkReady('../../api/server.ts', [], env, 60_000);
  api = a.child;
  logs['api'] = a.output;
  for (let i = 0; i < 200 && (await fetch(`${apiUrl}/readyz`)).status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 250));
  }
}, 180_000);

afterAll(async () => {
  await stopChild(api);
  await stopChild(worker);
  if (server) await stopServer(server, 10_000);
  rmSync(dir, { recursive: true, force: true });
});

describe('personal data at rest and in logs, after a whole lifecycle through the real stack', () => {
  it(
    'runs registration → forward → accept → opinion → reply → evaluate → review → re-review → final with a marker in every personal field (Art. 22–36)',
    { timeout: 120_000 },
    async () => {
      const secret = loadOrCreateJwtSecret(dataDir);
      const token = (role: 'registrar' | 'department' | 'superior' | 'supervisor', dept?: string) =>
        mintToken(secret, { role, sub: `${role}-m`, ...(dept && { dept }), ttlSeconds: 3600 });
      const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
      const registered = await call(
        'POST',
        '/v1/petitions',
        {
          channel: 'visit',
          category: 'complaint',
          petitioner: {
            name: `王${M.name}`,
            address: `北京市海淀区${M.address}号`,
            phone: M.phone,
            idNumber: M.idNumber,
            email: `${M.email}@example.cn`,
          },
          representatives: [{ name: M.repName, phone: M.repPhone, idNumber: M.repId }],
          subject: `供暖${M.subject}`,
          content: `入冬以来室温低于16度。${M.content}。联系人 ${M.name}。`,
          attachments: [{ name: `${M.attachment}.pdf`, ref: `ref-1` }],
        },
        bearer(token('registrar')),
      );
      expect(registered.status, registered.text).toBe(201);
      petitionId = registered.json().id;
      const petitioner = { 'x-access-code': registered.json().accessCode as string };

      // Refusals that carry markers: the answer and the logs must not echo them.
      const badEnum = await call(
        'POST',
        `/v1/petitions/${petitionId}/actions/forward`,
        { department: 'district-housing', mode: M.rejected },
        bearer(token('registrar')),
      );
      expect(badEnum.status).toBe(400);
      const badJson = await call('POST', '/v1/petitions', `{"petitioner": ${M.rejected}}`, {
        ...bearer(token('registrar')),
        'content-type': 'application/json',
      });
      expect(badJson.status).toBe(400);
      for (const res of [badEnum, badJson]) expect(found(Buffer.from(res.text))).toEqual([]);

      const dept = token('department', 'district-housing');
      const superior = token('superior', 'district-gov');
      const steps: Array<[Record<string, string>, string, Record<string, unknown>]> = [
        [bearer(token('registrar')), 'forward', { department: 'district-housing' }],
        [bearer(dept), 'accept', {}],
        [
          bearer(dept),
          'opinion',
          {
            outcome: 'explain',
            text: `经调查，${M.opinion}，已答复王${M.name}。`,
            legalBasis: '某条例第十条',
          },
        ],
        [bearer(dept), 'reply', {}],
        [petitioner, 'evaluate', { rating: 'unsatisfied' }],
        [petitioner, 'request-review', { reason: `${M.reason}：温度测量有误` }],
        [bearer(superior), 'review-opinion', { outcome: 'reject', text: `维持。${M.opinion}` }],
        [bearer(superior), 'serve-review-opinion', {}],
        [petitioner, 'request-re-review', { reason: `仍不服，${M.reason}` }],
        [
          bearer(token('superior', 'city-gov')),
          're-review-opinion',
          { outcome: 'reject', text: `复核维持。${M.opinion}` },
        ],
        [bearer(token('superior', 'city-gov')), 'serve-re-review-opinion', {}],
        [petitioner, 'evaluate', { rating: 'unsatisfied' }],
      ];
      for (const [n, [headers, action, body]] of steps.entries()) {
        // A worker that has just bundled its workflows may be slow on a busy machine: a 503 is retried with the same
        // Idempotency-Key, as the API asks clients to.
        let res = await call('POST', `/v1/petitions/${petitionId}/actions/${action}`, body, {
          ...headers,
          'idempotency-key': `${petitionId}-${n}-${action}`,
        });
        for (let i = 0; i < 3 && res.status === 503; i++) {
          res = await call('POST', `/v1/petitions/${petitionId}/actions/${action}`, body, {
            ...headers,
            'idempotency-key': `${petitionId}-${n}-${action}`,
          });
        }
        expect(res.status, `${action}: ${res.text}`).toBe(200);
        // A hand-over to a body runs after the action has answered (docs/api.md, "Actions"): the next action waits
        // until the body has received the petition.
        let step = (res.json() as { step: string }).step;
        for (let i = 0; i < 120 && step.startsWith('deliver-to-'); i++) {
          await new Promise((r) => setTimeout(r, 250));
          const view = await call(
            'GET',
            `/v1/petitions/${petitionId}`,
            undefined,
            bearer(token('supervisor')),
          );
          step = (view.json() as { step: string }).step;
        }
        expect(step, `${action}: still handing over`).not.toMatch(/^deliver-to-/);
      }
      // Deliveries and notices run after the actions answer; let them settle.
      await new Promise((r) => setTimeout(r, 2_000));
      const view = await call('GET', `/v1/petitions/${petitionId}`, undefined, bearer(token('supervisor')));
      expect(view.status).toBe(200);
      // Positive control: the data is all there, for those who may read it.
      expect(found(Buffer.from(view.text))).toEqual(
        expect.arrayContaining([M.name, M.address, M.phone, M.subject, M.content, M.opinion, M.reason]),
      );
    },
  );

  it('finds no marker in visibility: workflow ids, search attributes and memo (hashes only)', async () => {
    const config = loadConfig(env);
    const connection = await Connection.connect({ address: config.temporal.address });
    try {
      const client = new Client({ connection, dataConverter: dataConverterFromConfig(config).dataConverter });
      const listed: unknown[] = [];
      for await (const wf of client.workflow.list({ query: `WorkflowType = 'petition'` })) {
        listed.push({ id: wf.workflowId, searchAttributes: wf.searchAttributes, memo: await wf.memo });
      }
      expect(listed.map((w) => (w as { id: string }).id)).toContain(petitionWorkflowId(petitionId));
      const memo = (listed[0] as { memo: Record<string, unknown> }).memo;
      expect(Object.keys(memo).sort()).toEqual(['accessCodeHash', 'requestHash']);
      expect(found(Buffer.from(JSON.stringify(listed)))).toEqual([]);
    } finally {
      await connection.close();
    }
  });

  it('finds no marker in the raw SQLite file and its WAL while the server runs, nor after it stopped', async () => {
    const sqliteFiles = () => readdirSync(dataDir).filter((f) => f.startsWith('temporal.sqlite'));
    expect(sqliteFiles()).toEqual(expect.arrayContaining(['temporal.sqlite', 'temporal.sqlite-wal']));
    const wal = statSync(`${dbFile}-wal`).size;
    expect(wal + statSync(dbFile).size).toBeGreaterThan(100_000);
    const raw = () => Buffer.concat(sqliteFiles().map((f) => readFileSync(path.join(dataDir, f))));
    // The search sees what is stored in clear: the workflow id is there, the markers are not.
    expect(raw().includes(Buffer.from(petitionWorkflowId(petitionId)))).toBe(true);
    for (const f of sqliteFiles()) expect(found(readFileSync(path.join(dataDir, f))), f).toEqual([]);

    await stopChild(api);
    await stopChild(worker);
    await stopServer(server!, 10_000);
    await server!.log();
    for (const f of sqliteFiles()) expect(found(readFileSync(path.join(dataDir, f))), f).toEqual([]);
    expect(raw().includes(Buffer.from(petitionWorkflowId(petitionId)))).toBe(true);
  });

  it('finds no marker in the logs of the dev server, the worker and the API (debug level)', () => {
    for (const [name, log] of Object.entries(logs)) {
      const text = log();
      expect(text.length, `${name} wrote its log`).toBeGreaterThan(200);
      expect(found(Buffer.from(text)), name).toEqual([]);
    }
    // Nor a key: the SDK logs a worker's options, data converter included, at debug level.
    const keys = JSON.parse(readFileSync(path.join(dataDir, 'payload-keys.json'), 'utf8')) as {
      keys: Array<{ key: string }>;
    };
    const secrets = [
      ...keys.keys.flatMap((k) => [k.key, JSON.stringify([...Buffer.from(k.key, 'base64')])]),
      readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8').trim(),
    ];
    for (const [name, log] of Object.entries(logs)) {
      for (const secret of secrets)
        expect(log().includes(secret.slice(1, -1)), `a key or secret in the ${name} log`).toBe(false);
    }
    expect(logs['worker']!()).toContain('Creating worker');
    // The API logged the refused requests (so their absence above is not for want of logging).
    expect(logs['api']!()).toContain('request rejected');
  });

  it('finds no marker in the data folder but in the notices addressed to the petitioner (the listed exception)', () => {
    const files = filesUnder(dataDir).filter((f) => !path.basename(f).startsWith('temporal.sqlite'));
    const exceptions = files.filter((f) =>
      path.relative(dataDir, f).startsWith(path.join('outbox', 'petitioner')),
    );
    const others = files.filter((f) => !exceptions.includes(f));
    expect(others.map((f) => path.relative(dataDir, f))).toEqual(
      expect.arrayContaining(['jwt-secret', 'payload-keys.json']),
    );
    for (const f of others) expect(found(readFileSync(f)), path.relative(dataDir, f)).toEqual([]);
    console.log(
      `[markers] searched ${others.length} files: ${others.map((f) => path.relative(dataDir, f)).join(', ')}; ` +
        `exceptions: ${exceptions.map((f) => path.relative(dataDir, f)).join(', ')}`,
    );
    // The exception is real: the letters are posted to the petitioner, so they carry the name and the address.
    expect(exceptions.length).toBeGreaterThan(0);
    const letters = Buffer.concat(exceptions.map((f) => readFileSync(f)));
    expect(found(letters)).toEqual(expect.arrayContaining([M.name, M.address]));
  });
});
