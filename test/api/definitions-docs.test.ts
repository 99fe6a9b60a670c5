import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { petitionBody, startApiTest, uniqueDept, type ApiTestContext } from '../helpers/api';

let t: ApiTestContext;
let designer: string;
const statutoryYaml = readFileSync(
  new URL('../../definitions/statutory/petition-2022-v2.yaml', import.meta.url),
  'utf8',
);
/** The statutory process under another id, so this file's registry can take new versions of it. */
const variant = (version: number, name = '信访事项办理（试点）') =>
  statutoryYaml
    .replace(/^id: petition-2022$/m, 'id: petition-pilot')
    .replace(/^version: 2$/m, `version: ${version}`)
    .replace(/^name: .*$/m, `name: ${name}`);

beforeAll(async () => {
  t = await startApiTest();
  designer = t.token('designer');
});
afterAll(async () => {
  await t?.close();
});

describe('definitions', () => {
  it('lists the published definitions, the statutory default among them', async () => {
    const res = await t.call(designer, { method: 'GET', url: '/v1/definitions' });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'petition-2022', version: 1, hash: expect.any(String) }),
        expect.objectContaining({ id: 'petition-2022', version: 2, hash: expect.any(String) }),
      ]),
    );
  });

  it('reads a definition, latest or by version; 404 for what was never published', async () => {
    const latest = await t.call(designer, { method: 'GET', url: '/v1/definitions/petition-2022' });
    expect(latest.statusCode).toBe(200);
    expect(latest.json()).toMatchObject({
      id: 'petition-2022',
      version: 2,
      definition: { id: 'petition-2022' },
    });
    expect(
      (await t.call(designer, { method: 'GET', url: '/v1/definitions/petition-2022?version=1' })).statusCode,
    ).toBe(200);
    expect(
      (await t.call(designer, { method: 'GET', url: '/v1/definitions/petition-2022?version=7' })).statusCode,
    ).toBe(404);
    expect((await t.call(designer, { method: 'GET', url: '/v1/definitions/no-such-thing' })).statusCode).toBe(
      404,
    );
    expect((await t.call(designer, { method: 'GET', url: '/v1/definitions/Bad_Id' })).statusCode).toBe(400);
  });

  it('validates a source sent as JSON or as YAML text, with issues located by line', async () => {
    const ok = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions/validate',
      payload: { source: statutoryYaml, format: 'yaml' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ valid: true, issues: [] });
    const raw = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions/validate',
      payload: statutoryYaml,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(raw.json()).toEqual({ valid: true, issues: [] });
    const broken = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions/validate',
      payload: statutoryYaml.replace('to: deliver-to-department', 'to: nowhere'),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(broken.statusCode).toBe(200);
    expect(broken.json().valid).toBe(false);
    expect(broken.json().issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: expect.any(String),
          message: expect.stringContaining('nowhere'),
          line: expect.any(Number),
        }),
      ]),
    );
  });

  it('refuses a definition body that is neither shape (400), and a content type it does not read (415)', async () => {
    const res = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions/validate',
      payload: { text: 'x' },
    });
    expect(res.statusCode).toBe(400);
    const xml = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions/validate',
      payload: '<bpmn/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error).toBe('unsupported_media_type');
  });

  it('publishes a new definition (201), republishing the same content is harmless, other content under the same version is 409, an invalid one 422', async () => {
    const published = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions',
      payload: variant(1),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(published.statusCode, published.body).toBe(201);
    expect(published.json()).toMatchObject({
      id: 'petition-pilot',
      version: 1,
      publishedBy: { role: 'designer' },
    });
    expect(published.headers.location).toBe('/v1/definitions/petition-pilot?version=1');
    const again = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions',
      payload: { source: variant(1), format: 'yaml' },
    });
    expect(again.statusCode).toBe(201);
    expect(again.json().hash).toBe(published.json().hash);
    const clash = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions',
      payload: { source: variant(1, '另一个名字'), format: 'yaml' },
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ error: 'definition_version_exists' });
    const invalid = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions',
      payload: { source: variant(2).replace('to: deliver-to-department', 'to: nowhere'), format: 'yaml' },
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json()).toMatchObject({
      error: 'invalid_definition',
      details: {
        issues: expect.arrayContaining([
          expect.objectContaining({ message: expect.stringContaining('nowhere') }),
        ]),
      },
    });
  });

  it('registers a petition on a published version; running petitions keep the version they started with', async () => {
    const res = await t.call(t.token('registrar'), {
      method: 'POST',
      url: '/v1/petitions',
      payload: petitionBody({ department: uniqueDept(), definition: 'petition-pilot@1' }),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().definition).toMatchObject({ id: 'petition-pilot', version: 1 });
    const publish2 = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions',
      payload: { source: variant(2), format: 'yaml' },
    });
    expect(publish2.statusCode).toBe(201);
    const after = await t.call(t.token('admin'), { method: 'GET', url: `/v1/petitions/${res.json().id}` });
    expect(after.json().definition).toMatchObject({ id: 'petition-pilot', version: 1 });
  });
});

describe('OpenAPI', () => {
  /** Every route of the contract, with the parts its schema must describe. */
  const routes: Array<[string, string, Array<'body' | 'query' | 'path' | 'header'>, number]> = [
    ['post', '/v1/petitions', ['body', 'header'], 201],
    ['get', '/v1/petitions', ['query'], 200],
    ['get', '/v1/petitions/{id}', ['path', 'header'], 200],
    ['post', '/v1/petitions/{id}/actions/{action}', ['path', 'body', 'header'], 200],
    ['get', '/v1/supervision/overdue', ['query'], 200],
    ['get', '/v1/supervision/at-risk', ['query'], 200],
    ['get', '/v1/stats', ['query'], 200],
    ['get', '/v1/calendar/deadline', ['query'], 200],
    ['get', '/v1/definitions', [], 200],
    ['get', '/v1/definitions/{id}', ['path', 'query'], 200],
    ['post', '/v1/definitions/validate', ['body'], 200],
    ['post', '/v1/definitions', ['body'], 201],
    ['get', '/healthz', [], 200],
    ['get', '/readyz', [], 200],
  ];

  it('serves a valid OpenAPI 3 document at /docs/json listing every route with its schemas', async () => {
    const res = await t.call(undefined, { method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    await SwaggerParser.validate(structuredClone(doc));
    const paths = doc.paths as Record<
      string,
      Record<
        string,
        {
          parameters?: Array<{ in: string }>;
          requestBody?: unknown;
          responses: Record<string, { content?: unknown }>;
        }
      >
    >;
    for (const [method, path, parts, success] of routes) {
      const op = paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      for (const part of parts) {
        if (part === 'body') expect(op!.requestBody, `${method} ${path} body`).toBeDefined();
        else
          expect(
            op!.parameters?.some((p) => p.in === part),
            `${method} ${path} ${part}`,
          ).toBe(true);
      }
      if (path.startsWith('/v1')) {
        expect(op!.responses[String(success)]?.content, `${method} ${path} ${success}`).toBeDefined();
        expect(op!.responses['401']?.content, `${method} ${path} 401`).toBeDefined();
      }
    }
    const documented = Object.entries(paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(documented.filter((r) => r.includes('/docs'))).toEqual([]);
    expect(documented).toEqual(expect.arrayContaining(routes.map(([m, p]) => `${m} ${p}`)));
    // Every /v1 operation, including ones added by other resources, declares its success and error bodies; those
    // that need a token (all but the embedded default's role picker) declare their 401.
    for (const [path, ops] of Object.entries(paths).filter(([p]) => p.startsWith('/v1'))) {
      for (const [method, op] of Object.entries(ops) as Array<
        [string, { responses: Record<string, { content?: unknown }>; security?: unknown[] }]
      >) {
        const success = Object.keys(op.responses).find((s) => /^2\d\d$/.test(s));
        expect(success, `${method} ${path} success`).toBeDefined();
        if (op.security?.length) expect(op.responses['401']?.content, `${method} ${path} 401`).toBeDefined();
        else expect(path, `${method} ${path} has no security requirement`).toMatch(/^\/v1\/console\/dev-/);
      }
    }
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.call(undefined, { method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(res.statusCode);
    const page =
      res.statusCode === 302
        ? await t.call(undefined, {
            method: 'GET',
            url: `/docs/${res.headers.location}`
              .replace('/docs/./', '/docs/')
              .replace('/docs//docs', '/docs'),
          })
        : res;
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
  });
});
