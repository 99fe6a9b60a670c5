import { BpmnModdle, type ModdleElement } from 'bpmn-moddle';
import type { Issue } from '../language/issue';
import descriptor from './pe.json' with { type: 'json' };

/** Our BPMN extension namespace: its moddle descriptor ships in this folder (`pe.json`). */
export const PE_URI = descriptor.uri;
export const PE_PREFIX = descriptor.prefix;
export const peModdleDescriptor = descriptor;

/** A bpmn-moddle instance that knows BPMN 2.0, BPMN DI and our `pe:` extensions. */
export function createModdle(): BpmnModdle {
  // moddle rewrites the packages it registers (qualified names); it gets a copy, `peModdleDescriptor` stays as shipped.
  return new BpmnModdle({ pe: structuredClone(descriptor) });
}

export type { ModdleElement };

/** `pe:assignee` → `assignee`: how moddle names a property inside an element. */
export const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/** `bpmn:UserTask` → `bpmn:userTask`: the element as written in XML. */
export function tagOf(element: ModdleElement): string {
  const [prefix, name = ''] = element.$type.includes(':') ? element.$type.split(':') : ['', element.$type];
  const local = element.$descriptor?.isGeneric ? name : name.charAt(0).toLowerCase() + name.slice(1);
  const shown = prefix === 'bpmndi' || prefix === 'dc' || prefix === 'di' ? name : local;
  return prefix ? `${prefix}:${shown}` : shown;
}

/**
 * What an import read from the moddle tree: every element and property the mapping used is recorded, so that what
 * is left over afterwards — another modeller's extensions, BPMN the engine cannot honour — is reported, never
 * silently dropped.
 */
export class Reading {
  readonly issues: Issue[] = [];
  private readonly readProperties = new WeakMap<object, Set<string>>();
  private readonly usedElements = new WeakSet<object>();

  /** Marks an element as mapped (its properties are still checked one by one). */
  use<T extends ModdleElement | undefined>(element: T): T {
    if (element) this.usedElements.add(element);
    return element;
  }

  isUsed(element: ModdleElement): boolean {
    return this.usedElements.has(element);
  }

  /** Reads a property (`name`, `pe:assignee`) or an attribute moddle does not know, and marks it as mapped. */
  read(element: ModdleElement, name: string): unknown {
    const set = this.readProperties.get(element) ?? new Set<string>();
    set.add(this.keyOf(element, name));
    this.readProperties.set(element, set);
    return element.get(name);
  }

  /** Reads a list property (moddle answers [] when absent). */
  readList(element: ModdleElement, name: string): ModdleElement[] {
    return (this.read(element, name) as ModdleElement[] | undefined) ?? [];
  }

  /** Whether a declared property (by its descriptor name) or an unknown attribute (`$attrs` key) was read. */
  isRead(element: ModdleElement, name: string): boolean {
    return this.readProperties.get(element)?.has(this.keyOf(element, name)) ?? false;
  }

  private keyOf(element: ModdleElement, name: string): string {
    const declared = element.$descriptor?.propertiesByName?.[name];
    return declared ? declared.name : `@${name}`;
  }

  /** Records a problem found at `element` (its nearest BPMN element with an id names it). */
  report(
    rule: string,
    element: ModdleElement | undefined,
    message: string,
    options: { attribute?: string; severity?: 'warning' } = {},
  ): void {
    const elementId = owningId(element);
    this.issues.push({
      rule,
      ...(elementId ? { elementId } : {}),
      path: locate(element, options.attribute),
      message,
      ...(options.severity ? { severity: options.severity } : {}),
    });
  }
}

/** The id of the nearest flow element, sequence flow or process at or above `element`. */
export function owningId(element: ModdleElement | undefined): string | undefined {
  for (let e = element; e; e = e.$parent) {
    if (e.$type === 'bpmn:Definitions') return undefined;
    if (e.$type.startsWith('bpmn:') && typeof e['id'] === 'string') return e['id'];
    if (e.$type.startsWith('bpmndi:')) {
      const ref = e['bpmnElement'] as ModdleElement | undefined;
      if (typeof ref?.['id'] === 'string') return ref['id'];
    }
  }
  return undefined;
}

/** Where an element is in the document: `bpmn:process#p/bpmn:userTask#t/pe:action#forward@roles`. */
export function locate(element: ModdleElement | undefined, attribute?: string): string {
  const steps: string[] = [];
  for (let e = element; e && e.$type !== 'bpmn:Definitions'; e = e.$parent) {
    const id = typeof e['id'] === 'string' ? `#${e['id']}` : '';
    const name = !id && typeof e['name'] === 'string' ? `[${e['name']}]` : '';
    const variable = !id && !name && typeof e['variable'] === 'string' ? `[${e['variable']}]` : '';
    steps.unshift(`${tagOf(e)}${id}${name}${variable}`);
  }
  const path = steps.length === 0 ? 'bpmn:definitions' : steps.join('/');
  return attribute ? `${path}@${attribute}` : path;
}
