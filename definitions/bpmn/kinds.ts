import type { Element } from '../language/schema';

/**
 * The BPMN element each kind of step is, and the `pe:` type (pe.json) that adds its attributes. A new kind of step
 * in the language fails the type check here until it is given its BPMN element.
 */
export const ELEMENT_KINDS = {
  startEvent: { bpmn: 'bpmn:StartEvent', props: undefined },
  endEvent: { bpmn: 'bpmn:EndEvent', props: 'pe:EndEventProps' },
  userTask: { bpmn: 'bpmn:UserTask', props: 'pe:UserTaskProps' },
  serviceTask: { bpmn: 'bpmn:ServiceTask', props: 'pe:ServiceTaskProps' },
  exclusiveGateway: { bpmn: 'bpmn:ExclusiveGateway', props: undefined },
} as const satisfies Record<Element['type'], { bpmn: string; props: string | undefined }>;

export type ElementKind = keyof typeof ELEMENT_KINDS;

/** `bpmn:UserTask` → `userTask`. */
export const kindOfBpmn = new Map<string, ElementKind>(
  Object.entries(ELEMENT_KINDS).map(([kind, { bpmn }]) => [bpmn, kind as ElementKind]),
);

/** Keys of a step that the BPMN element itself carries (id, name, documentation) or that become other elements. */
export const ELEMENT_STRUCTURE = ['id', 'type', 'name', 'description', 'deadlines'] as const;

/** Keys of a deadline its boundary timer event carries (name, documentation, the timer's duration). */
export const DEADLINE_STRUCTURE = ['name', 'description', 'duration'] as const;

/** Keys of the definition the process carries, or that become the process's contents and the BPMN DI. */
export const DEFINITION_STRUCTURE = ['id', 'name', 'description', 'elements', 'flows', 'diagram'] as const;

/** A deadline's duration as the timer's ISO 8601 duration: whole days (counting is the deadline's `counting`). */
export const durationText = (days: number): string => `P${days}D`;
export const DURATION = /^P(\d+)D$/;

/** The expression language of conditions (bpmn:conditionExpression language="feel"). */
export const FEEL = 'feel';
