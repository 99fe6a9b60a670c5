import { analyzeFeel } from '../feel';
import { feelSites } from '../feel-sites';
import { formatPath, type Issue, type Rule } from '../issue';
import { quoteList, RESERVED_FEEL_NAMES } from '../model';

const RULE = 'feel-conditions';

/**
 * FEEL reads a missing name as null rather than failing, so a misspelt variable silently turns a condition
 * false at run time; this rule makes every name and field an expression uses a declared one.
 */
export const feelConditions: Rule = {
  id: RULE,
  description:
    'Every FEEL expression (registration variables and message, flow conditions, guards, `set`) parses and uses only what it can read — declared variables, `actionTime`, `input` fields the action declares; `petition` and the registration variables in registration expressions; assigned variables are declared; reserved names are not declared as variables.',
  check(definition) {
    const issues: Issue[] = [];
    const declared = Object.keys(definition.variables);
    const declaredSet = new Set(declared);

    for (const reserved of RESERVED_FEEL_NAMES) {
      if (declaredSet.has(reserved)) {
        issues.push({
          rule: RULE,
          path: formatPath(['variables', reserved]),
          message: `"${reserved}" is a reserved FEEL name (the engine provides it); rename the variable.`,
        });
      }
    }

    for (const site of feelSites(definition)) {
      const where = formatPath(site.path);
      const push = (message: string) =>
        issues.push({
          rule: RULE,
          ...(site.elementId ? { elementId: site.elementId } : {}),
          path: where,
          message,
        });

      if (site.assigns !== undefined) {
        if ((RESERVED_FEEL_NAMES as readonly string[]).includes(site.assigns)) {
          push(
            `${site.label} assigns the reserved name "${site.assigns}"; assign a declared variable instead.`,
          );
        } else if (!declaredSet.has(site.assigns)) {
          push(
            `${site.label} assigns "${site.assigns}", which is not a declared variable; declare it under \`variables\` (with its type) or correct the name.`,
          );
        }
      }

      const readable = site.names ?? [...declared, ...RESERVED_FEEL_NAMES];
      const analysis = analyzeFeel(site.expression, readable);
      if (analysis.syntaxError) {
        push(
          `${site.label} is not valid FEEL (${analysis.syntaxError.message} at character ${analysis.syntaxError.offset + 1} of ${JSON.stringify(site.expression)}); correct the expression.`,
        );
        continue;
      }
      const reported = new Set<string>();
      for (const name of analysis.names) {
        if (reported.has(name)) continue;
        reported.add(name);
        if (site.names) {
          if (!site.names.includes(name)) {
            push(
              `${site.label} uses "${name}", which it cannot read (FEEL would read it as null); it may use only ${quoteList(site.names)}.`,
            );
          }
          continue;
        }
        if (name === 'input') {
          if (!site.inputAllowed) {
            push(
              `${site.label} uses \`input\`, but no action input exists there (gateways and the start event see only variables); store what you need in a variable with an action's \`set\`.`,
            );
          }
          continue;
        }
        if (name === 'actionTime' || name === 'holder' || declaredSet.has(name)) continue;
        push(
          `${site.label} uses "${name}", which is not a declared variable (FEEL would read it as null); declare it under \`variables\` or correct the name (declared: ${quoteList(declared)}).`,
        );
      }
      if (site.inputAllowed && site.action) {
        const fields = Object.keys(site.action.fields);
        for (const field of new Set(analysis.inputFields)) {
          if (fields.includes(field)) continue;
          push(
            `${site.label} reads \`input.${field}\`, but action "${site.action.id}" has no field "${field}"; declare it under the action's \`fields\` or correct the name (fields: ${quoteList(fields)}).`,
          );
        }
      }
      for (const fn of new Set(analysis.unknownFunctions)) {
        push(`${site.label} calls "${fn}", which is not a FEEL built-in function; correct the name.`);
      }
    }
    return issues;
  },
};
