import { BpmnModdle } from 'bpmn-moddle';
import { layoutProcess } from 'bpmn-auto-layout';
import { canonicalJson } from '../language/hash';
import type { Diagram } from '../language/schema';
import { sha256Hex } from '../language/sha256';
import type { ModdleElement, Reading } from './moddle';

/**
 * The BPMN DI half of the mapping. A definition's `diagram` (a designer's layout) is written as it is; a definition
 * without one is laid out by bpmn-auto-layout, and the file is marked `pe:autoLayout="<fingerprint>"` so that
 * importing the file again gives back a definition without a diagram (the same model, the same hash) — unless
 * someone moved something, which changes the fingerprint and makes the layout theirs.
 */

type Bounds = { x: number; y: number; width: number; height: number };

/** A fingerprint of a layout (SHA-256 of its canonical JSON). */
export function fingerprint(diagram: Diagram): string {
  return sha256Hex(canonicalJson(diagram));
}

/** Whether a diagram places every shape and edge the BPMN form has (keys are XML ids of the export). */
export function covers(diagram: Diagram | undefined, shapes: string[], edges: string[]): diagram is Diagram {
  return (
    diagram !== undefined &&
    shapes.every((k) => diagram.shapes[k] !== undefined) &&
    edges.every((k) => diagram.edges[k] !== undefined)
  );
}

/** Lays out a BPMN document that has no DI (bpmn-auto-layout), answering the layout keyed by XML id. */
export async function autoLayout(xml: string): Promise<Diagram> {
  const laidOut = await layoutProcess(xml);
  const { rootElement } = await new BpmnModdle().fromXML(laidOut);
  const diagram: Diagram = { shapes: {}, edges: {} };
  const plane = (rootElement.get('diagrams') as ModdleElement[])[0]?.get('plane') as
    ModdleElement | undefined;
  for (const item of (plane?.get('planeElement') as ModdleElement[] | undefined) ?? []) {
    const id = (item.get('bpmnElement') as ModdleElement | undefined)?.['id'];
    if (typeof id !== 'string') continue;
    if (item.$type === 'bpmndi:BPMNShape') diagram.shapes[id] = boundsOf(item.get('bounds') as ModdleElement);
    if (item.$type === 'bpmndi:BPMNEdge') diagram.edges[id] = { waypoints: pointsOf(item) };
  }
  return diagram;
}

function boundsOf(bounds: ModdleElement): Bounds {
  return {
    x: bounds.get('x') as number,
    y: bounds.get('y') as number,
    width: bounds.get('width') as number,
    height: bounds.get('height') as number,
  };
}

function pointsOf(edge: ModdleElement): Array<{ x: number; y: number }> {
  return ((edge.get('waypoint') as ModdleElement[]) ?? []).map((p) => ({
    x: p.get('x') as number,
    y: p.get('y') as number,
  }));
}

/** Writes a diagram as BPMN DI for `process`; `elements` maps each diagram key to the BPMN element it draws. */
export function writeDiagram(
  moddle: BpmnModdle,
  definitions: ModdleElement,
  process: ModdleElement,
  diagram: Diagram,
  elements: ReadonlyMap<string, ModdleElement>,
  autoLayoutMark?: string,
): void {
  const bounds = (b: Bounds) => moddle.create('dc:Bounds', { ...b });
  const label = (b: Bounds | undefined) =>
    b === undefined ? {} : { label: moddle.create('bpmndi:BPMNLabel', { bounds: bounds(b) }) };
  const planeElement: ModdleElement[] = [];
  for (const [key, shape] of Object.entries(diagram.shapes)) {
    const element = elements.get(key);
    if (!element) continue;
    const { label: labelBounds, ...box } = shape;
    planeElement.push(
      moddle.create('bpmndi:BPMNShape', {
        id: `${key}_di`,
        bpmnElement: element,
        ...(element.$type === 'bpmn:ExclusiveGateway' ? { isMarkerVisible: true } : {}),
        bounds: bounds(box),
        ...label(labelBounds),
      }),
    );
  }
  for (const [key, edge] of Object.entries(diagram.edges)) {
    const element = elements.get(key);
    if (!element) continue;
    planeElement.push(
      moddle.create('bpmndi:BPMNEdge', {
        id: `${key}_di`,
        bpmnElement: element,
        waypoint: edge.waypoints.map((p) => moddle.create('dc:Point', { ...p })),
        ...label(edge.label),
      }),
    );
  }
  const plane = moddle.create('bpmndi:BPMNPlane', { id: 'BPMNPlane_1', bpmnElement: process, planeElement });
  if (autoLayoutMark !== undefined) definitions.set('pe:autoLayout', autoLayoutMark);
  definitions.set('diagrams', [moddle.create('bpmndi:BPMNDiagram', { id: 'BPMNDiagram_1', plane })]);
}

/**
 * Reads the layout of `process` from the file's BPMN DI, keyed by what `keyOf` says each drawn element is (undefined:
 * not part of the definition, its shape is left out with it). Answers undefined when the file has no layout or only
 * the automatic one the export made.
 */
export function readDiagram(
  reading: Reading,
  definitions: ModdleElement,
  process: ModdleElement,
  keyOf: (element: ModdleElement) => string | undefined,
): Diagram | undefined {
  const mark = reading.read(definitions, 'pe:autoLayout');
  const diagrams = reading.readList(definitions, 'diagrams');
  const drawsProcess = (d: ModdleElement) => {
    const plane = d.get('plane') as ModdleElement | undefined;
    const target = plane?.get('bpmnElement') as ModdleElement | undefined;
    if (target === process) return true;
    const participants = (target?.get('participants') as ModdleElement[] | undefined) ?? [];
    return participants.some((p) => p.get('processRef') === process);
  };
  const chosen = diagrams.find(drawsProcess);
  for (const other of diagrams) {
    if (other === chosen) continue;
    reading.use(other);
    reading.report(
      'bpmn-diagram',
      other,
      'This file has another diagram; only the one that draws the process is kept.',
      { severity: 'warning' },
    );
    markAllRead(reading, other);
  }
  if (!chosen) return undefined;
  reading.use(chosen);
  const plane = reading.use(reading.read(chosen, 'plane') as ModdleElement | undefined);
  if (!plane) return undefined;
  reading.read(plane, 'bpmnElement');
  const diagram: Diagram = { shapes: {}, edges: {} };
  for (const item of reading.readList(plane, 'planeElement')) {
    const target = reading.read(item, 'bpmnElement') as ModdleElement | undefined;
    const key = target ? keyOf(target) : undefined;
    reading.use(item);
    if (key === undefined) {
      markAllRead(reading, item);
      continue;
    }
    const labelBounds = readLabel(reading, item);
    if (item.$type === 'bpmndi:BPMNShape') {
      const box = reading.use(reading.read(item, 'bounds') as ModdleElement | undefined);
      if (!box) continue;
      diagram.shapes[key] = { ...readBounds(reading, box), ...(labelBounds ? { label: labelBounds } : {}) };
    } else if (item.$type === 'bpmndi:BPMNEdge') {
      const waypoints = reading.readList(item, 'waypoint').map((p) => {
        reading.use(p);
        return { x: reading.read(p, 'x') as number, y: reading.read(p, 'y') as number };
      });
      if (waypoints.length < 2) continue;
      diagram.edges[key] = { waypoints, ...(labelBounds ? { label: labelBounds } : {}) };
    }
  }
  if (typeof mark === 'string' && mark === fingerprint(diagram)) return undefined;
  return Object.keys(diagram.shapes).length + Object.keys(diagram.edges).length === 0 ? undefined : diagram;
}

function readBounds(reading: Reading, box: ModdleElement): Bounds {
  return {
    x: reading.read(box, 'x') as number,
    y: reading.read(box, 'y') as number,
    width: reading.read(box, 'width') as number,
    height: reading.read(box, 'height') as number,
  };
}

function readLabel(reading: Reading, item: ModdleElement): Bounds | undefined {
  const label = reading.use(reading.read(item, 'label') as ModdleElement | undefined);
  const box = label ? reading.use(reading.read(label, 'bounds') as ModdleElement | undefined) : undefined;
  return box ? readBounds(reading, box) : undefined;
}

/** Marks an element and everything in it as read (a part of the file that is reported once, as a whole). */
export function markAllRead(reading: Reading, element: ModdleElement): void {
  reading.use(element);
  for (const p of element.$descriptor?.properties ?? []) {
    if (!Object.prototype.hasOwnProperty.call(element, p.name)) continue;
    const value = reading.read(element, p.name);
    if (p.isAttr || p.isReference || p.isBody) continue;
    for (const child of Array.isArray(value) ? value : [value])
      if (child && typeof child === 'object' && '$type' in child)
        markAllRead(reading, child as ModdleElement);
  }
  for (const key of Object.keys(element.$attrs ?? {})) reading.read(element, key);
  for (const child of element.$children ?? []) markAllRead(reading, child);
}
