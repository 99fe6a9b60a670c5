/**
 * The designer's API (api/routes/designer.ts) against the dev server: the dry run of a published definition and of a
 * BPMN draft, its refusals and bad requests, the diff of a draft against the published version, and drafts kept in
 * their own store (workflows/definition-drafts.ts) with revisions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBpmnXml } from '../../definitions/bpmn';
import { loadStatutoryDefinition, statutoryDefinitionHash } from '../../definitions/statutory';
import { startApiTest, type ApiTestContext } from '../helpers/api';

let t: ApiTestContext;
let designer: string;
let statutoryXml: string;
/** The statutory definition with the acceptance notice due in 10 days instead of 15 (Art. 23 says 15). */
let tenDaysXml: string;

beforeAll(async () => {
  t = await startApiTest();
  designer = t.token('designer');
  statutoryXml = await toBpmnXml(loadStatutoryDefinition());
  tenDaysXml = statutoryXml.replace(
    /(<bpmn:boundaryEvent id="accept-notice__deadline__acceptance"[\s\S]*?<bpmn:timeDuration[^>]*>)P15D/,
    '$1P10D',
  );
  expect(tenDaysXml).not.toBe(statutoryXml);
});
afterAll(async () => {
  await t?.close();
});

/** Received directly by D1 on 2026-09-20, before the National Day holiday. */
const direct = {
  start: '2026-09-20T09:00:00+08:00',
  petition: { category: 'complaint', channel: 'letter', department: 'D1' },
};

const simulate = (body: Record<string, unknown>, as = designer) =>
  t.call(as, { method: 'POST', url: '/v1/definitions/simulate', payload: body });

describe('POST /v1/definitions/simulate', () => {
  it('dry-runs a published definition: the steps with their instants, each deadline with its explanation, and the end (Art. 23, 34)', async () => {
    const res = await simulate({
      definition: 'petition-2022@2',
      ...direct,
      actions: [
        { action: 'accept', at: '2026-09-25T10:00:00+08:00' },
        {
          action: 'opinion',
          at: '2026-10-20T10:00:00+08:00',
          input: { outcome: 'reject', text: '不予支持。', legalBasis: '某条例第十条' },
        },
        { action: 'reply', at: '2026-10-21T10:00:00+08:00' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.definition).toEqual({
      id: 'petition-2022',
      version: 2,
      hash: statutoryDefinitionHash(),
      from: 'published',
    });
    expect(body.steps.map((s: { element: string }) => s.element)).toEqual([
      'accept-notice',
      'send-acceptance-notice',
      'handle',
      'issue-opinion',
      'reply',
      'review-window',
      'closed',
    ]);
    expect(body.deadlines.find((d: { id: string }) => d.id === 'acceptance')).toMatchObject({
      state: 'met',
      lastDay: '2026-10-08',
      dueAt: '2026-10-08T16:00:00.000Z',
      provisional: false,
      article: '《信访工作条例》第二十三条第二款、第三款',
      explanation: expect.stringContaining('国庆节'),
    });
    expect(body.end).toMatchObject({ status: 'closed', outcome: { outcome: 'opinion-stands' } });
    expect(body.happenings.map((h: { type: string }) => h.type)).toContain('ended');
    expect(body.state).toBeUndefined();
  });

  it('dry-runs a BPMN draft whose acceptance period is 10 days: the notice is due on 2026-09-30, before the holiday', async () => {
    const res = await simulate({
      definition: { source: tenDaysXml, format: 'bpmn' },
      ...direct,
      actions: [],
      until: '2026-09-21T00:00:00+08:00',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.definition).toMatchObject({ id: 'petition-2022', from: 'source' });
    expect(body.definition.hash).not.toBe(statutoryDefinitionHash());
    expect(body.deadlines.find((d: { id: string }) => d.id === 'acceptance')).toMatchObject({
      duration: 10,
      lastDay: '2026-09-30',
      dueAt: '2026-09-30T16:00:00.000Z',
      state: 'running',
    });
  });

  it('answers 200 with `refused` when the engine refuses an action, naming the step and the article (Art. 23 ¶3)', async () => {
    const res = await simulate({
      definition: 'petition-2022@2',
      start: '2026-09-20T09:00:00+08:00',
      petition: { category: 'complaint' },
      actions: [
        { action: 'forward', at: '2026-09-21T09:00:00+08:00', input: { department: 'D1' } },
        { action: 'object', at: '2026-10-12T09:00:00+08:00', input: { reason: '不属于本机关职权范围' } },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().refused).toMatchObject({
      index: 1,
      action: 'object',
      step: 'accept-notice',
      type: 'StatutoryRule',
      message: expect.stringContaining('第二十三条第三款'),
    });
    expect(res.json().applied).toHaveLength(1);
  });

  it('answers 400 for actions out of order, an instant without offset, a category the definition does not declare, or a department without a role', async () => {
    const outOfOrder = await simulate({
      definition: 'petition-2022@2',
      ...direct,
      actions: [
        { action: 'accept', at: '2026-09-25T10:00:00+08:00' },
        { action: 'opinion', at: '2026-09-24T10:00:00+08:00', input: { outcome: 'reject', text: 'x' } },
      ],
    });
    expect(outOfOrder.statusCode).toBe(400);
    expect(outOfOrder.json()).toMatchObject({
      error: 'validation_failed',
      message: expect.stringContaining('actions[1].at'),
      details: { field: 'actions[1].at' },
    });
    const beforeStart = await simulate({
      definition: 'petition-2022@2',
      ...direct,
      actions: [{ action: 'accept', at: '2026-09-19T10:00:00+08:00' }],
    });
    expect(beforeStart.statusCode).toBe(400);
    const noOffset = await simulate({
      definition: 'petition-2022@2',
      start: '2026-09-20T09:00:00',
      actions: [],
    });
    expect(noOffset.statusCode).toBe(400);
    expect(noOffset.json().message).toMatch(/offset/);
    const category = await simulate({
      definition: 'petition-2022@2',
      ...direct,
      petition: { category: 'other' },
    });
    expect(category.statusCode).toBe(400);
    expect(category.json().details).toEqual({
      field: 'petition.category',
      allowed: ['suggestion', 'report', 'complaint'],
    });
    const department = await simulate({
      definition: 'petition-2022@2',
      ...direct,
      actions: [{ action: 'accept', at: '2026-09-25T10:00:00+08:00', department: 'D1' }],
    });
    expect(department.statusCode).toBe(400);
  });

  it('answers 422 with the issues for a source that does not validate, 404 for an unpublished version, 403 for a registrar', async () => {
    const broken = statutoryXml.replace('article="《信访工作条例》第二十三条第二款、第三款"', 'article=""');
    const invalid = await simulate({ definition: { source: broken, format: 'bpmn' }, ...direct });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json()).toMatchObject({
      error: 'invalid_definition',
      details: { issues: expect.any(Array) },
    });
    expect(invalid.json().details.issues.length).toBeGreaterThan(0);
    const missing = await simulate({ definition: 'petition-2022@99', ...direct });
    expect(missing.statusCode).toBe(404);
    const registrar = await simulate({ definition: 'petition-2022@2', ...direct }, t.token('registrar'));
    expect(registrar.statusCode).toBe(403);
  });
});

describe('POST /v1/definitions/diff', () => {
  it('names the deadline whose duration changed, field by field, and nothing else', async () => {
    const res = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions/diff',
      payload: { base: 'petition-2022@2', draft: { source: tenDaysXml, format: 'bpmn' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      base: { id: 'petition-2022', version: 2, hash: statutoryDefinitionHash() },
      same: false,
      changes: [
        {
          kind: 'changed',
          scope: 'deadline',
          id: 'accept-notice/acceptance',
          elementId: 'accept-notice',
          name: '受理告知期限',
          fields: [{ path: 'duration', before: 15, after: 10 }],
        },
      ],
    });
    expect(res.json().changes).toHaveLength(1);
  });

  it('finds the round trip of the published version the same, and lists what version 2 changed against version 1', async () => {
    const same = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions/diff',
      payload: { base: 'petition-2022@2', draft: { source: statutoryXml, format: 'bpmn' } },
    });
    expect(same.json()).toMatchObject({ same: true, changes: [] });
    const versions = await t.call(designer, {
      method: 'POST',
      url: '/v1/definitions/diff',
      payload: { base: 'petition-2022@1', draft: 'petition-2022@2' },
    });
    expect(versions.statusCode).toBe(200);
    expect(versions.json().changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'changed', scope: 'definition' })]),
    );
  });
});

describe('drafts', () => {
  it('keeps a draft with who and when, refuses a save over a newer revision (409), and discards it by revision', async () => {
    const url = '/v1/definitions/petition-2022/draft';
    expect((await t.call(designer, { method: 'GET', url })).statusCode).toBe(404);
    const first = await t.call(designer, {
      method: 'PUT',
      url,
      payload: { source: tenDaysXml, format: 'bpmn', baseRevision: 0, basedOn: 2 },
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      id: 'petition-2022',
      revision: 1,
      format: 'bpmn',
      basedOn: 2,
      savedBy: { role: 'designer' },
      issues: [],
    });
    const read = await t.call(designer, { method: 'GET', url });
    expect(read.json()).toMatchObject({ revision: 1, source: tenDaysXml });
    const stale = await t.call(t.token('admin'), {
      method: 'PUT',
      url,
      payload: { source: statutoryXml, format: 'bpmn', baseRevision: 0 },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'draft_conflict',
      message: expect.stringContaining('revision 1'),
      details: { current: { revision: 1 } },
    });
    const broken = tenDaysXml.replace('article="《信访工作条例》第二十三条第二款、第三款"', 'article=""');
    const second = await t.call(designer, {
      method: 'PUT',
      url,
      payload: { source: broken, format: 'bpmn', baseRevision: 1 },
    });
    expect(second.statusCode).toBe(200);
    expect(second.json().revision).toBe(2);
    expect(second.json().issues.length).toBeGreaterThan(0);
    const list = await t.call(designer, { method: 'GET', url: '/v1/definition-drafts' });
    expect(list.json().items).toEqual([expect.objectContaining({ id: 'petition-2022', revision: 2 })]);
    expect(list.json().items[0].source).toBeUndefined();
    expect((await t.call(designer, { method: 'DELETE', url: `${url}?revision=1` })).statusCode).toBe(404);
    expect((await t.call(designer, { method: 'DELETE', url: `${url}?revision=2` })).statusCode).toBe(204);
    expect((await t.call(designer, { method: 'GET', url })).statusCode).toBe(404);
  });

  it('refuses a draft of another definition under this id (400), and a supervisor (403)', async () => {
    const other = await t.call(designer, {
      method: 'PUT',
      url: '/v1/definitions/other-process/draft',
      payload: { source: statutoryXml, format: 'bpmn' },
    });
    expect(other.statusCode).toBe(400);
    expect(other.json().message).toContain('PUT /v1/definitions/petition-2022/draft');
    const supervisor = await t.call(t.token('supervisor'), {
      method: 'GET',
      url: '/v1/definition-drafts',
    });
    expect(supervisor.statusCode).toBe(403);
  });
});
