import { formatPath, type Issue, type Rule } from '../issue';
import { actionSites, deadlineSites, quoteList } from '../model';

const RULE = 'accountability-declared';

/**
 * Who answers for a failure and who answers a supervision order are read from declarations; a misspelt action or
 * variable would leave a failure without a trace, or an order that nothing can answer.
 */
export const accountabilityDeclared: Rule = {
  id: RULE,
  description:
    "A supervise effect's `answeredBy` names an action with effect `answer-supervision` (and every such action is named by one); an escalate effect that says {{reason}} reads a `reason` field; an action's `accountability.body` is a declared variable and its `deadline` a declared deadline; a service task's `receiverOf` and `records` are declared variables of a delivery; an assignee's `receipt` is a declared datetime variable.",
  check(definition) {
    const issues: Issue[] = [];
    const sites = actionSites(definition);
    const answerActions = sites.filter((s) => s.action.effect?.type === 'answer-supervision');
    const answeredBy = new Set<string>();
    const deadlineIds = new Set(deadlineSites(definition).map((d) => d.deadline.id));

    for (const site of sites) {
      const { action } = site;
      const push = (message: string, ...rest: Array<string | number>) =>
        issues.push({
          rule: RULE,
          ...(site.owner ? { elementId: site.owner.id } : {}),
          path: formatPath([...site.path, ...rest]),
          message,
        });
      const effect = action.effect;
      if (effect?.type === 'supervise' && effect.answeredBy !== undefined) {
        answeredBy.add(effect.answeredBy);
        if (!answerActions.some((a) => a.action.id === effect.answeredBy)) {
          push(
            `Action "${action.id}" orders supervision answered by "${effect.answeredBy}", but no action of that id has \`effect: { type: answer-supervision }\`; correct the id or add the action (answer actions: ${quoteList(answerActions.map((a) => a.action.id))}).`,
            'effect',
            'answeredBy',
          );
        }
      }
      if (effect?.type === 'escalate' && /\{\{\s*reason\s*\}\}/.test(effect.message)) {
        if (!action.fields['reason']) {
          push(
            `Action "${action.id}" escalates with a message that says {{reason}}, read from a field "reason" it does not declare; declare \`fields.reason\` (required text).`,
            'fields',
          );
        }
      }
      const accountability = action.accountability;
      if (accountability) {
        const variable = definition.variables[accountability.body];
        if (!variable || variable.type !== 'string') {
          push(
            `Action "${action.id}" holds the body in "${accountability.body}" accountable, which is ${variable ? `a ${variable.type}` : 'not a declared variable'}; name a string variable holding a body code.`,
            'accountability',
            'body',
          );
        }
        if (accountability.deadline !== undefined && !deadlineIds.has(accountability.deadline)) {
          push(
            `Action "${action.id}" names the period "${accountability.deadline}", which no step declares; correct the id (deadlines: ${quoteList(deadlineIds)}).`,
            'accountability',
            'deadline',
          );
        }
      }
    }
    for (const site of answerActions) {
      if (answeredBy.has(site.action.id)) continue;
      issues.push({
        rule: RULE,
        ...(site.owner ? { elementId: site.owner.id } : {}),
        path: formatPath([...site.path, 'effect']),
        message: `Action "${site.action.id}" answers supervision orders, but no supervise effect names it as \`answeredBy\`; name it there, or the orders close when the step changes and nothing awaits this answer.`,
      });
    }

    definition.elements.forEach((element, i) => {
      if (element.type !== 'serviceTask') return;
      for (const key of ['receiverOf', 'records'] as const) {
        const name = element[key];
        if (name === undefined) continue;
        const push = (message: string) =>
          issues.push({ rule: RULE, elementId: element.id, path: formatPath(['elements', i, key]), message });
        if (element.activity !== 'delivery') {
          push(`Service task "${element.id}" runs a ${element.activity}; \`${key}\` belongs to a delivery.`);
        }
        const variable = definition.variables[name];
        if (!variable || variable.type !== 'string') {
          push(
            `Service task "${element.id}" reads \`${key}\` from "${name}", which is ${variable ? `a ${variable.type}` : 'not a declared variable'}; name a declared string variable.`,
          );
        }
      }
    });

    for (const [kind, declaration] of Object.entries(definition.assignees ?? {})) {
      const receipt = declaration?.receipt;
      if (receipt === undefined) continue;
      const variable = definition.variables[receipt];
      if (!variable || variable.type !== 'datetime' || declaration.holder === undefined) {
        issues.push({
          rule: RULE,
          path: formatPath(['assignees', kind, 'receipt']),
          message:
            declaration.holder === undefined
              ? `Assignee "${kind}" records a receipt but names no \`holder\`; the receipt is the holder body's, so declare \`holder\`.`
              : `Assignee "${kind}" records the body's receipt in "${receipt}", which is ${variable ? `a ${variable.type}` : 'not a declared variable'}; declare it \`type: datetime\`.`,
        });
      }
    }
    return issues;
  },
};
