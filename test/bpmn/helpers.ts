import { BpmnModdle, type ModdleElement } from 'bpmn-moddle';
import { expect } from 'vitest';
import { fromBpmnXml, toBpmnXml } from '../../definitions/bpmn';
import type { Issue } from '../../definitions/language/issue';
import type { Definition } from '../../definitions/language/schema';

/**
 * The first place two values differ, as a path (`elements[3].deadlines[0].warnings`) with both values, or
 * undefined when they are equal as JSON (a member whose value is undefined counts as absent).
 */
export function firstDifference(actual: unknown, expected: unknown, path = ''): string | undefined {
  const show = (v: unknown) => {
    const text = v === undefined ? 'absent' : JSON.stringify(v);
    return text.length > 160 ? `${text.slice(0, 160)}…` : text;
  };
  if (Array.isArray(actual) && Array.isArray(expected)) {
    for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
      const found = firstDifference(actual[i], expected[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(actual) && isObject(expected)) {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    for (const key of [...keys].sort()) {
      const found = firstDifference(actual[key], expected[key], path === '' ? key : `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  if (Object.is(actual, expected)) return undefined;
  return `${path || '(root)'}: got ${show(actual)}, expected ${show(expected)}`;
}

/** The issues the BPMN mapping itself raised (not the schema's or the validator's). */
export const mappingIssues = (issues: Issue[]): Issue[] => issues.filter((i) => i.rule.startsWith('bpmn-'));

/** Exports a definition, imports it again, and fails naming the first field that did not come back. */
export async function expectRoundTrip(definition: Definition): Promise<{ xml: string; back: Definition }> {
  const xml = await toBpmnXml(definition);
  const imported = await fromBpmnXml(xml);
  expect(mappingIssues(imported.issues)).toEqual([]);
  expect(imported.definition, JSON.stringify(imported.issues, null, 2)).toBeDefined();
  expect(firstDifference(imported.definition, definition)).toBeUndefined();
  return { xml, back: imported.definition! };
}

/** The parsed BPMN of an XML text (plain bpmn-moddle: our extensions appear as unknown attributes and elements). */
export async function parseXml(
  xml: string,
): Promise<{ root: ModdleElement; byId: Record<string, ModdleElement> }> {
  const { rootElement, elementsById } = await new BpmnModdle().fromXML(xml);
  return { root: rootElement, byId: elementsById };
}
