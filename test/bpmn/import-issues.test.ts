import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromBpmnXml, MAX_XML_DEPTH, toBpmnXml } from '../../definitions/bpmn';
import { isError, type Issue } from '../../definitions/language/issue';
import { loadStatutoryDefinition } from '../../definitions/statutory';
import { fixture } from '../definitions/fixtures';

const BPMN = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"';
const PE = 'xmlns:pe="https://petition-engine.org/schema/bpmn/1.0"';
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

/** A BPMN file around some process content. */
const file = (content: string, attrs = 'id="p" pe:version="1" pe:roles="department"') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions ${BPMN} ${PE} ${XSI} id="D" targetNamespace="urn:x">\n<bpmn:process ${attrs}>\n${content}\n</bpmn:process>\n</bpmn:definitions>`;

const errors = (issues: Issue[]) => issues.filter(isError);
const warnings = (issues: Issue[]) => issues.filter((i) => !isError(i));

/** The statutory export, changed by a text replacement (which must apply). */
async function statutoryWith(from: string | RegExp, to: string): Promise<string> {
  const xml = await toBpmnXml(loadStatutoryDefinition());
  const changed = xml.replace(from, to);
  expect(changed, `the replacement of ${String(from)} applies`).not.toBe(xml);
  return changed;
}

describe('BPMN import of what is not BPMN', () => {
  it('answers one issue with line and column for a text that is not XML', async () => {
    const result = await fromBpmnXml('id: petition-2022\nversion: 1\n');
    expect(result.definition).toBeUndefined();
    expect(result.issues).toEqual([
      expect.objectContaining({
        rule: 'bpmn-xml',
        line: 1,
        column: 1,
        message: expect.stringContaining('not well-formed XML'),
      }),
    ]);
  });

  it('answers an issue for an empty file and for XML that breaks off', async () => {
    expect((await fromBpmnXml('')).issues).toEqual([
      expect.objectContaining({ rule: 'bpmn-xml', message: expect.stringContaining('empty') }),
    ]);
    const broken = await fromBpmnXml(file('<bpmn:userTask id="t">'));
    expect(broken.issues).toEqual([
      expect.objectContaining({
        rule: 'bpmn-xml',
        line: 5,
        message: expect.stringContaining('closing tag mismatch'),
      }),
    ]);
  });

  it('answers that XML which is not BPMN 2.0 needs <bpmn:definitions>', async () => {
    const result = await fromBpmnXml('<?xml version="1.0"?><html><body>hello</body></html>');
    expect(result.issues).toEqual([
      expect.objectContaining({ rule: 'bpmn-xml', message: expect.stringContaining('<bpmn:definitions>') }),
    ]);
  });

  it(`refuses a document nested 100,000 deep at once, as an issue (past ${MAX_XML_DEPTH} levels), without building it`, async () => {
    const deep = file(
      `<bpmn:userTask id="t"><bpmn:extensionElements>${'<x:a xmlns:x="urn:x">'.repeat(100_000)}${'</x:a>'.repeat(100_000)}</bpmn:extensionElements></bpmn:userTask>`,
    );
    const started = performance.now();
    const result = await fromBpmnXml(deep);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result.definition).toBeUndefined();
    expect(result.issues).toEqual([
      expect.objectContaining({
        rule: 'bpmn-xml',
        message: expect.stringContaining(`more than ${MAX_XML_DEPTH} levels`),
      }),
    ]);
  });

  it('answers an issue for a file without a process, and one naming the extra process of a file with two', async () => {
    const none = await fromBpmnXml(`<bpmn:definitions ${BPMN} id="D" targetNamespace="urn:x"/>`);
    expect(none.issues).toEqual([
      expect.objectContaining({
        rule: 'bpmn-unsupported',
        message: expect.stringContaining('no <bpmn:process>'),
      }),
    ]);
    const two = await fromBpmnXml(
      (await toBpmnXml(fixture())).replace(
        '</bpmn:definitions>',
        '<bpmn:process id="other"><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>',
      ),
    );
    expect(errors(two.issues)).toEqual([
      expect.objectContaining({
        rule: 'bpmn-unsupported',
        elementId: 'other',
        message: expect.stringContaining('one process'),
      }),
    ]);
  });
});

describe('BPMN import of what the engine cannot map', () => {
  it('names every element of a kind the engine does not run, and what to do', async () => {
    const xml = await statutoryWith(
      '<bpmn:endEvent id="withdrawn"',
      '<bpmn:parallelGateway id="fork"/><bpmn:task id="plain"/><bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent><bpmn:subProcess id="sub"/><bpmn:endEvent id="withdrawn"',
    );
    const result = await fromBpmnXml(xml);
    const unsupported = errors(result.issues).filter((i) => i.rule === 'bpmn-unsupported');
    expect(unsupported.map((i) => i.elementId)).toEqual(['fork', 'plain', 'wait', 'sub']);
    expect(unsupported[0]!.message).toMatch(/<bpmn:parallelGateway> cannot be mapped: .* replace it/);
  });

  it('asks for the pe: data a step needs: the assignee of a user task (in the BPMN file’s words)', async () => {
    const result = await fromBpmnXml(await statutoryWith(' pe:assignee="bureau"', ''));
    expect(result.definition).toBeUndefined();
    expect(errors(result.issues)).toEqual([
      expect.objectContaining({
        rule: 'schema',
        elementId: 'forward',
        path: 'elements[2].assignee',
        message: expect.stringContaining('the pe:assignee attribute of <bpmn:userTask> "forward"'),
      }),
    ]);
  });

  it('asks for a <pe:deadline> on a timer that has none, and for whole days in its duration (Art. 22 forwarding period)', async () => {
    const bare = await fromBpmnXml(
      await statutoryWith(/<pe:deadline id="forwarding"[\s\S]*?<\/pe:deadline>/, ''),
    );
    expect(errors(bare.issues)).toEqual([
      expect.objectContaining({
        rule: 'bpmn-extension',
        elementId: 'forward__deadline__forwarding',
        message: expect.stringContaining('no <pe:deadline>'),
      }),
    ]);
    const hours = await fromBpmnXml(await statutoryWith('P15D', 'PT360H'));
    expect(errors(hours.issues)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'bpmn-extension',
          elementId: 'forward__deadline__forwarding',
          message: expect.stringContaining('"PT360H" is not whole days'),
        }),
      ]),
    );
  });

  it('refuses a flow out of a user task that names no action, and one that names an action the task lacks', async () => {
    const unnamed = await fromBpmnXml(await statutoryWith(' pe:action="decline"', ''));
    expect(errors(unnamed.issues).map((i) => [i.rule, i.elementId])).toContainEqual([
      'bpmn-extension',
      'forward__action__decline',
    ]);
    const wrong = await fromBpmnXml(await statutoryWith('pe:action="decline"', 'pe:action="refuse"'));
    expect(errors(wrong.issues)).toContainEqual(
      expect.objectContaining({
        rule: 'bpmn-extension',
        elementId: 'forward__action__decline',
        message: expect.stringContaining('action "refuse"'),
      }),
    );
  });

  it('refuses a condition in another language, and reads a Zeebe "=" expression or one with no language as FEEL with a warning', async () => {
    const js = await fromBpmnXml(
      await statutoryWith('language="feel">intake = "bureau"', 'language="javascript">intake == "bureau"'),
    );
    expect(errors(js.issues)).toContainEqual(
      expect.objectContaining({
        rule: 'bpmn-unsupported',
        elementId: 'intake-at-bureau',
        message: expect.stringContaining('"javascript"'),
      }),
    );
    const zeebe = await fromBpmnXml(
      await statutoryWith('language="feel">intake = "bureau"', '>= intake = "bureau"'),
    );
    expect(errors(zeebe.issues)).toEqual([]);
    expect(warnings(zeebe.issues)).toEqual([
      expect.objectContaining({ elementId: 'intake-at-bureau', severity: 'warning' }),
    ]);
    expect(zeebe.definition!.flows.find((f) => f.id === 'intake-at-bureau')!.condition).toBe(
      'intake = "bureau"',
    );
  });

  it('names a misspelt pe: attribute and a pe: element in the wrong place', async () => {
    const typo = await fromBpmnXml(
      await statutoryWith('pe:assignee="bureau"', 'pe:assignee="bureau" pe:asignee="bureau"'),
    );
    expect(errors(typo.issues)).toEqual([
      expect.objectContaining({
        rule: 'bpmn-extension',
        elementId: 'forward',
        path: expect.stringMatching(/@pe:asignee$/),
        message: expect.stringContaining('pe:asignee is not an attribute'),
      }),
    ]);
    const misplaced = await fromBpmnXml(
      await statutoryWith(
        /(<bpmn:serviceTask id="deliver-to-department"[^>]*>)/,
        '$1<bpmn:extensionElements><pe:action id="x" name="X" roles="registrar"/></bpmn:extensionElements>',
      ),
    );
    expect(errors(misplaced.issues)).toEqual([
      expect.objectContaining({
        rule: 'bpmn-extension',
        elementId: 'deliver-to-department',
        message: expect.stringContaining('it goes in <bpmn:userTask>'),
      }),
    ]);
  });

  it('names a reference to an element the file does not have', async () => {
    const result = await fromBpmnXml(await statutoryWith('targetRef="forward"', 'targetRef="nowhere"'));
    expect(errors(result.issues)).toContainEqual(
      expect.objectContaining({
        rule: 'bpmn-reference',
        elementId: 'intake-at-bureau',
        message: expect.stringContaining('"nowhere"'),
      }),
    );
  });

  it('runs the validator on what it imported, and still answers the definition', async () => {
    const result = await fromBpmnXml(await statutoryWith('targetRef="final"', 'targetRef="closed"'));
    expect(result.definition).toBeDefined();
    expect(result.issues.map((i) => i.rule)).toEqual(expect.arrayContaining(['reachable-from-start']));
  });
});

describe('BPMN import of files saved by third-party modellers', () => {
  const fixtureFile = (name: string) =>
    readFileSync(new URL(`../fixtures/bpmn/${name}`, import.meta.url), 'utf8');

  it('imports a Camunda Modeler 5 (Camunda 8) file as a valid definition, its zeebe:, modeler: and colour extensions reported as warnings naming the elements', async () => {
    const result = await fromBpmnXml(fixtureFile('camunda-modeler-suggestions.bpmn'));
    expect(errors(result.issues)).toEqual([]);
    expect(result.definition).toMatchObject({
      id: 'suggestion-box',
      version: 1,
      elements: [
        { id: 'start', type: 'startEvent' },
        {
          id: 'study',
          type: 'userTask',
          assignee: 'department',
          actions: [{ id: 'opinion', to: 'issue-reply' }],
          deadlines: [
            { id: 'study-period', duration: 30, counting: 'calendar-days', onExpiry: { kind: 'overdue' } },
          ],
        },
        { id: 'issue-reply', type: 'serviceTask', activity: 'notice' },
        { id: 'gateway-1f6a9ke', type: 'exclusiveGateway' },
        { id: 'adopted', type: 'endEvent' },
        { id: 'answered', type: 'endEvent' },
      ],
    });
    const foreign = (rule: string) =>
      result.issues
        .filter((i) => i.rule === rule)
        .map((i) => [
          i.elementId ?? '(definitions)',
          i.message.split(' ')[0] === 'The' ? i.message.split(' ')[2] : i.message.split(' ')[0],
        ]);
    expect(foreign('bpmn-foreign-extension')).toEqual([
      ['suggestion-box', '<zeebe:versionTag>'],
      ['study', '<zeebe:userTask>'],
      ['study', '<zeebe:assignmentDefinition>'],
      ['study', '<zeebe:formDefinition>'],
      ['issue-reply', '<zeebe:taskDefinition>'],
      ['(definitions)', 'modeler:executionPlatform'],
      ['(definitions)', 'modeler:executionPlatformVersion'],
    ]);
    expect(result.issues.filter((i) => i.rule === 'bpmn-diagram').map((i) => i.elementId)).toEqual([
      'study',
      'study',
      'study',
      'study',
    ]);
    expect(result.renamed).toMatchObject({
      Gateway_1f6a9ke: 'gateway-1f6a9ke',
      Flow_0s7d3kq: 'flow-0s7d3kq',
    });
    expect(result.issues.every((i) => i.severity === 'warning')).toBe(true);
  });

  it('keeps the Camunda Modeler layout, labels included, keyed by the definition’s ids', async () => {
    const { definition } = await fromBpmnXml(fixtureFile('camunda-modeler-suggestions.bpmn'));
    expect(definition!.diagram!.shapes).toMatchObject({
      start: { x: 152, y: 102, width: 36, height: 36, label: { x: 159, y: 145 } },
      'study__deadline__study-period': { x: 272, y: 142 },
      'gateway-1f6a9ke': { x: 585, y: 95 },
    });
    expect(Object.keys(definition!.diagram!.edges).sort()).toEqual(
      ['flow-0s7d3kq', 'flow-08x1lq4', 'flow-1h2k5mz', 'flow-0yq3b7d', 'study__action__opinion'].sort(),
    );
    const again = await fromBpmnXml(await toBpmnXml(definition!));
    expect(again.issues).toEqual([]);
    expect(again.definition).toEqual(definition);
  });

  it('reads a Camunda 7 file without pe: data: camunda: attributes are warnings, what the engine needs is asked for element by element', async () => {
    const result = await fromBpmnXml(fixtureFile('camunda7-petition-intake.bpmn'));
    expect(result.definition).toBeUndefined();
    expect(
      warnings(result.issues)
        .filter((i) => i.rule === 'bpmn-foreign-extension')
        .map((i) => i.elementId ?? '(definitions)'),
    ).toEqual([
      'StartEvent_1',
      'Activity_0register',
      'Activity_0register',
      'Activity_0register',
      'Activity_1notify',
      'Process_1d7c5vs',
      '(definitions)',
      '(definitions)',
    ]);
    expect(errors(result.issues).map((i) => [i.rule, i.elementId ?? i.path])).toEqual([
      ['bpmn-unsupported', 'Gateway_1fork'],
      ['bpmn-unsupported', 'Event_0declined'],
      ['bpmn-extension', 'Event_1sla'],
      ['bpmn-extension', 'Flow_0k2j7dq'],
      ['bpmn-unsupported', 'Flow_yes'],
      ['bpmn-unsupported', 'Flow_no'],
      ['schema', 'version'],
      ['schema', 'roles'],
      ['schema', 'activity-0register'],
      ['schema', 'activity-1notify'],
      ['schema', 'event-1accepted'],
      ['schema', 'event-0declined'],
    ]);
  });
});
