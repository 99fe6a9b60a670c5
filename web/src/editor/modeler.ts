/**
 * The bpmn-js modeller with our `pe:` moddle descriptor (definitions/bpmn/pe.json, bundled through the `@pe/moddle`
 * alias of web/vite.config.ts: the very file the API's import and export read), plus the small helpers the editor's
 * panels need. Loaded only with the editor page (bpmn-js and its styles: about 175 KB of JavaScript gzipped).
 */
import Modeler from 'bpmn-js/lib/Modeler';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import pe from '@pe/moddle';

/** A moddle element (business object) as the panels read it: `$type`, `get`, `set` and its attributes. */
export interface ModdleElement {
  $type: string;
  $parent?: ModdleElement;
  id?: string;
  name?: string;
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  [key: string]: unknown;
}

/** A diagram element (shape or connection) with its business object. */
export interface DiagramElement {
  id: string;
  type: string;
  businessObject: ModdleElement;
  host?: DiagramElement;
  attachers?: DiagramElement[];
  labelTarget?: DiagramElement;
  incoming?: DiagramElement[];
  outgoing?: DiagramElement[];
}

export interface Services {
  modeling: {
    updateProperties(element: DiagramElement, props: Record<string, unknown>): void;
    updateModdleProperties(
      element: DiagramElement,
      target: ModdleElement,
      props: Record<string, unknown>,
    ): void;
  };
  moddle: { create(type: string, attrs?: Record<string, unknown>): ModdleElement };
  elementRegistry: {
    get(id: string): DiagramElement | undefined;
    getAll(): DiagramElement[];
    filter(fn: (e: DiagramElement) => boolean): DiagramElement[];
  };
  canvas: {
    getRootElement(): DiagramElement;
    addMarker(id: string, marker: string): void;
    removeMarker(id: string, marker: string): void;
    zoom(level: 'fit-viewport' | number, center?: 'auto'): number;
  };
  overlays: {
    add(
      id: string,
      type: string,
      overlay: { position: Record<string, number>; html: HTMLElement | string },
    ): string;
    remove(filter: { type: string }): void;
  };
  selection: { get(): DiagramElement[]; select(element: DiagramElement | null): void };
  eventBus: {
    on(event: string, fn: (e: Record<string, unknown>) => void): void;
    off(event: string, fn: (e: Record<string, unknown>) => void): void;
  };
}

export type EditorModeler = Modeler;

/** A bpmn-js service, typed as the editor uses it. */
export function service<K extends keyof Services>(modeler: EditorModeler, name: K): Services[K] {
  return modeler.get(name) as Services[K];
}

export function createModeler(container: HTMLElement): EditorModeler {
  const modeler = new Modeler({ container, moddleExtensions: { pe } });
  keepLanguageIds(modeler);
  return modeler;
}

/** `Gateway_1f6a9ke` → `gateway-1f6a9ke`: the language id the API's import would read (definitions/bpmn/id-names.ts). */
export function kebab(id: string): string {
  const words = id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(words) ? words : `id-${words}`.replace(/-$/, '');
}

const LANGUAGE_ID = /^[a-z][a-z0-9-]{0,63}$/;

/**
 * What a designer draws gets a language id at once (kebab case: ids live in petition histories), instead of the
 * modeller's `Activity_0x1y2z` that the import would rename with a warning.
 */
function keepLanguageIds(modeler: EditorModeler): void {
  const rename = (e: Record<string, unknown>) => {
    const context = e['context'] as { shape?: DiagramElement; connection?: DiagramElement } | undefined;
    const element = context?.shape ?? context?.connection;
    if (!element || element.type === 'label' || LANGUAGE_ID.test(element.businessObject.id ?? '')) return;
    const registry = service(modeler, 'elementRegistry');
    const base = kebab(element.businessObject.id ?? element.id);
    let id = base;
    for (let n = 2; registry.get(id); n++) id = `${base}-${n}`;
    service(modeler, 'modeling').updateProperties(element, { id });
  };
  const bus = service(modeler, 'eventBus');
  bus.on('commandStack.shape.create.postExecuted', rename);
  bus.on('commandStack.connection.create.postExecuted', rename);
}

/** The `pe:` extension elements of a business object, of one type (`pe:Deadline`, `pe:Action`, …). */
export function extensionsOf(bo: ModdleElement, type: string): ModdleElement[] {
  const ext = bo.get('extensionElements') as ModdleElement | undefined;
  const values = (ext?.get('values') as ModdleElement[] | undefined) ?? [];
  return values.filter((v) => v.$type === type);
}

/** Adds a `pe:` extension element to an element (creating its `bpmn:extensionElements` when needed); undoable. */
export function addExtension(modeler: EditorModeler, element: DiagramElement, child: ModdleElement): void {
  const modeling = service(modeler, 'modeling');
  const bo = element.businessObject;
  let ext = bo.get('extensionElements') as ModdleElement | undefined;
  if (!ext) {
    ext = service(modeler, 'moddle').create('bpmn:ExtensionElements', { values: [] });
    ext.$parent = bo;
    child.$parent = ext;
    ext.set('values', [child]);
    modeling.updateProperties(element, { extensionElements: ext });
    return;
  }
  child.$parent = ext;
  modeling.updateModdleProperties(element, ext, {
    values: [...((ext.get('values') as ModdleElement[]) ?? []), child],
  });
}

/** Removes an extension element (or any child of a list property) from its owner; undoable. */
export function removeFrom(
  modeler: EditorModeler,
  element: DiagramElement,
  owner: ModdleElement,
  property: string,
  child: ModdleElement,
): void {
  const list = ((owner.get(property) as ModdleElement[] | undefined) ?? []).filter((c) => c !== child);
  service(modeler, 'modeling').updateModdleProperties(element, owner, { [property]: list });
}

/** A boundary timer's duration in days (`P15D` → 15), or undefined when it has none or another form. */
export function timerDays(bo: ModdleElement): { days?: number; raw?: string } {
  const def = ((bo.get('eventDefinitions') as ModdleElement[] | undefined) ?? []).find(
    (d) => d.$type === 'bpmn:TimerEventDefinition',
  );
  const raw = (def?.get('timeDuration') as ModdleElement | undefined)?.get('body') as string | undefined;
  const m = raw ? /^P(\d+)D$/.exec(raw.trim()) : null;
  return { ...(m && { days: Number(m[1]) }), ...(raw !== undefined && { raw }) };
}

/** Sets a boundary timer's duration to `P<days>D` (creating the timer definition's duration when missing). */
export function setTimerDays(modeler: EditorModeler, element: DiagramElement, days: number | null): void {
  const bo = element.businessObject;
  const modeling = service(modeler, 'modeling');
  const moddle = service(modeler, 'moddle');
  const body = days === null ? '' : `P${days}D`;
  let def = ((bo.get('eventDefinitions') as ModdleElement[] | undefined) ?? []).find(
    (d) => d.$type === 'bpmn:TimerEventDefinition',
  );
  if (!def) {
    def = moddle.create('bpmn:TimerEventDefinition');
    def.$parent = bo;
    modeling.updateProperties(element, { eventDefinitions: [def] });
  }
  const duration = def.get('timeDuration') as ModdleElement | undefined;
  if (duration) modeling.updateModdleProperties(element, duration, { body });
  else {
    const expression = moddle.create('bpmn:FormalExpression', { body });
    expression.$parent = def;
    modeling.updateModdleProperties(element, def, { timeDuration: expression });
  }
}

/** The process (the root's business object) and the names it declares: roles, documents, variables. */
export function processOf(modeler: EditorModeler): ModdleElement {
  return service(modeler, 'canvas').getRootElement().businessObject;
}

export function tokens(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : [];
}
