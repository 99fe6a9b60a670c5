import type { PropertyDescriptor } from 'bpmn-moddle';
import { peModdleDescriptor, tagOf, type ModdleElement, type Reading } from './moddle';

/**
 * After the mapping has read a file, everything it did not read is reported — nothing is dropped silently:
 * another modeller's extensions (camunda:, zeebe:, modeler:, colours) as warnings, BPMN the engine cannot honour and
 * misplaced `pe:` extensions as errors.
 */

/** Namespaces the mapping reads; any other prefix is another modeller's. */
const OWN_PREFIXES = new Set(['bpmn', 'bpmndi', 'dc', 'di', 'pe']);
const LAYOUT_PREFIXES = new Set(['bpmndi', 'dc', 'di']);
/** bpmn-js's colour extensions (bpmn-moddle knows them): a diagram's look, not kept. */
const COLOUR_PREFIXES = new Set(['bioc', 'color']);

/** Properties that carry nothing for the engine (derived, or BPMN bookkeeping), by the type that declares them. */
const HARMLESS: Record<string, readonly string[]> = {
  'bpmn:BaseElement': ['id'],
  'bpmn:Definitions': [
    'targetNamespace',
    'exporter',
    'exporterVersion',
    'expressionLanguage',
    'typeLanguage',
    'name',
  ],
  'bpmn:Process': ['isExecutable', 'processType', 'isClosed'],
  'bpmn:FlowNode': ['incoming', 'outgoing'],
  'bpmn:Documentation': ['textFormat'],
  'bpmn:Gateway': ['gatewayDirection'],
  'bpmndi:BPMNShape': ['isMarkerVisible', 'isHorizontal', 'isExpanded', 'isMessageVisible'],
  'bpmndi:BPMNEdge': ['sourceElement', 'targetElement', 'messageVisibleKind'],
  'bpmndi:BPMNDiagram': ['name', 'resolution', 'documentation'],
  'bpmndi:BPMNLabel': ['labelStyle'],
  'di:DiagramElement': ['id'],
  'di:Diagram': ['id', 'name', 'documentation', 'resolution'],
};

interface Namespaces {
  uri(prefix: string): string | undefined;
}

/** Reports what `reading` did not read anywhere under `root` (the bpmn:definitions element). */
export function reportLeftovers(reading: Reading, root: ModdleElement): void {
  const declared = new Map<string, string>();
  for (const [key, value] of Object.entries(root.$attrs ?? {}))
    if (key.startsWith('xmlns:')) declared.set(key.slice(6), value);
  visit(reading, root, { uri: (prefix) => declared.get(prefix) });
}

function isModdle(value: unknown): value is ModdleElement {
  return value !== null && typeof value === 'object' && '$type' in value;
}

function visit(reading: Reading, element: ModdleElement, ns: Namespaces): void {
  for (const p of element.$descriptor?.properties ?? []) {
    if (!Object.prototype.hasOwnProperty.call(element, p.name)) continue;
    const value = element[p.name];
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || value === undefined) continue;
    if (!p.isAttr && !p.isReference && !p.isBody && list.every(isModdle)) {
      for (const child of list as ModdleElement[]) {
        if (reading.isUsed(child)) visit(reading, child, ns);
        else reportElement(reading, child, ns);
      }
      continue;
    }
    if (reading.isRead(element, p.name) || harmless(element, p, value)) continue;
    reportProperty(reading, element, p, ns);
  }
  for (const key of Object.keys(element.$attrs ?? {})) {
    if (key === 'xmlns' || key.startsWith('xmlns:') || key.startsWith('xsi:') || reading.isRead(element, key))
      continue;
    reportAttribute(reading, element, key, ns);
  }
}

function harmless(element: ModdleElement, p: PropertyDescriptor, value: unknown): boolean {
  const defaultValue = (p as PropertyDescriptor & { default?: unknown }).default;
  if (defaultValue !== undefined && String(defaultValue) === String(value)) return true;
  return Object.entries(HARMLESS).some(
    ([type, names]) => names.includes(p.name) && element.$instanceOf(type),
  );
}

const prefixOf = (name: string): string => (name.includes(':') ? name.slice(0, name.indexOf(':')) : '');

function foreign(reading: Reading, at: ModdleElement, what: string, prefix: string, ns: Namespaces): void {
  const uri = ns.uri(prefix);
  reading.report(
    'bpmn-foreign-extension',
    at,
    `${what} belongs to another modeller's extension (the ${prefix}: namespace${uri ? `, ${uri}` : ''}) and is ignored: the petition engine reads its own pe: extensions (definitions/README.md, "BPMN 2.0 XML").`,
    { severity: 'warning' },
  );
}

function where(element: ModdleElement): string {
  const id = typeof element['id'] === 'string' ? ` "${element['id']}"` : '';
  return `<${tagOf(element)}>${id}`;
}

function reportElement(reading: Reading, child: ModdleElement, ns: Namespaces): void {
  const prefix = prefixOf(child.$type);
  const parent = child.$parent?.$type === 'bpmn:ExtensionElements' ? child.$parent.$parent : child.$parent;
  const at = parent ?? child;
  if (!OWN_PREFIXES.has(prefix)) {
    foreign(reading, at, `<${tagOf(child)}> in ${where(at)}`, prefix, ns);
    return;
  }
  if (prefix === 'pe') {
    const allowed = peModdleDescriptor.types
      .find((t) => `pe:${t.name}` === child.$type)
      ?.meta?.allowedIn.map((t) => `<${t.replace(/:(.)/, (_m, c: string) => `:${c.toLowerCase()}`)}>`)
      .join(' or ');
    reading.report(
      'bpmn-extension',
      at,
      `<${tagOf(child)}> does not belong in ${where(at)}${allowed ? `: it goes in ${allowed}` : ''}; move or remove it.`,
    );
    return;
  }
  if (LAYOUT_PREFIXES.has(prefix)) {
    reading.report('bpmn-diagram', at, `<${tagOf(child)}> in the diagram is not kept.`, {
      severity: 'warning',
    });
    return;
  }
  reading.report(
    'bpmn-unsupported',
    at,
    `<${tagOf(child)}> in ${where(at)} is BPMN the petition engine cannot run: remove it.`,
  );
}

function reportProperty(
  reading: Reading,
  element: ModdleElement,
  p: PropertyDescriptor,
  ns: Namespaces,
): void {
  const prefix = p.ns.prefix;
  const name = `${prefix}:${p.ns.localName}`;
  if (COLOUR_PREFIXES.has(prefix)) {
    reading.report('bpmn-diagram', element, `The colour ${name} of ${where(element)} is not kept.`, {
      severity: 'warning',
      attribute: name,
    });
  } else if (!OWN_PREFIXES.has(prefix)) {
    foreign(reading, element, `${name} on ${where(element)}`, prefix, ns);
  } else if (LAYOUT_PREFIXES.has(prefix)) {
    reading.report('bpmn-diagram', element, `${name} of the diagram is not kept.`, {
      severity: 'warning',
      attribute: name,
    });
  } else if (prefix === 'pe') {
    reading.report(
      'bpmn-extension',
      element,
      `${name} on ${where(element)} means nothing there: remove it.`,
      {
        attribute: name,
      },
    );
  } else {
    reading.report(
      'bpmn-unsupported',
      element,
      `${name} on ${where(element)} is BPMN the petition engine cannot run: remove it.`,
      { attribute: name },
    );
  }
}

function reportAttribute(reading: Reading, element: ModdleElement, key: string, ns: Namespaces): void {
  const prefix = prefixOf(key) || prefixOf(element.$type);
  if (!OWN_PREFIXES.has(prefix)) {
    foreign(reading, element, `The attribute ${key} on ${where(element)}`, prefix, ns);
  } else if (prefix === 'pe') {
    reading.report(
      'bpmn-extension',
      element,
      `${key} is not an attribute of ${where(element)} in the pe: namespace (definitions/bpmn/pe.json lists them): correct or remove it.`,
      { attribute: key },
    );
  } else {
    reading.report(
      'bpmn-unsupported',
      element,
      `The attribute ${key} on ${where(element)} is not BPMN 2.0 the engine knows: remove it.`,
      { attribute: key },
    );
  }
}
