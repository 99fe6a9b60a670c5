import { describe, expect, it } from 'vitest';
import { fromBpmnXml, toBpmnXml } from '../../definitions/bpmn';
import { createModdle, Reading, type ModdleElement } from '../../definitions/bpmn/moddle';
import { decodeProperties, encodeProperties } from '../../definitions/bpmn/properties';
import type { SchemaNode } from '../../definitions/bpmn/schema-nodes';
import type { Definition } from '../../definitions/language/schema';
import { loadStatutoryDefinition } from '../../definitions/statutory';
import { action, deadline, fixture, flow, task } from '../definitions/fixtures';
import { expectRoundTrip } from './helpers';

/** The exported XML read back with our descriptor, by XML id. */
async function exported(definition: Definition) {
  const xml = await toBpmnXml(definition);
  const { rootElement, elementsById } = await createModdle().fromXML(xml);
  const byId = (id: string): ModdleElement => {
    const element = elementsById[id];
    if (!element) throw new Error(`no element ${id} in the export`);
    return element;
  };
  const extensions = (id: string): ModdleElement[] =>
    ((byId(id).get('extensionElements') as ModdleElement | undefined)?.get('values') as ModdleElement[]) ??
    [];
  const process = (rootElement.get('rootElements') as ModdleElement[])[0]!;
  return { xml, root: rootElement, process, byId, extensions };
}

describe('BPMN mapping: steps', () => {
  it('maps a user task to bpmn:userTask with pe:assignee, and its actions to <pe:action> with fields, set, guards and effect', async () => {
    const { byId, extensions } = await exported(
      fixture((d) => {
        action(d, 'approve').guards = [
          { condition: 'approved = false', message: 'only once', article: 'Art. 2' },
        ];
      }),
    );
    const decide = byId('decide');
    expect(decide.$type).toBe('bpmn:UserTask');
    expect(decide.get('pe:assignee')).toBe('department');
    const actions = extensions('decide');
    expect(actions.map((a) => [a.$type, a.get('id')])).toEqual([
      ['pe:Action', 'approve'],
      ['pe:Action', 'extend'],
      ['pe:Action', 'hearing-start'],
      ['pe:Action', 'hearing-end'],
    ]);
    const [approve, extend] = actions as [ModdleElement, ModdleElement];
    expect(approve.get('roles')).toBe('department');
    const fields = approve.get('fields') as ModdleElement[];
    expect(fields.map((f) => [f.get('name'), f.get('type'), f.get('values')])).toEqual([
      ['note', 'text', undefined],
      ['kind', 'enum', 'a b'],
    ]);
    expect(
      (approve.get('assignments') as ModdleElement[]).map((s) => [s.get('variable'), s.get('expression')]),
    ).toEqual([
      ['approved', 'true'],
      ['decidedAt', 'actionTime'],
      ['note', 'if input.note != null then input.note else ""'],
    ]);
    const [guard] = approve.get('guards') as ModdleElement[];
    expect([guard!.get('condition'), guard!.get('message'), guard!.get('article')]).toEqual([
      'approved = false',
      'only once',
      'Art. 2',
    ]);
    const effect = extend.get('effect') as ModdleElement;
    expect([effect.get('type'), effect.get('deadline'), extend.get('document')]).toEqual([
      'extend',
      'decision',
      'extension-notice',
    ]);
  });

  it('maps an action that moves the token to a sequence flow out of its task, labelled with the action and marked pe:action', async () => {
    const { byId, process } = await exported(fixture());
    const approve = byId('decide__action__approve');
    expect(approve.$type).toBe('bpmn:SequenceFlow');
    expect((approve.get('sourceRef') as ModdleElement).get('id')).toBe('decide');
    expect((approve.get('targetRef') as ModdleElement).get('id')).toBe('route');
    expect([approve.get('name'), approve.get('pe:action')]).toEqual(['Approve', 'approve']);
    const actionFlows = (process.get('flowElements') as ModdleElement[]).filter((e) => e.get('pe:action'));
    expect(actionFlows.map((f) => f.get('pe:action'))).toEqual(['approve']);
  });

  it('maps a service task and an end event to their BPMN elements with pe: attributes (the final end of Art. 36 ¶3 too)', async () => {
    const { byId } = await exported(loadStatutoryDefinition());
    const notice = byId('issue-opinion');
    expect(notice.$type).toBe('bpmn:ServiceTask');
    expect([notice.get('pe:activity'), notice.get('pe:document'), notice.get('pe:recipient')]).toEqual([
      'notice',
      'handling-opinion',
      'petitioner',
    ]);
    expect([byId('final').$type, byId('final').get('pe:outcome'), byId('final').get('pe:final')]).toEqual([
      'bpmn:EndEvent',
      'final',
      true,
    ]);
    expect(byId('closed').get('pe:final')).toBeUndefined();
  });

  it('maps the start event’s set to <pe:set> in its extension elements', async () => {
    const { extensions } = await exported(loadStatutoryDefinition());
    expect(extensions('start').map((s) => s.get('variable'))).toEqual([
      'channelName',
      'receivedByBureauAt',
      'receivedByBodyAt',
    ]);
  });
});

describe('BPMN mapping: deadlines', () => {
  it('maps a deadline to a boundary timer on its task: P<n>D, counting, from, pause, extension, warnings and article in <pe:deadline>', async () => {
    const { byId, extensions } = await exported(fixture());
    const timer = byId('decide__deadline__decision');
    expect(timer.$type).toBe('bpmn:BoundaryEvent');
    expect((timer.get('attachedToRef') as ModdleElement).get('id')).toBe('decide');
    expect(timer.get('name')).toBe('Decision');
    expect(timer.get('cancelActivity')).toBe(false);
    const [definition] = timer.get('eventDefinitions') as ModdleElement[];
    expect(definition!.$type).toBe('bpmn:TimerEventDefinition');
    expect((definition!.get('timeDuration') as ModdleElement).get('body')).toBe('P10D');
    const [pe] = extensions('decide__deadline__decision');
    expect(pe!.$type).toBe('pe:Deadline');
    expect([
      pe!.get('id'),
      pe!.get('article'),
      pe!.get('counting'),
      pe!.get('from'),
      pe!.get('warnings'),
    ]).toEqual(['decision', 'Art. 1', 'calendar-days', 'receipt', '3']);
    const pause = pe!.get('pause') as ModdleElement;
    expect([pause.get('start'), pause.get('end')]).toEqual(['hearing-start', 'hearing-end']);
    const extension = pe!.get('extension') as ModdleElement;
    expect([extension.get('maxDays'), extension.get('approvalRoles')]).toEqual([30, 'department']);
    expect((pe!.get('onExpiry') as ModdleElement).get('kind')).toBe('overdue');
  });

  it('maps a window that moves the token on when it closes (Art. 35 review request window) to an interrupting timer with a flow to where it goes', async () => {
    const { byId, extensions } = await exported(loadStatutoryDefinition());
    const timer = byId('review-window__deadline__review-request-window');
    expect(timer.get('cancelActivity')).toBe(true);
    const [out] = timer.get('outgoing') as ModdleElement[];
    expect(out!.get('id')).toBe('review-window__expiry__review-request-window');
    expect((out!.get('targetRef') as ModdleElement).get('id')).toBe('closing');
    const [pe] = extensions('review-window__deadline__review-request-window');
    expect((pe!.get('onExpiry') as ModdleElement).get('kind')).toBe('follow');
    expect(pe!.get('refuseAfter')).toBe('request-review');
    expect(pe!.get('from')).toBe('replyServedAt');
  });

  it('counts working days by pe:deadline counting, the timer still saying P<n>D (Art. 23 ¶3 objection window)', async () => {
    const { byId, extensions } = await exported(loadStatutoryDefinition());
    const timer = byId('accept-notice__deadline__objection-window');
    const [definition] = timer.get('eventDefinitions') as ModdleElement[];
    expect((definition!.get('timeDuration') as ModdleElement).get('body')).toBe('P5D');
    expect(extensions('accept-notice__deadline__objection-window')[0]!.get('counting')).toBe('working-days');
  });

  it('leaves out of the XML what equals the language’s default (maxTimes 1, escalate, required: false)', async () => {
    const { xml } = await exported(fixture());
    expect(xml).not.toMatch(/maxTimes=/);
    expect(xml).not.toMatch(/escalate=/);
    expect(xml).not.toMatch(/required="false"/);
    expect(xml).toMatch(/<pe:field name="days" type="integer" required="true" min="1" max="30"/);
  });
});

describe('BPMN mapping: flows and declarations', () => {
  it('maps a condition to a FEEL conditionExpression and the default flow to the gateway’s default', async () => {
    const { byId, xml } = await exported(fixture());
    const approved = byId('f-approved');
    const condition = approved.get('conditionExpression') as ModdleElement;
    expect([condition.$type, condition.get('language'), condition.get('body')]).toEqual([
      'bpmn:FormalExpression',
      'feel',
      'approved = true and category != "report"',
    ]);
    expect(xml).toMatch(/<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="feel">/);
    expect((byId('route').get('default') as ModdleElement).get('id')).toBe('f-refused');
  });

  it('maps version and roles to the process, and variables, documents and global actions to its extension elements', async () => {
    const { process } = await exported(fixture());
    expect([process.get('id'), process.get('pe:version'), process.get('pe:roles')]).toEqual([
      'fixture',
      1,
      'registrar department petitioner',
    ]);
    const values = (process.get('extensionElements') as ModdleElement).get('values') as ModdleElement[];
    expect(values.map((v) => [v.$type, v.get('id') ?? v.get('name')])).toEqual([
      ['pe:Variable', 'category'],
      ['pe:Variable', 'approved'],
      ['pe:Variable', 'decidedAt'],
      ['pe:Variable', 'note'],
      ['pe:Document', 'notice'],
      ['pe:Document', 'extension-notice'],
      ['pe:GlobalAction', 'withdraw'],
      // A declaration the mapping does not place itself travels as JSON (see the next test).
      ['pe:Property', 'registration'],
    ]);
    const withdraw = values.find((v) => v.$type === 'pe:GlobalAction')!;
    expect([withdraw.get('to'), withdraw.get('steps'), withdraw.get('roles')]).toEqual([
      'refused',
      'decide',
      'petitioner',
    ]);
    expect(values[4]!.get('template')).toBe(
      '{{petition.petitioner.name}}：{{petition.subject}}，{{variables.note}}',
    );
  });

  it('carries what is not a plain list of tokens (a role with a space, an enum value with one) as JSON in <pe:property>', async () => {
    const definition = fixture((d) => {
      d.roles = ['registrar', 'department', 'petitioner', 'department head'];
      d.variables!['category'] = { type: 'string', values: ['a b', 'c'] };
      action(d, 'approve').roles = ['department head'];
    });
    const { xml } = await expectRoundTrip(definition);
    expect(xml).toContain(
      '<pe:property name="roles">["registrar","department","petitioner","department head"]</pe:property>',
    );
    expect(xml).toContain('<pe:property name="values">["a b","c"]</pe:property>');
  });

  it('keeps references to nothing (an invalid definition) in <pe:property> rather than losing them', async () => {
    const definition = fixture((d) => {
      action(d, 'approve').to = 'nowhere';
      deadline(d).onExpiry = { kind: 'follow', to: 'nowhere-either' };
      flow(d, 'f-notified').to = 'ghost';
    });
    await expectRoundTrip(definition);
  });

  it('names the process after the definition, and otherwise when a step already has that id', async () => {
    const definition = fixture((d) => {
      d.id = 'done';
    });
    const { process } = await exported(definition);
    expect([process.get('id'), process.get('pe:definitionId')]).toEqual(['done__process', 'done']);
    await expectRoundTrip(definition);
  });

  it('draws every step, deadline timer and flow when it lays the diagram out, and marks the layout as automatic', async () => {
    const { root, process } = await exported(loadStatutoryDefinition());
    const [diagram] = root.get('diagrams') as ModdleElement[];
    const drawn = ((diagram!.get('plane') as ModdleElement).get('planeElement') as ModdleElement[]).map((p) =>
      (p.get('bpmnElement') as ModdleElement).get('id'),
    );
    const all = (process.get('flowElements') as ModdleElement[]).map((e) => e.get('id'));
    expect(new Set(drawn)).toEqual(new Set(all));
    expect(root.get('pe:autoLayout')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('BPMN mapping: fields the mapping does not know yet', () => {
  const moddle = createModdle();
  const schema: SchemaNode = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      article: { type: 'string' },
      supervision: { type: 'object' },
      holders: { type: 'object', additionalProperties: { type: 'string' } },
      extension: {
        type: 'object',
        properties: { maxDays: { type: 'integer' }, approver: { type: 'string' } },
      },
    },
  };

  it('writes a field pe.json does not declare as <pe:property> JSON and reads it back, nested ones too', () => {
    const value = {
      id: 'd',
      article: 'Art. 40',
      supervision: { answerDays: 15, levels: ['bureau', 'county office'] },
      holders: { department: 'department', superior: 'reviewBody' },
      extension: { maxDays: 30, approver: 'head of the body' },
    };
    const element = moddle.create('pe:Deadline');
    encodeProperties(moddle, { element, type: 'pe:Deadline' }, value, schema);
    expect((element.get('properties') as ModdleElement[]).map((p) => p.get('name'))).toEqual([
      'supervision',
      'holders',
    ]);
    const extension = element.get('extension') as ModdleElement;
    expect(extension.get('maxDays')).toBe(30);
    expect((extension.get('properties') as ModdleElement[])[0]!.get('value')).toBe('"head of the body"');
    const decoded = decodeProperties(moddle, new Reading(), { element, type: 'pe:Deadline' }, schema);
    expect(decoded).toEqual(value);
  });

  it('writes a definition-level declaration it does not know to the process’s extension elements', () => {
    const process = moddle.create('bpmn:Process', { id: 'p' });
    const value = { version: 2, initialVariables: { channelName: '"网上信访"' } };
    encodeProperties(moddle, { element: process, type: 'pe:ProcessProps' }, value, {
      type: 'object',
      properties: { version: { type: 'integer' }, initialVariables: { type: 'object' } },
    });
    expect(process.get('pe:version')).toBe(2);
    const [property] = (process.get('extensionElements') as ModdleElement).get('values') as ModdleElement[];
    expect([property!.$type, property!.get('name'), property!.get('value')]).toEqual([
      'pe:Property',
      'initialVariables',
      '{"channelName":"\\"网上信访\\""}',
    ]);
  });
});

describe('BPMN mapping: the round trip of the fixtures it is built from', () => {
  it('gives back a task with several actions to one target and a deadline without warnings', async () => {
    await expectRoundTrip(
      fixture((d) => {
        const t = task(d);
        t.actions!.push({
          id: 'reject',
          name: 'Reject',
          roles: ['department'],
          to: 'route',
          set: { approved: 'false' },
        });
        deadline(d).warnings = [];
      }),
    );
  });

  it('imports an export whose numbers and strings a modeller could not tell apart from text (a numeric name)', async () => {
    const definition = fixture((d) => {
      task(d).name = '15';
      d.name = 'true';
    });
    const imported = await fromBpmnXml(await toBpmnXml(definition));
    expect(imported.definition?.name).toBe('true');
    expect(imported.definition?.elements[1]).toMatchObject({ name: '15' });
  });
});
