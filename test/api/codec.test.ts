/**
 * The codec server of the Temporal Web UI (`/codec`), against a real petition's history on the dev server: what is
 * stored is ciphertext; supervisors and admins (bearer token or the sign-in cookie) decode it; nobody else does; CORS
 * answers only the Web UI's origins.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEC_COOKIE } from '../../api/routes/codec';
import { EncryptionCodec } from '../../config/payload-codec';
import { payloadToJson, type JsonPayload } from '../../config/payload-json';
import { generateKey } from '../../config/payload-keys';
import { petitionWorkflowId } from '../../workflows/messages';
import { petitionBody, startApiTest, TEST_UI_ORIGINS, type ApiTestContext } from '../helpers/api';

let t: ApiTestContext;
let petitionId: string;
/** The start event's input as stored by Temporal, in the JSON form the Web UI sends. */
let storedInput: JsonPayload[];
const NAME = '码解测试人';

beforeAll(async () => {
  t = await startApiTest();
  const res = await t.call(t.token('registrar'), {
    method: 'POST',
    url: '/v1/petitions',
    payload: petitionBody({ petitioner: { name: NAME, phone: '13700001111' } }),
  });
  expect(res.statusCode, res.body).toBe(201);
  petitionId = res.json().id;
  const history = await t.client.workflow.getHandle(petitionWorkflowId(petitionId)).fetchHistory();
  const started = history.events!.find((e) => e.workflowExecutionStartedEventAttributes)!;
  storedInput = started.workflowExecutionStartedEventAttributes!.input!.payloads!.map((p) =>
    payloadToJson(p as Payload),
  );
});
afterAll(async () => {
  await t?.close();
});

const decode = (headers: Record<string, string>, payloads: JsonPayload[] = storedInput) =>
  t.app.inject({
    method: 'POST',
    url: '/codec/decode?preserveStorageRefs=true',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
    payload: { payloads },
  });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('what Temporal stores', () => {
  it('is ciphertext: the petition input is binary/encrypted under the keyring’s key and holds no name', () => {
    expect(storedInput).toHaveLength(1);
    const metadata = storedInput[0]!.metadata!;
    expect(Buffer.from(metadata['encoding']!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(metadata['encryption-key-id']!, 'base64').toString()).toMatch(/^k1-/);
    expect(Buffer.from(storedInput[0]!.data!, 'base64').toString('utf8')).not.toContain(NAME);
  });
});

describe('POST /codec/decode', () => {
  it('decrypts the payloads for a supervisor, as the Web UI sends them (X-Namespace, query string)', async () => {
    const res = await decode(bearer(t.token('supervisor')));
    expect(res.statusCode, res.body).toBe(200);
    const [payload] = res.json().payloads as JsonPayload[];
    expect(Buffer.from(payload!.metadata!['encoding']!, 'base64').toString()).toBe('json/plain');
    const input = JSON.parse(Buffer.from(payload!.data!, 'base64').toString('utf8'));
    expect(input.petition.petitioner.name).toBe(NAME);
  });

  it('answers 401 without a token and 403 to every role but supervisor and admin', async () => {
    expect((await decode({})).statusCode).toBe(401);
    expect((await decode({})).json().message).toContain('/codec/');
    expect((await decode(bearer(t.token('admin')))).statusCode).toBe(200);
    for (const [role, dept] of [
      ['registrar'],
      ['department', 'D1'],
      ['superior', 'S1'],
      ['designer'],
    ] as const) {
      const res = await decode(bearer(t.token(role, dept)));
      expect(res.statusCode, role).toBe(403);
      expect(res.json().error).toBe('forbidden');
      expect(res.body).not.toContain(NAME);
    }
  });

  it('refuses a namespace other than the API’s, before decoding anything', async () => {
    const res = await decode({ ...bearer(t.token('supervisor')), 'x-namespace': 'other' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'namespace_not_served' });
  });

  it('names the key id of a payload encrypted with a key the keyring lacks (422)', async () => {
    const stranger = new EncryptionCodec({
      keys: [{ ...generateKey(), id: 'k7-gone' }],
      source: 'elsewhere',
    });
    const [sealed] = await stranger.encode([defaultPayloadConverter.toPayload('x')]);
    const res = await decode(bearer(t.token('supervisor')), [payloadToJson(sealed!)]);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'payload_undecryptable', details: { keyId: 'k7-gone' } });
    expect(res.json().message).toContain('"k7-gone"');
  });

  it('passes clear payloads through and refuses a body that is not payloads (400)', async () => {
    const clear = payloadToJson(defaultPayloadConverter.toPayload({ hello: 'world' }));
    const res = await decode(bearer(t.token('supervisor')), [clear]);
    expect(res.json().payloads).toEqual([clear]);
    const bad = await decode(bearer(t.token('supervisor')), [{ data: 'not base64!' }]);
    expect(bad.statusCode).toBe(400);
  });

  it('encodes payloads for the UI with the encrypting key, and decode reverses it', async () => {
    const clear = payloadToJson(defaultPayloadConverter.toPayload({ signal: '督办' }));
    const enc = await t.app.inject({
      method: 'POST',
      url: '/codec/encode',
      headers: { 'content-type': 'application/json', ...bearer(t.token('supervisor')) },
      payload: { payloads: [clear] },
    });
    expect(enc.statusCode, enc.body).toBe(200);
    const [sealed] = enc.json().payloads as JsonPayload[];
    expect(Buffer.from(sealed!.metadata!['encoding']!, 'base64').toString()).toBe('binary/encrypted');
    expect((await decode(bearer(t.token('supervisor')), [sealed!])).json().payloads).toEqual([clear]);
  });
});

describe('signing in for the Web UI (cookie) and CORS', () => {
  const origin = TEST_UI_ORIGINS[0]!;

  it('sets an HttpOnly, SameSite=Strict cookie for /codec that the UI’s credentialed request carries', async () => {
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/codec/session',
      headers: bearer(t.token('supervisor', undefined, 'sup-ui')),
    });
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(signIn.json()).toMatchObject({
      sub: 'sup-ui',
      role: 'supervisor',
      endpoint: 'http://localhost:80/codec',
    });
    const cookie = signIn.cookies.find((c) => c.name === CODEC_COOKIE)!;
    expect(cookie).toMatchObject({ path: '/codec', httpOnly: true, sameSite: 'Strict' });
    expect(cookie.maxAge).toBeGreaterThan(3000);
    expect(cookie.maxAge).toBeLessThanOrEqual(3600);

    const res = await decode({ origin, cookie: `${CODEC_COOKIE}=${cookie.value}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(Buffer.from(res.json().payloads[0].data, 'base64').toString()).toContain(NAME);
  });

  it('refuses to sign in a role that may not decode, and keeps no cookie for it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/codec/session',
      headers: bearer(t.token('registrar')),
    });
    expect(res.statusCode).toBe(403);
    expect(res.cookies).toHaveLength(0);
  });

  it('signs in from the HTML form and redirects back to the page, which says who is signed in', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/codec/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Include cross-origin credentials');
    const form = await t.app.inject({
      method: 'POST',
      url: '/codec/session',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: t.token('admin', undefined, 'admin-form') }).toString(),
    });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe('/codec/');
    const cookie = form.cookies.find((c) => c.name === CODEC_COOKIE)!;
    const after = await t.app.inject({
      method: 'GET',
      url: '/codec/',
      headers: { cookie: `${CODEC_COOKIE}=${cookie.value}` },
    });
    expect(after.body).toContain('Signed in as <b>admin-form</b> (admin)');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/codec/session',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'token=not-a-token',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toContain('text/html');
    const out = await t.app.inject({ method: 'POST', url: '/codec/session/end' });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === CODEC_COOKIE)?.value).toBe('');
  });

  it('answers the UI’s preflight for its origin only (credentials, X-Namespace, POST)', async () => {
    const preflight = (from: string) =>
      t.app.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: {
          origin: from,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const ok = await preflight(origin);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(origin);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    expect(String(ok.headers['access-control-allow-headers']).toLowerCase()).toContain('x-namespace');
    expect((await preflight(TEST_UI_ORIGINS[1]!)).headers['access-control-allow-origin']).toBe(
      TEST_UI_ORIGINS[1],
    );
    const other = await preflight('http://127.0.0.1:9999');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a request from any other origin outright, even with a valid token (403)', async () => {
    const res = await decode({ origin: 'http://evil.example', ...bearer(t.token('supervisor')) });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('origin_not_allowed');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.body).not.toContain(NAME);
  });
});
