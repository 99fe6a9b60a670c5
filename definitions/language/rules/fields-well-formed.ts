import { formatPath, type Issue, type Rule } from '../issue';
import { actionSites } from '../model';

const RULE = 'fields-well-formed';

/** The API validates an action's input against its fields; a contradictory field would refuse every input. */
export const fieldsWellFormed: Rule = {
  id: RULE,
  description:
    'An enum field lists its `values` (only enum fields do); `min`/`max` belong to integer fields and `min` ≤ `max`; `maxLength` belongs to string and text fields.',
  check(definition) {
    const issues: Issue[] = [];
    for (const site of actionSites(definition)) {
      for (const [name, field] of Object.entries(site.action.fields)) {
        const push = (message: string, key?: string) =>
          issues.push({
            rule: RULE,
            ...(site.owner ? { elementId: site.owner.id } : {}),
            path: formatPath([...site.path, 'fields', name, ...(key ? [key] : [])]),
            message: `Field "${name}" of action "${site.action.id}" ${message}`,
          });
        if (field.type === 'enum' && !field.values)
          push('is an enum without `values`; list the allowed values.');
        if (field.type !== 'enum' && field.values)
          push(
            `is a ${field.type} but lists \`values\`; make it \`type: enum\` or remove \`values\`.`,
            'values',
          );
        if (field.type !== 'integer' && (field.min !== undefined || field.max !== undefined)) {
          push(`is a ${field.type} but has \`min\`/\`max\`, which apply to integers only; remove them.`);
        }
        if (field.min !== undefined && field.max !== undefined && field.min > field.max) {
          push(
            `has \`min: ${field.min}\` above \`max: ${field.max}\`, so no value is accepted; swap or correct them.`,
            'min',
          );
        }
        if (field.maxLength !== undefined && field.type !== 'string' && field.type !== 'text') {
          push(
            `is a ${field.type} but has \`maxLength\`, which applies to string and text fields only; remove it.`,
            'maxLength',
          );
        }
      }
    }
    return issues;
  },
};
