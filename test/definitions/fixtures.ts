import { describe, expect, it } from 'vitest';
import type { Issue, Rule } from '../../definitions/language/issue';
import { parsePath } from '../../definitions/language/issue';
import { DefinitionSchema, type Definition, type DefinitionInput } from '../../definitions/language/schema';

/** Fixtures for the rule tests: a minimal valid definition, and helpers to bend it one way at a time. */

type ElementInput = DefinitionInput['elements'][number];
type UserTaskInput = Extract<ElementInput, { type: 'userTask' }>;
type ActionInput = NonNullable<UserTaskInput['actions']>[number];
type DeadlineInput = NonNullable<UserTaskInput['deadlines']>[number];
type FlowInput = NonNullable<DefinitionInput['flows']>[number];

/**
 * start → decide (user task with a deadline, an extend action, a hearing pause) → route (gateway)
 *   → notify (service task) → done | refused. Registered in three categories, one confidential.
 */
export function baseDefinition(): DefinitionInput {
  return {
    id: 'fixture',
    version: 1,
    name: 'Fixture',
    roles: ['registrar', 'department', 'petitioner'],
    registration: {
      categories: {
        suggestion: { name: '建议' },
        report: { name: '检举', confidential: true, readMessage: '材料被查阅：{{reader}}' },
        complaint: { name: '申诉' },
      },
      channels: { letter: { name: '来信' }, visit: { name: '来访' } },
      variables: { category: 'petition.category' },
      message: '"登记：" + category',
    },
    variables: {
      category: { type: 'string', values: ['suggestion', 'report', 'complaint'] },
      approved: { type: 'boolean' },
      decidedAt: { type: 'datetime' },
      note: { type: 'string' },
    },
    documents: {
      notice: {
        title: '告知书',
        template: '{{petition.petitioner.name}}：{{petition.subject}}，{{variables.note}}',
      },
      'extension-notice': {
        title: '延期告知书',
        template: '延长{{input.days}}日，至{{deadline.lastDay}}。理由：{{input.reason}}',
      },
    },
    elements: [
      { id: 'start', type: 'startEvent' },
      {
        id: 'decide',
        type: 'userTask',
        name: 'Decide',
        assignee: 'department',
        actions: [
          {
            id: 'approve',
            name: 'Approve',
            roles: ['department'],
            fields: { note: { type: 'text' }, kind: { type: 'enum', values: ['a', 'b'] } },
            set: {
              approved: 'true',
              decidedAt: 'actionTime',
              note: 'if input.note != null then input.note else ""',
            },
            to: 'route',
          },
          {
            id: 'extend',
            name: 'Extend',
            roles: ['department'],
            fields: {
              days: { type: 'integer', required: true, min: 1, max: 30 },
              reason: { type: 'text', required: true },
            },
            effect: { type: 'extend', deadline: 'decision' },
            document: 'extension-notice',
          },
          {
            id: 'hearing-start',
            name: 'Hearing starts',
            roles: ['department'],
            effect: { type: 'pause', deadline: 'decision' },
          },
          {
            id: 'hearing-end',
            name: 'Hearing ends',
            roles: ['department'],
            effect: { type: 'resume', deadline: 'decision' },
          },
        ],
        deadlines: [
          {
            id: 'decision',
            name: 'Decision',
            article: 'Art. 1',
            duration: 10,
            counting: 'calendar-days',
            from: 'receipt',
            pause: { start: 'hearing-start', end: 'hearing-end' },
            extension: { maxDays: 30, approvalRoles: ['department'] },
            warnings: [3],
            onExpiry: { kind: 'overdue' },
          },
        ],
      },
      { id: 'route', type: 'exclusiveGateway' },
      {
        id: 'notify',
        type: 'serviceTask',
        name: 'Notify',
        activity: 'notice',
        document: 'notice',
        recipient: 'petitioner',
      },
      { id: 'done', type: 'endEvent', outcome: 'done' },
      { id: 'refused', type: 'endEvent', outcome: 'refused' },
    ],
    flows: [
      { id: 'f-start', from: 'start', to: 'decide' },
      {
        id: 'f-approved',
        from: 'route',
        to: 'notify',
        condition: 'approved = true and category != "report"',
      },
      { id: 'f-refused', from: 'route', to: 'refused', default: true },
      { id: 'f-notified', from: 'notify', to: 'done' },
    ],
    globalActions: [
      { id: 'withdraw', name: 'Withdraw', roles: ['petitioner'], steps: ['decide'], to: 'refused' },
    ],
  };
}

export type Mutation = (d: DefinitionInput) => void;

/** The base definition, changed by `mutate`, parsed by the schema (a fixture must pass the schema to reach the rules). */
export function fixture(mutate: Mutation = () => {}): Definition {
  const input = baseDefinition();
  mutate(input);
  const parsed = DefinitionSchema.safeParse(input);
  if (!parsed.success) throw new Error(`fixture does not pass the schema: ${parsed.error.message}`);
  return parsed.data;
}

export function element(d: DefinitionInput, id: string): ElementInput {
  const found = d.elements.find((e) => e.id === id);
  if (!found) throw new Error(`no element ${id}`);
  return found;
}

export function task(d: DefinitionInput, id = 'decide'): UserTaskInput {
  const found = element(d, id);
  if (found.type !== 'userTask') throw new Error(`${id} is not a user task`);
  return found;
}

export function action(d: DefinitionInput, id: string, taskId = 'decide'): ActionInput {
  const found = (task(d, taskId).actions ?? []).find((a) => a.id === id);
  if (!found) throw new Error(`no action ${id} in ${taskId}`);
  return found;
}

export function deadline(d: DefinitionInput, id = 'decision', taskId = 'decide'): DeadlineInput {
  const found = (task(d, taskId).deadlines ?? []).find((x) => x.id === id);
  if (!found) throw new Error(`no deadline ${id} in ${taskId}`);
  return found;
}

export function flow(d: DefinitionInput, id: string): FlowInput {
  const found = (d.flows ?? []).find((f) => f.id === id);
  if (!found) throw new Error(`no flow ${id}`);
  return found;
}

export function removeElement(d: DefinitionInput, id: string): void {
  d.elements = d.elements.filter((e) => e.id !== id);
}

export function removeFlow(d: DefinitionInput, id: string): void {
  d.flows = (d.flows ?? []).filter((f) => f.id !== id);
}

export type Expected = Partial<Pick<Issue, 'elementId' | 'path'>> & { message?: RegExp };

export interface RuleCases {
  valid: Array<[string, Mutation]>;
  invalid: Array<[string, Mutation, Expected[]]>;
}

/** Checks a rule's issues against the expected ones (same count, in order) and that each path points into the definition. */
export function expectIssues(rule: Rule, definition: Definition, expected: Expected[]): void {
  const issues = rule.check(definition);
  expect(issues, JSON.stringify(issues, null, 2)).toHaveLength(expected.length);
  issues.forEach((issue, i) => {
    const want = expected[i]!;
    expect(issue.rule).toBe(rule.id);
    if (want.path !== undefined) expect(issue.path).toBe(want.path);
    if (want.elementId !== undefined) expect(issue.elementId).toBe(want.elementId);
    if (want.message) expect(issue.message).toMatch(want.message);
    expect(pointsInto(definition, issue.path), `path ${issue.path} points into the definition`).toBe(true);
    expect(issue.message.length).toBeGreaterThan(20);
  });
}

/** Whether a path names an existing value of the definition, or a missing key of an existing object. */
function pointsInto(definition: Definition, path: string): boolean {
  let node: unknown = definition;
  const segments = parsePath(path);
  for (const [i, segment] of segments.entries()) {
    if (node === null || typeof node !== 'object') return false;
    const next = (node as Record<string | number, unknown>)[segment];
    if (next === undefined) return i === segments.length - 1;
    node = next;
  }
  return true;
}

/** The table of a rule's fixtures as tests: the base is clean, each valid variant is clean, each invalid one reports. */
export function describeRule(rule: Rule, cases: RuleCases): void {
  describe(`rule ${rule.id}`, () => {
    it('finds nothing wrong with the base fixture', () => expectIssues(rule, fixture(), []));
    it.each(cases.valid)('accepts %s', (_name, mutate) => expectIssues(rule, fixture(mutate), []));
    it.each(cases.invalid)('reports %s', (_name, mutate, expected) =>
      expectIssues(rule, fixture(mutate), expected),
    );
  });
}
