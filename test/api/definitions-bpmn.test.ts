import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBpmnXml, toBpmnXml } from '../../definitions/bpmn';
import { loadStatutoryDefinition, statutoryDefinitionHash } from '../../definitions/statutory';
import { petitionBody, startApiTest, uniqueDept, type ApiTestContext } from '../helpers/api';

let t: ApiTestContext;
let designer: string;
let statutoryXml: string;
const fixture = (name: string) => readFileSync(new URL(`../fixtures/bpmn/${name}`, import.meta.url), 'utf8');
const BPMN = 'application/bpmn+xml';

beforeAll(async () => {
  t = await startApiTest();
  designer = t.token('designer');
  statutoryXml = await toBpmnXml(loadStatutoryDefinition());
});
afterAll(async () => {
  await t?.close();
});

describe('definitions as BPMN 2.0 XML', () => {
  it('answers a published definition as BPMN XML for ?format=bpmn, which imports back to the same content hash', async () => {
    const res = await t.call(designer, {
      method: 'GET',
      url: '/v1/definitions/petition-2022?version=1&format=bpmn',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/bpmn+xml; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('inline; filename="petition-2022-1.bpmn"');
    expect(res.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<bpmn:definitions /);
    const imported = await fromBpmnXml(res.body);
    expect(imported.issues).toEqual([]);
    expect(imported.hash).toBe(statutoryDefinitionHash(1));
  });

  it('answers BPMN XML for Accept: application/bpmn+xml, and JSON when ?format=json says so', async () => {
    const xml = await t.call(designer, {
      method: 'GET',
      url: '/v1/definitions/petition-2022',
      headers: { accept: BPMN },
    });
    expect(xml.statusCode).toBe(200);
    expect(xml.headers['content-type']).toMatch(/^application\/bpmn\+xml/);
    expect(xml.body).toBe(statutoryXml);
    const json = await t.call(designer, {
      method: 'GET',
      url: '/v1/definitions/petition-2022?format=json',
      headers: { accept: BPMN },
    });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.json()).toMatchObject({ id: 'petition-2022', hash: statutoryDefinitionHash() });
  });

  it('answers 404 in the usual shape for BPMN of what was never published, 400 for an unknown format, 401 without a token', async () => {
    const missing = await t.call(designer, { method: 'GET', url: '/v1/definitions/no-such?format=bpmn' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found', message: expect.any(String) });
    expect(
      (await t.call(designer, { method: 'GET', url: '/v1/definitions/petition-2022?format=xml' })).statusCode,
    ).toBe(400);
    expect(
      (await t.call(undefined, { method: 'GET', url: '/v1/definitions/petition-2022?format=bpmn' }))
        .statusCode,
    ).toBe(401);
  });

  it('validates BPMN sent as { format: "bpmn", source } or as an application/bpmn+xml body', async () => {
    const wrapped = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions/validate',
      payload: { format: 'bpmn', source: statutoryXml },
    });
    expect(wrapped.statusCode, wrapped.body).toBe(200);
    expect(wrapped.json()).toEqual({ valid: true, issues: [] });
    const raw = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions/validate',
      payload: statutoryXml,
      headers: { 'content-type': BPMN },
    });
    expect(raw.json()).toEqual({ valid: true, issues: [] });
  });

  it('validates a Camunda Modeler file: valid, with the foreign extensions as warnings naming the elements', async () => {
    const res = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions/validate',
      payload: fixture('camunda-modeler-suggestions.bpmn'),
      headers: { 'content-type': `${BPMN}; charset=utf-8` },
    });
    expect(res.statusCode).toBe(200);
    const { valid, issues } = res.json() as {
      valid: boolean;
      issues: Array<{ elementId?: string; severity?: string; rule: string }>;
    };
    expect(valid).toBe(true);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.severity === 'warning')).toBe(true);
    expect(issues).toContainEqual(
      expect.objectContaining({ rule: 'bpmn-foreign-extension', elementId: 'study' }),
    );
  });

  it('answers 200 with the issues for BPMN that is not XML, not BPMN, or nested 100,000 deep', async () => {
    for (const source of ['not xml', '<html/>', `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`]) {
      const res = await t.call(designer, {
        method: 'POST',
        url: '/v1/definitions/validate',
        payload: source,
        headers: { 'content-type': BPMN },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ valid: false, issues: [expect.objectContaining({ rule: 'bpmn-xml' })] });
    }
  });

  it('publishes a Camunda Modeler file (201, with its warnings), keeps its layout, and registers a petition on it', async () => {
    const published = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions',
      payload: fixture('camunda-modeler-suggestions.bpmn'),
      headers: { 'content-type': BPMN },
    });
    expect(published.statusCode, published.body).toBe(201);
    expect(published.json()).toMatchObject({
      id: 'suggestion-box',
      version: 1,
      warnings: expect.arrayContaining([
        expect.objectContaining({ rule: 'bpmn-foreign-extension', elementId: 'issue-reply' }),
      ]),
    });
    expect(published.headers.location).toBe('/v1/definitions/suggestion-box?version=1');
    const xml = await t.call(designer, { method: 'GET', url: '/v1/definitions/suggestion-box?format=bpmn' });
    expect(xml.body).toContain(
      '<bpmndi:BPMNShape id="study_di" bpmnElement="study">\n        <dc:Bounds x="240" y="80" width="100" height="80" />',
    );
    expect(xml.body).not.toContain('pe:autoLayout');
    const json = await t.call(designer, { method: 'GET', url: '/v1/definitions/suggestion-box' });
    expect(json.json().definition.diagram.shapes.start).toEqual({
      x: 152,
      y: 102,
      width: 36,
      height: 36,
      label: { x: 159, y: 145, width: 22, height: 14 },
    });
    const petition = await t.call(t.token('registrar'), {
      method: 'POST',
      url: '/v1/petitions',
      payload: petitionBody({
        department: uniqueDept(),
        definition: 'suggestion-box@1',
        category: 'suggestion',
      }),
    });
    expect(petition.statusCode, petition.body).toBe(201);
    expect(petition.json().definition).toMatchObject({ id: 'suggestion-box', version: 1 });
  });

  it('refuses to publish a BPMN file the engine cannot run: 422 with every issue, warnings included', async () => {
    const res = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions',
      payload: { format: 'bpmn', source: fixture('camunda7-petition-intake.bpmn') },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: 'invalid_definition',
      message: expect.stringMatching(/^The definition has \d+ issue\(s\)\.$/),
      details: {
        issues: expect.arrayContaining([
          expect.objectContaining({ rule: 'bpmn-unsupported', elementId: 'Gateway_1fork' }),
          expect.objectContaining({
            rule: 'bpmn-foreign-extension',
            severity: 'warning',
            elementId: 'Activity_0register',
          }),
        ]),
      },
    });
    const deep = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions',
      payload: `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`,
      headers: { 'content-type': BPMN },
    });
    expect(deep.statusCode).toBe(422);
    expect(deep.json().details.issues).toEqual([expect.objectContaining({ rule: 'bpmn-xml' })]);
  });

  it('documents the BPMN media type in the OpenAPI document (GET answers it, validate and publish accept it)', async () => {
    const doc = (await t.call(undefined, { method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths['/v1/definitions/{id}'].get.responses['200'].content)).toEqual([
      'application/json',
      BPMN,
    ]);
    for (const [path, method] of [
      ['/v1/definitions/validate', 'post'],
      ['/v1/definitions', 'post'],
    ] as const)
      expect(Object.keys(doc.paths[path][method].requestBody.content)).toEqual([
        'application/json',
        'application/yaml',
        BPMN,
      ]);
  });
});
