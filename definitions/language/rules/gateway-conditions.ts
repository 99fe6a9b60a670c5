import { formatPath, type Issue, type Rule } from '../issue';
import { elementMap } from '../model';

const RULE = 'gateway-conditions';

/**
 * The engine takes a gateway's first true condition, else its default; start events and service tasks follow
 * their one flow; user tasks leave only through actions and expiring deadlines; end events finish.
 */
export const gatewayConditions: Rule = {
  id: RULE,
  description:
    "A gateway has outgoing flows, each with a condition or marked the single default; start events and service tasks have exactly one outgoing flow; user tasks and end events have none; only a gateway's flows carry conditions.",
  check(definition) {
    const issues: Issue[] = [];
    const elements = elementMap(definition);
    const outgoing = new Map<string, Array<{ index: number }>>();
    definition.flows.forEach((flow, index) => {
      const list = outgoing.get(flow.from) ?? [];
      list.push({ index });
      outgoing.set(flow.from, list);
    });

    definition.elements.forEach((element, i) => {
      const flows = (outgoing.get(element.id) ?? []).map(({ index }) => ({
        flow: definition.flows[index]!,
        index,
      }));
      const at = formatPath(['elements', i]);
      const push = (message: string, path = at) =>
        issues.push({ rule: RULE, elementId: element.id, path, message });
      switch (element.type) {
        case 'exclusiveGateway': {
          if (flows.length === 0) {
            push(
              `Gateway "${element.id}" has no outgoing flow; add flows with conditions (and one default).`,
            );
            break;
          }
          const defaults = flows.filter(({ flow }) => flow.default);
          for (const { flow, index } of defaults.slice(1)) {
            push(
              `Gateway "${element.id}" has more than one default flow ("${defaults[0]!.flow.id}" and "${flow.id}"); keep one default and give the others conditions.`,
              formatPath(['flows', index, 'default']),
            );
          }
          for (const { flow, index } of flows) {
            if (flow.default && flow.condition !== undefined) {
              push(
                `Flow "${flow.id}" is the default of gateway "${element.id}" and also has a condition, which the engine ignores; remove the condition or \`default: true\`.`,
                formatPath(['flows', index, 'condition']),
              );
            }
            if (!flow.default && flow.condition === undefined) {
              push(
                `Flow "${flow.id}" leaves gateway "${element.id}" without a condition; give it a FEEL \`condition\` or mark it \`default: true\` (at most one default).`,
                formatPath(['flows', index]),
              );
            }
          }
          break;
        }
        case 'startEvent':
        case 'serviceTask': {
          const kind = element.type === 'startEvent' ? 'Start event' : 'Service task';
          if (flows.length !== 1) {
            push(
              `${kind} "${element.id}" has ${flows.length} outgoing flows; it needs exactly one (put an exclusive gateway after it to branch).`,
            );
          }
          break;
        }
        case 'userTask':
          for (const { flow, index } of flows) {
            push(
              `Flow "${flow.id}" leaves user task "${element.id}", but a user task is left only through its actions (\`to\`) or an expiring deadline (\`onExpiry: follow\`); remove the flow and give an action \`to: ${flow.to}\`.`,
              formatPath(['flows', index]),
            );
          }
          break;
        case 'endEvent':
          for (const { flow, index } of flows) {
            push(
              `Flow "${flow.id}" leaves end event "${element.id}"; the petition is finished there — remove the flow or use another element.`,
              formatPath(['flows', index]),
            );
          }
          break;
      }
    });

    definition.flows.forEach((flow, index) => {
      const source = elements.get(flow.from);
      if (!source || source.type === 'exclusiveGateway') return;
      if (flow.condition !== undefined || flow.default) {
        issues.push({
          rule: RULE,
          elementId: flow.id,
          path: formatPath(['flows', index, flow.condition !== undefined ? 'condition' : 'default']),
          message: `Flow "${flow.id}" leaves "${flow.from}" (a ${source.type}), where conditions and defaults are ignored; remove them, or branch with an exclusive gateway.`,
        });
      }
    });
    return issues;
  },
};
