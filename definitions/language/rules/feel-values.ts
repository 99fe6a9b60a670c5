import { analyzeFeel } from '../feel';
import { feelSites } from '../feel-sites';
import { formatPath, type Issue, type Rule } from '../issue';
import { quoteList, RESERVED_FEEL_NAMES } from '../model';

const RULE = 'feel-values';

/**
 * A string variable may list its allowed `values`; comparing it with, or assigning it, any other literal is a typo
 * that would silently never match (e.g. `category = "reports"`).
 */
export const feelValues: Rule = {
  id: RULE,
  description:
    'String literals compared with, or assigned to, an enumerated variable (or compared with an enum field) are among its `values`; `values` are given only for string variables.',
  check(definition) {
    const issues: Issue[] = [];
    const variables = definition.variables;
    const declared = [...Object.keys(variables), ...RESERVED_FEEL_NAMES];

    for (const [name, variable] of Object.entries(variables)) {
      if (variable.values && variable.type !== 'string') {
        issues.push({
          rule: RULE,
          path: formatPath(['variables', name, 'values']),
          message: `Variable "${name}" is a ${variable.type} but lists \`values\`; only string variables are enumerated — remove \`values\` or make it a string.`,
        });
      }
    }

    for (const site of feelSites(definition)) {
      const analysis = analyzeFeel(site.expression, site.names ?? declared);
      if (analysis.syntaxError) continue;
      const push = (message: string) =>
        issues.push({
          rule: RULE,
          ...(site.elementId ? { elementId: site.elementId } : {}),
          path: formatPath(site.path),
          message,
        });
      const fields = site.action?.fields ?? {};

      for (const { subject, literal } of analysis.comparisons) {
        if (subject.kind === 'variable') {
          const allowed = variables[subject.name]?.values;
          if (allowed && !allowed.includes(literal)) {
            push(
              `${site.label} compares "${subject.name}" with "${literal}", which is not one of its values (${quoteList(allowed)}); correct the literal or add it to the variable's \`values\`.`,
            );
          }
        } else if (site.inputAllowed) {
          const field = fields[subject.field];
          if (field?.type === 'enum' && field.values && !field.values.includes(literal)) {
            push(
              `${site.label} compares \`input.${subject.field}\` with "${literal}", which is not one of the field's values (${quoteList(field.values)}); correct the literal.`,
            );
          }
        }
      }

      const allowed = site.assigns !== undefined ? variables[site.assigns]?.values : undefined;
      if (!allowed) continue;
      for (const result of analysis.results) {
        let produced: readonly string[] = [];
        if (result.kind === 'literal') produced = [result.value];
        else if (result.kind === 'input' && site.inputAllowed && fields[result.field]?.type === 'enum') {
          produced = fields[result.field]!.values ?? [];
        } else if (result.kind === 'variable') produced = variables[result.name]?.values ?? [];
        const stray = produced.filter((v) => !allowed.includes(v));
        if (stray.length > 0) {
          push(
            `${site.label} can assign ${quoteList(stray)} to "${site.assigns}", whose values are ${quoteList(allowed)}; make them agree.`,
          );
        }
      }
    }
    return issues;
  },
};
