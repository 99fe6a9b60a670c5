import { formatPath, type Issue, type Rule } from '../issue';
import { actionSites, deadlineSites, elementMap, quoteList, userTaskSites } from '../model';

const RULE = 'flows-reference-elements';

/** Every reference by id must name something that exists, or the engine fails on a live petition. */
export const flowsReferenceElements: Rule = {
  id: RULE,
  description:
    'Flows, action `to`, deadline `spans` and `onExpiry.to` name existing elements; effects name existing deadlines; documents exist; global action `steps` are user tasks.',
  check(definition) {
    const issues: Issue[] = [];
    const elements = elementMap(definition);
    const known = (id: string) => elements.has(id);
    const elementHint = () => `existing elements: ${quoteList(elements.keys())}`;

    definition.flows.forEach((flow, i) => {
      for (const end of ['from', 'to'] as const) {
        if (!known(flow[end])) {
          issues.push({
            rule: RULE,
            elementId: flow.id,
            path: formatPath(['flows', i, end]),
            message: `Flow "${flow.id}" ${end === 'from' ? 'starts at' : 'leads to'} "${flow[end]}", which is not an element; correct the id (${elementHint()}).`,
          });
        }
      }
    });

    const deadlineIds = new Set(deadlineSites(definition).map((s) => s.deadline.id));
    for (const site of actionSites(definition)) {
      const { action } = site;
      const elementId = site.owner ? { elementId: site.owner.id } : {};
      if (action.to !== undefined && !known(action.to)) {
        issues.push({
          rule: RULE,
          ...elementId,
          path: formatPath([...site.path, 'to']),
          message: `Action "${action.id}" leads to "${action.to}", which is not an element; correct the id (${elementHint()}).`,
        });
      }
      if (action.effect && 'deadline' in action.effect && !deadlineIds.has(action.effect.deadline)) {
        issues.push({
          rule: RULE,
          ...elementId,
          path: formatPath([...site.path, 'effect', 'deadline']),
          message: `Action "${action.id}" has effect "${action.effect.type}" on deadline "${action.effect.deadline}", which no step defines; correct the id (deadlines: ${quoteList(deadlineIds)}).`,
        });
      }
      if (action.document !== undefined && !(action.document in definition.documents)) {
        issues.push({
          rule: RULE,
          ...elementId,
          path: formatPath([...site.path, 'document']),
          message: `Action "${action.id}" generates document "${action.document}", which is not under \`documents\`; add it there or correct the id (documents: ${quoteList(Object.keys(definition.documents))}).`,
        });
      }
    }

    definition.globalActions.forEach((action, i) => {
      (action.steps ?? []).forEach((step, j) => {
        if (elements.get(step)?.type === 'userTask') return;
        issues.push({
          rule: RULE,
          path: formatPath(['globalActions', i, 'steps', j]),
          message: `Global action "${action.id}" is offered in "${step}", which is ${known(step) ? 'not a user task' : 'not an element'}; list only user tasks (${quoteList(userTaskSites(definition).map((s) => s.task.id))}).`,
        });
      });
    });

    for (const { deadline, task, path } of deadlineSites(definition)) {
      deadline.spans.forEach((span, j) => {
        if (!known(span)) {
          issues.push({
            rule: RULE,
            elementId: task.id,
            path: formatPath([...path, 'spans', j]),
            message: `Deadline "${deadline.id}" spans "${span}", which is not an element; correct the id (${elementHint()}).`,
          });
        }
      });
      if (deadline.onExpiry.kind === 'follow' && !known(deadline.onExpiry.to)) {
        issues.push({
          rule: RULE,
          elementId: task.id,
          path: formatPath([...path, 'onExpiry', 'to']),
          message: `Deadline "${deadline.id}" follows to "${deadline.onExpiry.to}" on expiry, which is not an element; correct the id (${elementHint()}).`,
        });
      }
    }

    definition.elements.forEach((element, i) => {
      if (
        element.type === 'serviceTask' &&
        element.document !== undefined &&
        !(element.document in definition.documents)
      ) {
        issues.push({
          rule: RULE,
          elementId: element.id,
          path: formatPath(['elements', i, 'document']),
          message: `Service task "${element.id}" generates document "${element.document}", which is not under \`documents\`; add it there or correct the id.`,
        });
      }
    });
    return issues;
  },
};
