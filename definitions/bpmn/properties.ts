import type { BpmnModdle, PropertyDescriptor, TypeDescriptor } from 'bpmn-moddle';
import { canonicalJson } from '../language/hash';
import type { ModdleElement, Reading } from './moddle';
import {
  defaultOf,
  isList,
  isNumberList,
  itemNode,
  narrow,
  propertyNode,
  type SchemaNode,
} from './schema-nodes';

/**
 * The generic half of the mapping: any property of a model object that the structural half (export.ts, import.ts)
 * does not place itself is written by these rules, driven by `pe.json` and the language's JSON Schema:
 *
 * - a scalar whose name the host's `pe:` type declares as an attribute → that attribute (a list of plain tokens —
 *   ids, numbers — → one space-separated attribute);
 * - a string the type declares as its body → the element's text;
 * - an object, a list of objects or a record of them → `pe:` child elements of the type the host declares for it
 *   (a record's keys in the child's key attribute: `pe:field name="…"`);
 * - anything else → `<pe:property name="key">JSON</pe:property>`, so a field added to the language is carried by
 *   BPMN export and import before anyone maps it (and mapping it later is a line in `pe.json`).
 *
 * A value equal to the language's default is left out; import leaves the key out and the schema fills it in again.
 */

/** Where a model object's properties go. */
export interface Host {
  element: ModdleElement;
  /**
   * The `pe:` type that declares the attributes (`pe:UserTaskProps` extends bpmn:UserTask; `pe:Action` itself);
   * none for a BPMN element we give no attributes.
   */
  type?: string;
  /** Keys the structural mapping writes itself. */
  skip?: readonly string[];
}

/** The `pe:` children a BPMN element carries in `bpmn:extensionElements`, by model key. */
const EXTENSION_CHILDREN: Record<string, Record<string, string>> = {
  'bpmn:Process': { variables: 'pe:Variable', documents: 'pe:Document', globalActions: 'pe:GlobalAction' },
  'bpmn:StartEvent': { set: 'pe:Set' },
  'bpmn:UserTask': { actions: 'pe:Action' },
};

/** Model keys whose `pe:` property has another name (moddle elements have `get`/`set` methods of their own). */
const RENAMED: Record<string, string> = { set: 'assignments' };

/** Children that are the entries of a record: the attribute holding the key, and the body holding a scalar value. */
const RECORD_ENTRIES: Record<string, { key: string; value?: string }> = {
  'pe:Variable': { key: 'name' },
  'pe:Document': { key: 'id' },
  'pe:Field': { key: 'name' },
  'pe:Set': { key: 'variable', value: 'expression' },
};

const isBpmnHost = (host: Host): boolean => !host.element.$type.startsWith('pe:');
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const TOKEN = /^\S+$/;

/**
 * Whether a string survives as element text: XML readers drop text that is only white space, so such a value (legal
 * in the language, if odd) goes into a pe:property instead.
 */
export const hasText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * The properties of a `pe:` type by their local names: the effective descriptor (own and inherited properties) of
 * an element type, the registered properties of a type that only extends a BPMN element (moddle builds none for it).
 */
function descriptorOf(moddle: BpmnModdle, type: string): TypeDescriptor {
  const registered = moddle.getTypeDescriptor(type);
  if (!registered.extends?.length) return moddle.getType(type).prototype.$descriptor;
  const properties = registered.properties.map((p) => ({ ...p, name: p.ns.localName }));
  return { name: type, properties, propertiesByName: Object.fromEntries(properties.map((p) => [p.name, p])) };
}

function declared(
  moddle: BpmnModdle,
  type: string | undefined,
  name: string,
): PropertyDescriptor | undefined {
  return type === undefined ? undefined : descriptorOf(moddle, type).propertiesByName[name];
}

/** The name under which the host's element keeps attribute `key` (`pe:assignee` on a bpmn element). */
const attrName = (host: Host, key: string): string => (isBpmnHost(host) ? `pe:${key}` : key);

interface ChildSlot {
  type: string;
  many: boolean;
  /** The property on the host element, or undefined for `bpmn:extensionElements`. */
  property?: string;
}

function childSlot(moddle: BpmnModdle, host: Host, key: string): ChildSlot | undefined {
  if (isBpmnHost(host)) {
    const type = EXTENSION_CHILDREN[host.element.$type]?.[key];
    return type ? { type, many: true } : undefined;
  }
  const property = RENAMED[key] ?? key;
  const p = declared(moddle, host.type, property);
  if (!p || p.isAttr || p.isBody || p.isReference || !p.type.includes(':') || p.name === 'properties')
    return undefined;
  return { type: p.type, many: p.isMany === true, property };
}

/** Writes every property of `value` that the host does not skip onto the host (see the rules above). */
export function encodeProperties(
  moddle: BpmnModdle,
  host: Host,
  value: Record<string, unknown>,
  schema: SchemaNode | undefined,
): void {
  const node = narrow(schema, value);
  const extras: ModdleElement[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || host.skip?.includes(key)) continue;
    const propNode = propertyNode(node, key);
    const fallback = defaultOf(propNode);
    if (fallback && canonicalJson(fallback.value) === canonicalJson(v)) continue;
    if (encodeScalar(moddle, host, key, v, propNode)) continue;
    if (encodeChildren(moddle, host, key, v, propNode)) continue;
    extras.push(moddle.create('pe:Property', { name: key, value: JSON.stringify(v) }));
  }
  if (extras.length > 0) extensionList(moddle, host).push(...extras);
}

function encodeScalar(
  moddle: BpmnModdle,
  host: Host,
  key: string,
  v: unknown,
  propNode: SchemaNode | undefined,
): boolean {
  const p = declared(moddle, host.type, key);
  if (!p || (!p.isAttr && !p.isBody)) return false;
  if (p.isBody) {
    if (!hasText(v)) return false;
    host.element.set(key, v);
    return true;
  }
  let text: unknown;
  if (p.type === 'String' && typeof v === 'string' && !isList(propNode)) text = v;
  else if (p.type === 'Integer' && Number.isSafeInteger(v)) text = v;
  else if (p.type === 'Boolean' && typeof v === 'boolean') text = v;
  else if (p.type === 'String' && Array.isArray(v) && v.length > 0 && isList(propNode)) {
    const numbers = isNumberList(propNode);
    const fits = v.every((item) =>
      numbers
        ? typeof item === 'number' && Number.isFinite(item)
        : typeof item === 'string' && TOKEN.test(item),
    );
    if (!fits) return false;
    text = v.join(' ');
  } else return false;
  host.element.set(attrName(host, key), text);
  return true;
}

function encodeChildren(
  moddle: BpmnModdle,
  host: Host,
  key: string,
  v: unknown,
  propNode: SchemaNode | undefined,
): boolean {
  const slot = childSlot(moddle, host, key);
  if (!slot) return false;
  const entry = RECORD_ENTRIES[slot.type];
  const children: ModdleElement[] = [];
  const child = (item: unknown, itemSchema: SchemaNode | undefined): ModdleElement | undefined => {
    if (!isPlainObject(item)) return undefined;
    const element = moddle.create(slot.type);
    encodeProperties(moddle, { element, type: slot.type }, item, itemSchema);
    return element;
  };
  if (!slot.many) {
    const element = child(v, propNode);
    if (!element) return false;
    host.element.set(slot.property!, element);
    return true;
  }
  if (Array.isArray(v) && !entry) {
    for (const item of v) {
      const element = child(item, itemNode(propNode));
      if (!element) return false;
      children.push(element);
    }
  } else if (isPlainObject(v) && entry && Object.keys(v).length > 0) {
    for (const [name, item] of Object.entries(v)) {
      let element: ModdleElement | undefined;
      if (entry.value !== undefined) {
        if (!hasText(item)) return false;
        element = moddle.create(slot.type, { [entry.key]: name, [entry.value]: item });
      } else {
        if (isPlainObject(item) && entry.key in item) return false;
        element = child(item, itemNode(propNode));
        element?.set(entry.key, name);
      }
      if (!element) return false;
      children.push(element);
    }
  } else return false;
  if (slot.property) (host.element.get(slot.property) as ModdleElement[]).push(...children);
  else extensionList(moddle, host).push(...children);
  return true;
}

/** The list that takes a host's `pe:` children: its `bpmn:extensionElements`, or a `pe:` element's `properties`. */
function extensionList(moddle: BpmnModdle, host: Host): ModdleElement[] {
  if (!isBpmnHost(host)) {
    const list = host.element.get('properties') as ModdleElement[] | undefined;
    if (!list) throw new Error(`${host.element.$type} has no pe:property list (pe.json)`);
    return list;
  }
  let extensions = host.element.get('extensionElements') as ModdleElement | undefined;
  if (!extensions) {
    extensions = moddle.create('bpmn:ExtensionElements', { values: [] });
    host.element.set('extensionElements', extensions);
  }
  return extensions.get('values') as ModdleElement[];
}

/** Reads back what `encodeProperties` wrote (the structural keys are the caller's). */
export function decodeProperties(
  moddle: BpmnModdle,
  reading: Reading,
  host: Host,
  schema: SchemaNode | undefined,
): Record<string, unknown> {
  const { element } = host;
  const out: Record<string, unknown> = {};
  const type =
    host.type === undefined ? { properties: [], propertiesByName: {} } : descriptorOf(moddle, host.type);
  for (const p of type.properties) {
    if (host.skip?.includes(p.name)) continue;
    const name = isBpmnHost(host) ? `pe:${p.name}` : p.name;
    if ((p.isAttr || p.isBody) && Object.prototype.hasOwnProperty.call(element, p.name)) {
      out[p.name] = reading.read(element, name);
    }
  }
  const node = narrow(schema, out);
  for (const [key, v] of Object.entries(out)) {
    const propNode = propertyNode(node, key);
    if (typeof v === 'string' && isList(propNode)) {
      const tokens = v.split(/\s+/).filter((t) => t !== '');
      out[key] = isNumberList(propNode) ? tokens.map(Number) : tokens;
    }
  }
  const slots = isBpmnHost(host)
    ? Object.entries(EXTENSION_CHILDREN[element.$type] ?? {}).map(([key, childType]) => ({
        key,
        slot: { type: childType, many: true } as ChildSlot,
      }))
    : (type.properties as PropertyDescriptor[])
        .filter((p) => !p.isAttr && !p.isBody && p.type.includes(':') && p.name !== 'properties')
        .map((p) => ({
          key: Object.entries(RENAMED).find(([, to]) => to === p.name)?.[0] ?? p.name,
          slot: { type: p.type, many: p.isMany === true, property: p.name } as ChildSlot,
        }));
  for (const { key, slot } of slots) {
    if (host.skip?.includes(key)) continue;
    const propNode = propertyNode(node, key);
    const children = slot.property
      ? slot.many
        ? reading.readList(element, slot.property)
        : [reading.read(element, slot.property) as ModdleElement | undefined].filter(
            (c): c is ModdleElement => c !== undefined,
          )
      : extensionValues(reading, element).filter((c) => c.$type === slot.type);
    if (children.length === 0) continue;
    const entry = RECORD_ENTRIES[slot.type];
    const decodeChild = (c: ModdleElement, itemSchema: SchemaNode | undefined, skip?: readonly string[]) =>
      decodeProperties(moddle, reading, { element: reading.use(c), type: slot.type, skip }, itemSchema);
    if (!slot.many) out[key] = decodeChild(children[0]!, propNode);
    else if (!entry) out[key] = children.map((c) => decodeChild(c, itemNode(propNode)));
    else {
      const record: Record<string, unknown> = {};
      for (const c of children) {
        const name = reading.read(c, entry.key);
        if (typeof name !== 'string' || name === '') {
          reading.report('bpmn-extension', c, `<${c.$type}> has no ${entry.key}: give it one.`);
          continue;
        }
        if (name in record)
          reading.report('bpmn-extension', c, `${key} "${name}" is given twice: keep one.`, {
            attribute: entry.key,
          });
        record[name] =
          entry.value !== undefined
            ? (reading.use(c), reading.read(c, entry.value) ?? '')
            : decodeChild(c, itemNode(propNode), [entry.key]);
      }
      out[key] = record;
    }
  }
  const extras = isBpmnHost(host)
    ? extensionValues(reading, element).filter((c) => c.$type === 'pe:Property')
    : (type.propertiesByName as Record<string, PropertyDescriptor>)['properties']
      ? reading.readList(element, 'properties')
      : [];
  for (const extra of extras) {
    reading.use(extra);
    const name = reading.read(extra, 'name');
    const text = reading.read(extra, 'value');
    if (typeof name !== 'string' || name === '') {
      reading.report(
        'bpmn-extension',
        extra,
        'A <pe:property> has no name: give it the name of a language field.',
      );
      continue;
    }
    try {
      out[name] = JSON.parse(typeof text === 'string' ? text : '');
    } catch {
      reading.report(
        'bpmn-extension',
        extra,
        `<pe:property name="${name}"> does not hold JSON: write its value as JSON (a string in double quotes).`,
      );
    }
  }
  return out;
}

/** The children of a BPMN element's `bpmn:extensionElements` (the container itself counts as read). */
export function extensionValues(reading: Reading, element: ModdleElement): ModdleElement[] {
  const extensions = reading.use(reading.read(element, 'extensionElements') as ModdleElement | undefined);
  return extensions ? reading.readList(extensions, 'values') : [];
}
