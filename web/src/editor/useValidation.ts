/**
 * The validator's issues drawn on the diagram as the designer types, in the manner of bpmn-js-bpmnlint: every change
 * (debounced) sends the diagram to `POST /v1/definitions/validate` (`format: "bpmn"`), and each issue is drawn on
 * the element it concerns — a marker and a badge with the count, the messages as its tooltip.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiFailure } from '../api';
import {
  extensionsOf,
  kebab,
  service,
  type DiagramElement,
  type EditorModeler,
  type ModdleElement,
} from './modeler';
import type { Issue } from './types';

const DEBOUNCE_MS = 500;
const OVERLAY = 'pe-issues';
const MARKERS = ['pe-issue-error', 'pe-issue-warning'];

export interface Validation {
  issues: Issue[];
  /** Issues by the diagram element they are drawn on (the others concern the process as a whole). */
  drawnOn: Map<string, Issue[]>;
  checking: boolean;
  error: string | null;
  /** Draws issues that came from elsewhere (a refused publish), until the next change. */
  show(issues: Issue[]): void;
}

/** The diagram element an issue concerns: its own id, its language id, or a task's deadline by its index. */
export function diagramElementOf(modeler: EditorModeler, issue: Issue): DiagramElement | undefined {
  if (!issue.elementId) return undefined;
  const registry = service(modeler, 'elementRegistry');
  const element =
    registry.get(issue.elementId) ??
    registry.filter((e) => e.type !== 'label' && kebab(e.id) === issue.elementId)[0];
  if (!element) return undefined;
  const deadline = /^elements\[\d+\]\.deadlines\[(\d+)\]/.exec(issue.path);
  if (deadline) {
    // The import numbers a task's deadlines in the order their timers come in the process (document order), not
    // in the order bpmn-js attached them: read that order from the process's flow elements.
    const task = element.businessObject;
    const siblings = ((task.$parent?.get('flowElements') as ModdleElement[] | undefined) ?? []).filter(
      (e) =>
        e.$type === 'bpmn:BoundaryEvent' &&
        e.get('attachedToRef') === task &&
        extensionsOf(e, 'pe:Deadline').length > 0,
    );
    const timer = siblings[Number(deadline[1])];
    return (timer?.id && registry.get(timer.id)) || element;
  }
  return element;
}

export function useValidation(modeler: EditorModeler | null, token: string, generation: number): Validation {
  const [issues, setIssues] = useState<Issue[]>([]);
  const [drawnOn, setDrawnOn] = useState<Map<string, Issue[]>>(new Map());
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const marked = useRef<string[]>([]);

  const draw = useCallback(
    (list: Issue[]) => {
      if (!modeler) return;
      const canvas = service(modeler, 'canvas');
      const overlays = service(modeler, 'overlays');
      for (const id of marked.current) for (const m of MARKERS) canvas.removeMarker(id, m);
      overlays.remove({ type: OVERLAY });
      const byElement = new Map<string, Issue[]>();
      for (const issue of list) {
        const element = diagramElementOf(modeler, issue);
        if (!element) continue;
        byElement.set(element.id, [...(byElement.get(element.id) ?? []), issue]);
      }
      for (const [id, found] of byElement) {
        const errors = found.filter((i) => i.severity !== 'warning').length;
        canvas.addMarker(id, errors > 0 ? 'pe-issue-error' : 'pe-issue-warning');
        const badge = document.createElement('div');
        badge.className = `pe-issue-badge ${errors > 0 ? 'error' : 'warning'}`;
        badge.textContent = String(found.length);
        badge.title = found.map((i) => i.message).join('\n');
        badge.setAttribute('data-element', id);
        overlays.add(id, OVERLAY, { position: { top: -10, right: 10 }, html: badge });
      }
      marked.current = [...byElement.keys()];
      setIssues(list);
      setDrawnOn(byElement);
    },
    [modeler],
  );

  useEffect(() => {
    if (!modeler) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    const check = async () => {
      controller?.abort();
      const mine = new AbortController();
      controller = mine;
      setChecking(true);
      try {
        const { xml } = await modeler.saveXML({ format: false });
        const result = await api<{ valid: boolean; issues: Issue[] }>('/v1/definitions/validate', {
          method: 'POST',
          token,
          body: { format: 'bpmn', source: xml },
          signal: mine.signal,
        });
        if (mine.signal.aborted) return;
        setError(null);
        draw(result.issues);
      } catch (err) {
        if ((err as Error).name === 'AbortError') return;
        setError(err instanceof ApiFailure ? err.message : String(err));
      } finally {
        if (!mine.signal.aborted) setChecking(false);
      }
    };
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void check(), DEBOUNCE_MS);
    };
    const bus = service(modeler, 'eventBus');
    bus.on('commandStack.changed', changed);
    changed();
    return () => {
      clearTimeout(timer);
      controller?.abort();
      bus.off('commandStack.changed', changed);
    };
  }, [modeler, token, draw, generation]);

  return { issues, drawnOn, checking, error, show: draw };
}
