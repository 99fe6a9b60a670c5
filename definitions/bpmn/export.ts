import type { BpmnModdle } from 'bpmn-moddle';
import type { Action, Deadline, Definition, Diagram, Element, Flow, UserTask } from '../language/schema';
import { autoLayout, covers, fingerprint, writeDiagram } from './diagram';
import { actionFlowId, deadlineEventId, expiryFlowId, processIdFor } from './ids';
import {
  DEADLINE_STRUCTURE,
  DEFINITION_STRUCTURE,
  ELEMENT_KINDS,
  ELEMENT_STRUCTURE,
  FEEL,
  durationText,
} from './kinds';
import { createModdle, PE_URI, type ModdleElement } from './moddle';
import { encodeProperties, hasText } from './properties';
import { definitionNode, itemNode, narrow, propertyNode } from './schema-nodes';

/** Who wrote the file (bpmn:definitions exporter / exporterVersion: the version of this mapping). */
export const EXPORTER = 'petition-engine';
export const EXPORTER_VERSION = '1';

/**
 * A definition as BPMN 2.0 XML: the process with our `pe:` extensions (pe.json), and its diagram — the designer's
 * layout when the definition carries one that places everything, else one laid out by bpmn-auto-layout. The
 * mapping is described in definitions/README.md ("BPMN 2.0 XML"); `fromBpmnXml` reads it back to the same model.
 */
export async function toBpmnXml(definition: Definition): Promise<string> {
  const moddle = createModdle();
  const built = buildModel(moddle, definition);
  const shapes = [...built.drawn.keys()].filter((k) => !built.drawn.get(k)!.$instanceOf('bpmn:SequenceFlow'));
  const edges = [...built.drawn.keys()].filter((k) => built.drawn.get(k)!.$instanceOf('bpmn:SequenceFlow'));
  if (covers(definition.diagram, shapes, edges)) {
    writeDiagram(moddle, built.definitions, built.process, definition.diagram, built.drawn);
  } else {
    const { xml } = await moddle.toXML(built.definitions);
    const layout = drawnOnly(await autoLayout(xml), built.drawn);
    writeDiagram(moddle, built.definitions, built.process, layout, built.drawn, fingerprint(layout));
  }
  const { xml } = await moddle.toXML(built.definitions, { format: true });
  return xml;
}

/** The part of a layout that draws elements of the export (the fingerprint is of what the file holds). */
function drawnOnly(layout: Diagram, drawn: ReadonlyMap<string, ModdleElement>): Diagram {
  const keep = <T>(record: Record<string, T>) =>
    Object.fromEntries(Object.entries(record).filter(([key]) => drawn.has(key)));
  return { shapes: keep(layout.shapes), edges: keep(layout.edges) };
}

interface Built {
  definitions: ModdleElement;
  process: ModdleElement;
  /** Every BPMN element the diagram draws, by its XML id (= its diagram key). */
  drawn: Map<string, ModdleElement>;
}

function buildModel(moddle: BpmnModdle, definition: Definition): Built {
  const elementIds = new Set(definition.elements.map((e) => e.id));
  const processId = processIdFor(
    definition.id,
    new Set([...elementIds, ...definition.flows.map((f) => f.id)]),
  );
  const process = moddle.create('bpmn:Process', {
    id: processId,
    ...(definition.name ? { name: definition.name } : {}),
    isExecutable: true,
    ...(processId !== definition.id ? { 'pe:definitionId': definition.id } : {}),
  });
  encodeProperties(
    moddle,
    {
      element: process,
      type: 'pe:ProcessProps',
      skip: carried(moddle, process, DEFINITION_STRUCTURE, definition.description),
    },
    definition,
    definitionNode(),
  );

  const nodes = new Map<string, ModdleElement>();
  const drawn = new Map<string, ModdleElement>();
  const flowElements: ModdleElement[] = [];
  const elementsNode = itemNode(propertyNode(definitionNode(), 'elements'));
  for (const element of definition.elements) {
    const node = elementNode(moddle, element, elementsNode, elementIds);
    nodes.set(element.id, node);
    drawn.set(element.id, node);
    flowElements.push(node);
  }
  const flows: ModdleElement[] = [];
  const connect = (
    id: string,
    source: ModdleElement,
    target: ModdleElement,
    attrs: Record<string, unknown>,
  ) => {
    const flow = moddle.create('bpmn:SequenceFlow', { id, sourceRef: source, targetRef: target, ...attrs });
    (source.get('outgoing') as ModdleElement[]).push(flow);
    (target.get('incoming') as ModdleElement[]).push(flow);
    drawn.set(id, flow);
    flows.push(flow);
    return flow;
  };

  const flowNode = itemNode(propertyNode(definitionNode(), 'flows'));
  const defaulted = new Set<ModdleElement>();
  for (const flow of definition.flows) {
    const source = nodes.get(flow.from);
    const target = nodes.get(flow.to);
    if (!source || !target) {
      // A flow naming a missing element (an invalid definition) is kept whole in pe:property elements.
      const element = moddle.create('bpmn:SequenceFlow', { id: flow.id });
      encodeProperties(moddle, { element, type: 'pe:SequenceFlowProps', skip: ['id'] }, flow, flowNode);
      flows.push(element);
      continue;
    }
    const element = connect(flow.id, source, target, flow.name !== undefined ? { name: flow.name } : {});
    if (hasText(flow.condition)) {
      element.set(
        'conditionExpression',
        moddle.create('bpmn:FormalExpression', { language: FEEL, body: flow.condition }),
      );
    }
    const takesDefault = flow.default && !defaulted.has(source) && acceptsDefault(source);
    if (takesDefault) {
      source.set('default', element);
      defaulted.add(source);
    }
    encodeProperties(
      moddle,
      { element, type: 'pe:SequenceFlowProps', skip: structureOf(flow, takesDefault) },
      flow,
      flowNode,
    );
  }

  for (const element of definition.elements) {
    if (element.type !== 'userTask') continue;
    const task = nodes.get(element.id)!;
    for (const action of element.actions) {
      const target = action.to === undefined ? undefined : nodes.get(action.to);
      if (!target) continue;
      connect(actionFlowId(element.id, action.id), task, target, {
        name: action.name,
        'pe:action': action.id,
      });
    }
    for (const deadline of element.deadlines) {
      const event = deadlineEvent(moddle, element, deadline, task, nodes);
      drawn.set(event.get('id') as string, event);
      flowElements.splice(flowElements.indexOf(task) + 1 + element.deadlines.indexOf(deadline), 0, event);
      const target = deadline.onExpiry.kind === 'follow' ? nodes.get(deadline.onExpiry.to) : undefined;
      if (target) connect(expiryFlowId(element.id, deadline.id), event, target, {});
    }
  }

  process.set('flowElements', [...flowElements, ...flows]);
  const definitions = moddle.create('bpmn:Definitions', {
    id: `Definitions_${processId}`,
    targetNamespace: `${PE_URI}/definitions`,
    exporter: EXPORTER,
    exporterVersion: EXPORTER_VERSION,
    rootElements: [process],
  });
  return { definitions, process, drawn };
}

function elementNode(
  moddle: BpmnModdle,
  element: Element,
  elementsNode: ReturnType<typeof itemNode>,
  elementIds: ReadonlySet<string>,
): ModdleElement {
  const kind = ELEMENT_KINDS[element.type];
  const node = moddle.create(kind.bpmn, { id: element.id, ...(element.name ? { name: element.name } : {}) });
  // An action's `to` is its sequence flow; one naming no element stays in the action (pe:property).
  const value =
    element.type === 'userTask'
      ? { ...element, actions: element.actions.map((a) => withoutTarget(a, elementIds)) }
      : element;
  encodeProperties(
    moddle,
    { element: node, type: kind.props, skip: carried(moddle, node, ELEMENT_STRUCTURE, element.description) },
    value,
    narrow(elementsNode, element),
  );
  return node;
}

function withoutTarget(action: Action, elementIds: ReadonlySet<string>): Partial<Action> {
  if (action.to === undefined || !elementIds.has(action.to)) return action;
  const { to: _to, ...rest } = action;
  return rest;
}

function deadlineEvent(
  moddle: BpmnModdle,
  task: UserTask,
  deadline: Deadline,
  taskNode: ModdleElement,
  nodes: ReadonlyMap<string, ModdleElement>,
): ModdleElement {
  const follows = deadline.onExpiry.kind === 'follow';
  const event = moddle.create('bpmn:BoundaryEvent', {
    id: deadlineEventId(task.id, deadline.id),
    name: deadline.name,
    attachedToRef: taskNode,
    // A `follow` deadline moves the token on (an interrupting timer); the others mark and keep waiting.
    ...(follows ? {} : { cancelActivity: false }),
  });
  const onExpiry =
    deadline.onExpiry.kind === 'follow' && nodes.has(deadline.onExpiry.to)
      ? { kind: 'follow' as const }
      : deadline.onExpiry;
  const element = moddle.create('pe:Deadline');
  const taskSchema = narrow(itemNode(propertyNode(definitionNode(), 'elements')), task);
  const deadlineNode = itemNode(propertyNode(taskSchema, 'deadlines'));
  encodeProperties(
    moddle,
    { element, type: 'pe:Deadline', skip: carried(moddle, event, DEADLINE_STRUCTURE, deadline.description) },
    { ...deadline, onExpiry },
    deadlineNode,
  );
  event.set('extensionElements', moddle.create('bpmn:ExtensionElements', { values: [element] }));
  event.set('eventDefinitions', [
    moddle.create('bpmn:TimerEventDefinition', {
      timeDuration: moddle.create('bpmn:FormalExpression', { body: durationText(deadline.duration) }),
    }),
  ]);
  return event;
}

/** The keys of a flow the sequence flow carries itself (`default` only where the source can take it). */
function structureOf(flow: Flow, takesDefault: boolean): string[] {
  return [
    'id',
    'from',
    'to',
    'name',
    ...(hasText(flow.condition) ? ['condition'] : []),
    ...(takesDefault || !flow.default ? ['default'] : []),
  ];
}

/** BPMN lets gateways and activities name a default flow, not events. */
function acceptsDefault(source: ModdleElement): boolean {
  return source.$instanceOf('bpmn:ExclusiveGateway') || source.$instanceOf('bpmn:Activity');
}

/**
 * Writes a description as the element's bpmn:documentation and answers the structural keys; a description that is
 * only white space (lost as XML text) is left to the generic mapping.
 */
function carried(
  moddle: BpmnModdle,
  element: ModdleElement,
  structure: readonly string[],
  description: string | undefined,
): string[] {
  if (!hasText(description)) return structure.filter((key) => key !== 'description');
  element.set('documentation', [moddle.create('bpmn:Documentation', { text: description })]);
  return [...structure];
}
