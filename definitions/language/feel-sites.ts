import type { PathSegment } from './issue';
import { actionSites } from './model';
import type { Action, Definition, GlobalAction } from './schema';

/** Where a FEEL expression appears, and what it may refer to there. */
export interface FeelSite {
  expression: string;
  path: PathSegment[];
  elementId?: string;
  /** For messages: `condition of flow "f"`, `guard 1 of action "a" in step "s"`, … */
  label: string;
  /** A gateway condition or the start's `set` sees no action, so no `input`. */
  inputAllowed: boolean;
  /** The action whose fields `input` holds. */
  action?: Action | GlobalAction;
  /** The variable a `set` entry assigns. */
  assigns?: string;
  /**
   * The names the expression may read, when not the declared variables with `actionTime` (and `input` where
   * allowed): registration expressions read the registered facts, `petition`.
   */
  names?: readonly string[];
}

/** The FEEL name of the registered facts, in registration expressions. */
export const PETITION_NAME = 'petition';
/** The FEEL name of the registration instant, in registration variables. */
export const REGISTERED_AT_NAME = 'registeredAt';

function actionLabel(action: Action | GlobalAction, owner: string | undefined): string {
  return owner ? `action "${action.id}" in step "${owner}"` : `global action "${action.id}"`;
}

/**
 * Every FEEL expression of a definition: the registration's variables and message, flow conditions, the start's and
 * service tasks' `set`, actions' `set`, guards and field bounds.
 */
export function feelSites(definition: Definition): FeelSite[] {
  const sites: FeelSite[] = [];
  const registration = definition.registration;
  if (registration) {
    for (const [name, expression] of Object.entries(registration.variables)) {
      sites.push({
        expression,
        path: ['registration', 'variables', name],
        label: `registration variable "${name}"`,
        inputAllowed: false,
        assigns: name,
        names: [PETITION_NAME, REGISTERED_AT_NAME],
      });
    }
    if (registration.message !== undefined) {
      sites.push({
        expression: registration.message,
        path: ['registration', 'message'],
        label: 'the registration message',
        inputAllowed: false,
        names: [...Object.keys(registration.variables), PETITION_NAME],
      });
    }
  }
  definition.flows.forEach((flow, i) => {
    if (flow.condition === undefined) return;
    sites.push({
      expression: flow.condition,
      path: ['flows', i, 'condition'],
      elementId: flow.id,
      label: `the condition of flow "${flow.id}"`,
      inputAllowed: false,
    });
  });
  definition.elements.forEach((element, i) => {
    if (element.type !== 'startEvent' && element.type !== 'serviceTask') return;
    for (const [name, expression] of Object.entries(element.set ?? {})) {
      sites.push({
        expression,
        path: ['elements', i, 'set', name],
        elementId: element.id,
        label: `\`set.${name}\` of ${element.type === 'startEvent' ? 'start event' : 'service task'} "${element.id}"`,
        inputAllowed: false,
        assigns: name,
      });
    }
  });
  for (const site of actionSites(definition)) {
    const { action } = site;
    const label = actionLabel(action, site.owner?.id);
    const elementId = site.owner ? { elementId: site.owner.id } : {};
    for (const [name, expression] of Object.entries(action.set)) {
      sites.push({
        expression,
        path: [...site.path, 'set', name],
        ...elementId,
        label: `\`set.${name}\` of ${label}`,
        inputAllowed: true,
        action,
        assigns: name,
      });
    }
    for (const [field, declared] of Object.entries(action.fields)) {
      for (const bound of ['notBefore', 'notAfter'] as const) {
        const expression = declared[bound];
        if (expression === undefined) continue;
        sites.push({
          expression,
          path: [...site.path, 'fields', field, bound],
          ...elementId,
          label: `\`${bound}\` of field "${field}" of ${label}`,
          inputAllowed: true,
          action,
        });
      }
    }
    action.guards.forEach((guard, g) => {
      sites.push({
        expression: guard.condition,
        path: [...site.path, 'guards', g, 'condition'],
        ...elementId,
        label: `guard ${g + 1} of ${label}`,
        inputAllowed: true,
        action,
      });
    });
  }
  return sites;
}
