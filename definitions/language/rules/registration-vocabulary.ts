import { formatPath, type Issue, type Rule } from '../issue';
import { quoteList } from '../model';

const RULE = 'registration-vocabulary';

/** The registered fact each vocabulary lists the values of. */
const FACTS = { categories: 'petition.category', channels: 'petition.channel' } as const;

/**
 * A petition is registered in one of the declared categories, by one of the declared channels; a variable copied
 * from that fact is compared with literals in conditions, so the values it lists must be exactly those (a category
 * missing from them is registrable but routed by no condition that names it).
 */
export const registrationVocabulary: Rule = {
  id: RULE,
  description:
    'The registration declares at least one category and one channel; a variable registered as `petition.category` (or `petition.channel`) that lists `values` lists exactly the declared categories (channels).',
  check(definition) {
    const registration = definition.registration;
    if (!registration) return [];
    const issues: Issue[] = [];
    for (const [part, fact] of Object.entries(FACTS) as Array<[keyof typeof FACTS, string]>) {
      const declared = Object.keys(registration[part]);
      if (declared.length === 0) {
        issues.push({
          rule: RULE,
          path: formatPath(['registration', part]),
          message: `The registration declares no ${part}; declare at least one (each with its \`name\`), or a petition could never be registered.`,
        });
        continue;
      }
      for (const [name, expression] of Object.entries(registration.variables)) {
        if (expression.trim() !== fact) continue;
        const values = definition.variables[name]?.values;
        if (!values) continue;
        const missing = declared.filter((v) => !values.includes(v));
        const extra = values.filter((v) => !declared.includes(v));
        if (missing.length === 0 && extra.length === 0) continue;
        issues.push({
          rule: RULE,
          path: formatPath(['variables', name, 'values']),
          message: `Variable "${name}" is registered as \`${fact}\` but its values (${quoteList(values)}) differ from the declared ${part} (${quoteList(declared)})${missing.length > 0 ? `: add ${quoteList(missing)}` : ''}${extra.length > 0 ? `${missing.length > 0 ? ',' : ':'} remove ${quoteList(extra)}` : ''}.`,
        });
      }
    }
    return issues;
  },
};
