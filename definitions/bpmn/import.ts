import type { BpmnModdle, ParseResult, ParseWarning } from 'bpmn-moddle';
import { parsePath, type Issue } from '../language/issue';
import { parseDefinitionValue } from '../language/parse';
import type { Definition } from '../language/schema';
import { validateDefinition } from '../language/validate';
import { markAllRead, readDiagram } from './diagram';
import { IdNames } from './id-names';
import { actionFlowId, deadlineEventId, expiryFlowId } from './ids';
import { DURATION, ELEMENT_KINDS, kindOfBpmn, type ElementKind } from './kinds';
import { reportLeftovers } from './leftovers';
import { createModdle, peModdleDescriptor, Reading, tagOf, type ModdleElement } from './moddle';
import { decodeProperties, extensionValues } from './properties';
import { definitionNode, itemNode, narrow, propertyNode } from './schema-nodes';
import { scanXml } from './xml-scan';

/** What an import made of a BPMN file. */
export interface BpmnImport {
  /** The definition, when what was read fits the language's schema (it may still have validation issues). */
  definition?: Definition;
  /** Its content hash (`hashDefinition`). */
  hash?: string;
  /**
   * XML id → definition id, for the ids a modeller gave that are not language ids (`Gateway_1f6a9ke` is read as
   * `gateway-1f6a9ke`): what an editor needs to find the element an issue names.
   */
  renamed?: Record<string, string>;
  /**
   * Everything the mapping could not carry (with the BPMN element's id and what to do), then the schema's and the
   * validator's issues. Other modellers' extensions are warnings (`severity: 'warning'`); the rest are errors.
   */
  issues: Issue[];
}

const BPMN_MODEL = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

/** BPMN elements that describe the process without changing how it runs: kept nowhere, reported as warnings. */
const PASSIVE = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

/** Languages read as FEEL besides `feel` itself (the DMN specification's URIs for it). */
const FEEL_URIS = /^(feel|https?:\/\/www\.omg\.org\/spec\/(dmn\/\d+\/)?feel(\/\d+)?\/?)$/i;

/**
 * Reads BPMN 2.0 XML into a definition: the inverse of `toBpmnXml`, and tolerant of files other modellers saved.
 * Never throws; whatever cannot be mapped is an issue naming the element and what to do.
 */
export async function fromBpmnXml(xml: string): Promise<BpmnImport> {
  if (typeof xml !== 'string' || xml.trim() === '')
    return {
      issues: [
        { rule: 'bpmn-xml', path: '', message: 'The BPMN file is empty: send the XML a modeller saved.' },
      ],
    };
  const syntax = scanXml(xml);
  if (syntax) return { issues: [syntax] };
  const moddle = createModdle();
  let parsed: ParseResult;
  try {
    parsed = await moddle.fromXML(xml);
  } catch (error) {
    return { issues: [notBpmn(error)] };
  }
  const reading = new Reading();
  for (const warning of parsed.warnings) convertWarning(reading, warning);
  const read = readDefinitions(moddle, reading, parsed.rootElement);
  reportLeftovers(reading, parsed.rootElement);
  if (read === undefined) return { issues: reading.issues };
  const renamed = Object.keys(read.renamed).length > 0 ? { renamed: read.renamed } : {};
  const checked = parseDefinitionValue(read.raw);
  if (!checked.ok)
    return { ...renamed, issues: [...reading.issues, ...checked.issues.map((i) => withBpmnHint(i, read))] };
  return {
    definition: checked.definition,
    hash: checked.hash,
    ...renamed,
    issues: [...reading.issues, ...validateDefinition(checked.definition)],
  };
}

/** The attributes pe.json gives a BPMN element type (`pe:ProcessProps` → version, roles, …). */
function peAttributes(type: string | undefined): string[] {
  const name = type?.replace(/^pe:/, '');
  return peModdleDescriptor.types.find((t) => t.name === name)?.properties.map((p) => p.name) ?? [];
}

/** Says where in the BPMN file a schema issue about a process or step attribute is fixed. */
function withBpmnHint(issue: Issue, read: Read): Issue {
  const segments = parsePath(issue.path);
  const [first, index, key] = segments;
  if (segments.length === 1 && typeof first === 'string' && peAttributes('pe:ProcessProps').includes(first))
    return {
      ...issue,
      message: `${issue.message} In the BPMN file: the pe:${first} attribute of <bpmn:process>.`,
    };
  if (first !== 'elements' || typeof index !== 'number' || typeof key !== 'string' || segments.length !== 3)
    return issue;
  const element = (read.raw['elements'] as Array<Record<string, unknown>>)[index];
  const kind = ELEMENT_KINDS[element?.['type'] as ElementKind] as
    (typeof ELEMENT_KINDS)[ElementKind] | undefined;
  if (!kind || !peAttributes(kind.props).includes(key)) return issue;
  const id = String(element!['id']);
  const xmlId = Object.entries(read.renamed).find(([, to]) => to === id)?.[0] ?? id;
  const tag = kind.bpmn.replace(/:(.)/, (_m, c: string) => `:${c.toLowerCase()}`);
  return {
    ...issue,
    message: `${issue.message} In the BPMN file: the pe:${key} attribute of <${tag}> "${xmlId}".`,
  };
}

function position(message: string): { line?: number; column?: number } {
  const line = /line: (\d+)/.exec(message);
  const column = /column: (\d+)/.exec(message);
  return {
    ...(line ? { line: Number(line[1]) + 1 } : {}),
    ...(column ? { column: Number(column[1]) + 1 } : {}),
  };
}

function notBpmn(error: unknown): Issue {
  const message = error instanceof Error ? error.message : String(error);
  if (/failed to parse document as <bpmn:Definitions>/.test(message))
    return {
      rule: 'bpmn-xml',
      path: '',
      message: `The XML is not BPMN 2.0: its root must be <bpmn:definitions> in the namespace ${BPMN_MODEL}. Send the file a BPMN modeller saved.`,
    };
  return {
    rule: 'bpmn-xml',
    path: '',
    message: `The BPMN file cannot be read: ${message.split('\n')[0]}; fix the XML.`,
    ...position(message),
  };
}

function convertWarning(reading: Reading, warning: ParseWarning): void {
  const { message } = warning;
  if (/^unknown attribute </.test(message)) return; // in $attrs: reported with the other leftovers
  const reference = /^unresolved reference <(.*)>/.exec(message);
  if (reference) {
    reading.report(
      'bpmn-reference',
      warning.element,
      `${warning.property ?? 'A reference'} names "${reference[1]}", which is not in the file: point it at an element that is.`,
      { attribute: warning.property },
    );
    return;
  }
  const where = position(message);
  const element = /unrecognized element <([^>]+)>/.exec(message)?.[1];
  const prefix = element?.includes(':') ? element.slice(0, element.indexOf(':')) : undefined;
  if (element && prefix !== undefined && !['bpmn', 'bpmndi', 'dc', 'di', 'pe'].includes(prefix)) {
    reading.issues.push({
      rule: 'bpmn-foreign-extension',
      path: '',
      message: `<${element}> belongs to another modeller's extension and stands where BPMN allows none; it is ignored.`,
      ...where,
      severity: 'warning',
    });
    return;
  }
  reading.issues.push({
    rule: element ? 'bpmn-unsupported' : 'bpmn-xml',
    path: '',
    message: element
      ? `<${element}> is not BPMN 2.0 the engine knows, or not allowed where it stands: remove or correct it.`
      : `${message.split('\n')[0]}: correct the XML.`,
    ...where,
  });
}

interface Read {
  raw: Record<string, unknown>;
  renamed: Record<string, string>;
}

function readDefinitions(moddle: BpmnModdle, reading: Reading, root: ModdleElement): Read | undefined {
  reading.use(root);
  const roots = reading.readList(root, 'rootElements');
  const processes = roots.filter((r) => r.$type === 'bpmn:Process');
  for (const other of roots) {
    if (other.$type === 'bpmn:Process') continue;
    markAllRead(reading, other);
    reading.report(
      'bpmn-unsupported',
      other,
      other.$type === 'bpmn:Collaboration'
        ? "Pools, lanes and message flows are not kept: who acts is each user task's pe:assignee and its actions' roles."
        : `<${tagOf(other)}> is not used by the petition engine and is not kept.`,
      { severity: 'warning' },
    );
  }
  if (processes.length === 0) {
    reading.report('bpmn-unsupported', root, 'The file has no <bpmn:process>: model the process in it.');
    return undefined;
  }
  const [process, ...more] = [...processes].sort(
    (a, b) => reading.readList(b, 'flowElements').length - reading.readList(a, 'flowElements').length,
  );
  for (const other of more) {
    markAllRead(reading, other);
    reading.report(
      'bpmn-unsupported',
      other,
      `The file has ${processes.length} processes; a definition is one process: keep "${String(process!['id'])}" only.`,
    );
  }
  return readProcess(moddle, reading, root, process!);
}

interface BoundaryInfo {
  task: Record<string, unknown>;
  deadline: Record<string, unknown>;
  event: ModdleElement;
  expiry: ModdleElement[];
}

function readProcess(
  moddle: BpmnModdle,
  reading: Reading,
  root: ModdleElement,
  process: ModdleElement,
): Read {
  reading.use(process);
  const flowElements = reading.readList(process, 'flowElements');
  const ids = new IdNames(reading, [process, ...flowElements]);
  const raw = decodeProperties(
    moddle,
    reading,
    { element: process, type: 'pe:ProcessProps', skip: ['definitionId'] },
    definitionNode(),
  );
  const id = reading.read(process, 'pe:definitionId') ?? ids.of(process);
  Object.assign(raw, { id }, scalar('name', reading.read(process, 'name')), describe(reading, process));
  for (const list of ['laneSets', 'artifacts']) {
    for (const item of reading.readList(process, list)) {
      markAllRead(reading, item);
      reading.report(
        'bpmn-unsupported',
        item,
        list === 'laneSets'
          ? "Lanes are not kept: who acts is each user task's pe:assignee and its actions' roles."
          : `<${tagOf(item)}> (a note on the diagram) is not kept.`,
        { severity: 'warning' },
      );
    }
  }

  const elementsNode = itemNode(propertyNode(definitionNode(), 'elements'));
  const elements: Array<Record<string, unknown>> = [];
  const tasks = new Map<ModdleElement, Record<string, unknown>>();
  const keys = new Map<ModdleElement, string>();
  const boundaryEvents: ModdleElement[] = [];
  const sequenceFlows: ModdleElement[] = [];
  for (const node of flowElements) {
    const kind = kindOfBpmn.get(node.$type);
    if (kind) {
      const element = readElement(moddle, reading, ids, reading.use(node), kind, elementsNode);
      elements.push(element);
      keys.set(node, String(element['id']));
      if (kind === 'userTask') tasks.set(node, element);
    } else if (node.$type === 'bpmn:BoundaryEvent') boundaryEvents.push(node);
    else if (node.$type === 'bpmn:SequenceFlow') sequenceFlows.push(node);
    else {
      markAllRead(reading, node);
      reading.report(
        'bpmn-unsupported',
        node,
        PASSIVE.has(node.$type)
          ? `<${tagOf(node)}> is not kept: the petition engine keeps its data in variables.`
          : `<${tagOf(node)}> cannot be mapped: the engine runs start events, user tasks, service tasks, exclusive gateways and end events with one token; replace it with those.`,
        PASSIVE.has(node.$type) ? { severity: 'warning' } : {},
      );
    }
  }

  const boundaries = new Map<ModdleElement, BoundaryInfo>();
  for (const event of boundaryEvents) {
    reading.use(event);
    const attachedTo = reading.read(event, 'attachedToRef') as ModdleElement | undefined;
    const task = attachedTo ? tasks.get(attachedTo) : undefined;
    if (!task) {
      markAllRead(reading, event);
      reading.report(
        'bpmn-unsupported',
        event,
        'A deadline timer belongs on a user task: attach the boundary event to one, or remove it.',
      );
      continue;
    }
    const deadlinesNode = itemNode(propertyNode(narrow(elementsNode, task), 'deadlines'));
    const deadline = readDeadline(moddle, reading, event, deadlinesNode);
    if (!deadline) continue;
    ((task['deadlines'] ??= []) as unknown[]).push(deadline);
    keys.set(event, deadlineEventId(String(task['id']), String(deadline['id'])));
    boundaries.set(event, { task, deadline, event, expiry: [] });
  }

  const flowsNode = itemNode(propertyNode(definitionNode(), 'flows'));
  const flows: Array<Record<string, unknown>> = [];
  for (const flow of sequenceFlows) {
    reading.use(flow);
    const source = reading.read(flow, 'sourceRef') as ModdleElement | undefined;
    const target = reading.read(flow, 'targetRef') as ModdleElement | undefined;
    const action = reading.read(flow, 'pe:action');
    const boundary = source ? boundaries.get(source) : undefined;
    if (boundary) boundary.expiry.push(flow);
    else if (typeof action === 'string')
      readActionFlow(reading, ids, flow, action, source, target, tasks, keys);
    else if (source && tasks.has(source)) {
      markAllRead(reading, flow);
      reading.report(
        'bpmn-extension',
        flow,
        `A flow out of the user task "${ids.of(source)}" stands for one of its actions: name it with pe:action="<action id>" (a user task moves on only by its actions).`,
      );
    } else {
      const read = readFlow(moddle, reading, ids, flow, source, target, flowsNode);
      flows.push(read);
      keys.set(flow, String(read['id']));
    }
  }
  for (const boundary of boundaries.values()) readExpiry(reading, ids, boundary, keys);

  renameReferences(ids, elements, raw['globalActions']);
  Object.assign(raw, { elements, flows });
  const diagram = readDiagram(reading, root, process, (element) => keys.get(element));
  if (diagram) raw['diagram'] = diagram;
  return { raw, renamed: ids.renamed };
}

/** Element ids written in pe: attributes (deadline spans, global action steps and targets) follow a renaming. */
function renameReferences(
  ids: IdNames,
  elements: Array<Record<string, unknown>>,
  globalActions: unknown,
): void {
  const list = (value: unknown) => (Array.isArray(value) ? value.map((v) => ids.reference(v)) : value);
  for (const element of elements)
    for (const deadline of (element['deadlines'] as Array<Record<string, unknown>> | undefined) ?? [])
      if (deadline['spans'] !== undefined) deadline['spans'] = list(deadline['spans']);
  for (const action of Array.isArray(globalActions)
    ? (globalActions as Array<Record<string, unknown>>)
    : []) {
    if (action['steps'] !== undefined) action['steps'] = list(action['steps']);
    if (action['to'] !== undefined) action['to'] = ids.reference(action['to']);
  }
}

const scalar = (key: string, value: unknown): Record<string, unknown> =>
  value === undefined ? {} : { [key]: value };

/** An element's description: its bpmn:documentation (several are joined, with a warning). */
function describe(reading: Reading, element: ModdleElement): { description?: string } {
  const texts = reading.readList(element, 'documentation').map((d) => {
    reading.use(d);
    return reading.read(d, 'text');
  });
  const strings = texts.filter((t): t is string => typeof t === 'string');
  if (strings.length === 0) return {};
  if (strings.length > 1)
    reading.report(
      'bpmn-unsupported',
      element,
      `${strings.length} documentation texts are joined into one description: keep one to avoid this.`,
      { severity: 'warning' },
    );
  return { description: strings.join('\n\n') };
}

function readElement(
  moddle: BpmnModdle,
  reading: Reading,
  ids: IdNames,
  node: ModdleElement,
  kind: ElementKind,
  elementsNode: ReturnType<typeof itemNode>,
): Record<string, unknown> {
  const decoded = decodeProperties(
    moddle,
    reading,
    { element: node, type: ELEMENT_KINDS[kind].props },
    narrow(elementsNode, { type: kind }),
  );
  if (kind === 'startEvent' || kind === 'endEvent') {
    for (const definition of reading.readList(node, 'eventDefinitions')) {
      markAllRead(reading, definition);
      reading.report(
        'bpmn-unsupported',
        node,
        `${kind === 'startEvent' ? 'A start' : 'An end'} event with <${tagOf(definition)}> cannot be honoured: the petition starts at registration and ends with the end event's pe:outcome. Remove the event definition.`,
      );
    }
  }
  return {
    ...decoded,
    id: ids.of(node),
    type: kind,
    ...scalar('name', reading.read(node, 'name')),
    ...describe(reading, node),
  };
}

function readDeadline(
  moddle: BpmnModdle,
  reading: Reading,
  event: ModdleElement,
  deadlinesNode: ReturnType<typeof itemNode>,
): Record<string, unknown> | undefined {
  const declared = extensionValues(reading, event).filter((v) => v.$type === 'pe:Deadline');
  if (declared.length !== 1) {
    markAllRead(reading, event);
    reading.report(
      'bpmn-extension',
      event,
      declared.length === 0
        ? 'This timer has no <pe:deadline>: add one in its extensionElements with the deadline\'s id, article, counting, from and onExpiry (definitions/README.md, "BPMN 2.0 XML"), or remove the timer.'
        : 'This timer has several <pe:deadline>: one timer is one deadline; keep one.',
    );
    return undefined;
  }
  const element = reading.use(declared[0]!);
  const deadline: Record<string, unknown> = {
    ...decodeProperties(moddle, reading, { element, type: 'pe:Deadline' }, deadlinesNode),
    ...scalar('name', reading.read(event, 'name')),
    ...describe(reading, event),
  };
  const definitions = reading.readList(event, 'eventDefinitions');
  const timer =
    definitions.length === 1 && definitions[0]!.$type === 'bpmn:TimerEventDefinition'
      ? definitions[0]
      : undefined;
  const expression = timer
    ? reading.use(reading.read(reading.use(timer), 'timeDuration') as ModdleElement | undefined)
    : undefined;
  const text = expression ? reading.read(expression, 'body') : undefined;
  const days = typeof text === 'string' ? DURATION.exec(text.trim()) : null;
  if (days) deadline['duration'] = Number(days[1]);
  else
    reading.report(
      'bpmn-extension',
      event,
      timer
        ? `The timer's duration ${typeof text === 'string' ? `"${text}"` : '(none)'} is not whole days: a deadline counts days, so write <bpmn:timeDuration>P<n>D</bpmn:timeDuration> (working days: counting="working-days" on <pe:deadline>).`
        : 'A deadline is a boundary event with one <bpmn:timerEventDefinition> whose timeDuration is P<n>D: give it one.',
    );
  return deadline;
}

function readExpiry(
  reading: Reading,
  ids: IdNames,
  boundary: BoundaryInfo,
  keys: Map<ModdleElement, string>,
): void {
  const { task, deadline, event, expiry } = boundary;
  let onExpiry = deadline['onExpiry'] as Record<string, unknown> | undefined;
  if (expiry.length > 1)
    reading.report(
      'bpmn-extension',
      event,
      "A deadline's timer has one flow out (where the token goes when it expires): keep one.",
    );
  const [flow] = expiry;
  if (flow) {
    const target = reading.read(flow, 'targetRef') as ModdleElement | undefined;
    if (onExpiry === undefined) onExpiry = deadline['onExpiry'] = { kind: 'follow' };
    if (onExpiry['kind'] !== 'follow')
      reading.report(
        'bpmn-extension',
        event,
        `The timer has a flow out, but its deadline's pe:onExpiry kind is "${String(onExpiry['kind'])}": set kind="follow" to move on when it expires, or remove the flow.`,
      );
    else if (target) onExpiry['to'] ??= ids.of(target);
    keys.set(flow, expiryFlowId(String(task['id']), String(deadline['id'])));
    if (reading.read(flow, 'conditionExpression'))
      reading.report(
        'bpmn-extension',
        flow,
        "The flow out of a deadline's timer takes no condition: remove it.",
      );
    for (const name of ['name', 'pe:action']) reading.read(flow, name);
  }
  const interrupting = reading.read(event, 'cancelActivity') !== false;
  const follows = onExpiry?.['kind'] === 'follow';
  if (onExpiry !== undefined && interrupting !== follows)
    reading.report(
      'bpmn-extension',
      event,
      `cancelActivity="${String(interrupting)}" does not fit the deadline's onExpiry "${String(onExpiry['kind'])}": the engine follows onExpiry (only "follow" leaves the step, an interrupting timer); set cancelActivity="${String(follows)}".`,
      { severity: 'warning', attribute: 'cancelActivity' },
    );
}

function readActionFlow(
  reading: Reading,
  ids: IdNames,
  flow: ModdleElement,
  actionId: string,
  source: ModdleElement | undefined,
  target: ModdleElement | undefined,
  tasks: ReadonlyMap<ModdleElement, Record<string, unknown>>,
  keys: Map<ModdleElement, string>,
): void {
  const task = source ? tasks.get(source) : undefined;
  const action = ((task?.['actions'] as Array<Record<string, unknown>> | undefined) ?? []).find(
    (a) => a['id'] === actionId,
  );
  const label = reading.read(flow, 'name');
  if (!task || !action) {
    reading.report(
      'bpmn-extension',
      flow,
      task
        ? `The flow stands for action "${actionId}", which the user task "${String(task['id'])}" does not offer: add <pe:action id="${actionId}"> to the task or correct pe:action.`
        : 'pe:action belongs on a flow out of a user task: remove it, or start the flow at the task.',
      { attribute: 'pe:action' },
    );
    return;
  }
  if (action['to'] !== undefined)
    reading.report(
      'bpmn-extension',
      flow,
      `Action "${actionId}" of "${String(task['id'])}" already leads to "${String(action['to'])}": an action has one flow; remove the other.`,
    );
  else if (target) action['to'] = ids.of(target);
  keys.set(flow, actionFlowId(String(task['id']), actionId));
  if (reading.read(flow, 'conditionExpression'))
    reading.report(
      'bpmn-extension',
      flow,
      "An action's flow takes no condition (the action itself moves the token): remove it.",
    );
  if (typeof label === 'string' && label !== action['name'])
    reading.report(
      'bpmn-extension',
      flow,
      `The flow is labelled "${label}" but its action is named "${String(action['name'])}"; the action's name is kept (rename one to match).`,
      { severity: 'warning', attribute: 'name' },
    );
}

function readFlow(
  moddle: BpmnModdle,
  reading: Reading,
  ids: IdNames,
  flow: ModdleElement,
  source: ModdleElement | undefined,
  target: ModdleElement | undefined,
  flowsNode: ReturnType<typeof itemNode>,
): Record<string, unknown> {
  const read: Record<string, unknown> = {
    ...decodeProperties(
      moddle,
      reading,
      { element: flow, type: 'pe:SequenceFlowProps', skip: ['action'] },
      flowsNode,
    ),
    id: ids.of(flow),
    ...(source ? { from: ids.of(source) } : {}),
    ...(target ? { to: ids.of(target) } : {}),
    ...scalar('name', reading.read(flow, 'name')),
  };
  const expression = reading.use(reading.read(flow, 'conditionExpression') as ModdleElement | undefined);
  if (expression) {
    const condition = readCondition(reading, flow, expression);
    if (condition !== undefined) read['condition'] = condition;
  }
  if (source && source.$descriptor.propertiesByName['default'] && reading.read(source, 'default') === flow)
    read['default'] = true;
  return read;
}

function readCondition(reading: Reading, flow: ModdleElement, expression: ModdleElement): string | undefined {
  const language = reading.read(expression, 'language');
  const body = reading.read(expression, 'body');
  const text = typeof body === 'string' ? body : '';
  if (text.trim() === '') {
    reading.report('bpmn-extension', flow, 'The condition is empty: write a FEEL expression, or remove it.');
    return undefined;
  }
  if (typeof language === 'string' && FEEL_URIS.test(language.trim())) return text;
  if (typeof language === 'string') {
    reading.report(
      'bpmn-unsupported',
      flow,
      `The condition is written in "${language}"; the engine evaluates FEEL: rewrite it in FEEL and set language="feel".`,
    );
    return undefined;
  }
  if (/^\s*[$#]\{/.test(text)) {
    reading.report(
      'bpmn-unsupported',
      flow,
      'The condition is a JUEL expression (Camunda 7); the engine evaluates FEEL: rewrite it in FEEL and set language="feel".',
    );
    return undefined;
  }
  const zeebe = /^\s*=/.test(text);
  reading.report(
    'bpmn-extension',
    flow,
    zeebe
      ? 'The condition is read as FEEL without its leading "=" (Zeebe\'s way of marking FEEL): set language="feel" on <bpmn:conditionExpression> and drop the "=".'
      : 'The condition names no language and is read as FEEL: set language="feel" on <bpmn:conditionExpression>.',
    { severity: 'warning' },
  );
  return zeebe ? text.replace(/^\s*=\s*/, '') : text;
}
