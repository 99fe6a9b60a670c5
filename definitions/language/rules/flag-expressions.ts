import { analyzeFeel } from '../feel';
import { feelSites, PETITION_NAME, type FeelSite } from '../feel-sites';
import { formatPath, type Issue, type Rule } from '../issue';
import { FLAG_FACTS, IMPERSONAL_PETITION_FACTS, quoteList, RESERVED_FEEL_NAMES } from '../model';
import type { Definition } from '../schema';

const RULE = 'flag-expressions';

/**
 * Flags are kept in a search attribute, which is never encrypted (design settled point 10): a flag may read the
 * declared variables and the engine's facts, never the petitioner's personal data — neither `petition` itself nor a
 * variable set from personal facts or from free text, however indirectly.
 */
export const flagExpressions: Rule = {
  id: RULE,
  description:
    'Every flag (`flags`) is valid FEEL over the declared variables and the engine facts (supervisionCount, outcome, final, evaluated, status); it reads no personal data: not `petition`, nor a variable set from the personal registered facts or from a free-text field; no declared variable is shadowed by an engine fact.',
  check(definition) {
    const flags = Object.entries(definition.flags ?? {});
    if (flags.length === 0) return [];
    const issues: Issue[] = [];
    const declared = Object.keys(definition.variables);
    const facts: readonly string[] = FLAG_FACTS;
    for (const name of declared) {
      if (facts.includes(name)) {
        issues.push({
          rule: RULE,
          path: formatPath(['variables', name]),
          message: `Variable "${name}" has the name of an engine fact that flags read (${quoteList(facts)}); flags would read the fact, not the variable — rename the variable.`,
        });
      }
    }
    const personal = personalVariables(definition);
    const readable = [...declared, ...facts];
    for (const [flag, expression] of flags) {
      const push = (message: string) =>
        issues.push({ rule: RULE, path: formatPath(['flags', flag]), message });
      const analysis = analyzeFeel(expression, [...readable, PETITION_NAME]);
      if (analysis.syntaxError) {
        push(
          `Flag "${flag}" is not valid FEEL (${analysis.syntaxError.message} at character ${analysis.syntaxError.offset + 1} of ${JSON.stringify(expression)}); correct the expression.`,
        );
        continue;
      }
      for (const name of new Set(analysis.names)) {
        if (name === PETITION_NAME) {
          push(
            `Flag "${flag}" reads \`petition\`, the registered facts: flags are kept unencrypted in a search attribute and may carry no personal data; set a variable at registration from an impersonal fact (${quoteList(IMPERSONAL_PETITION_FACTS.map((f) => `petition.${f}`))}) and read that.`,
          );
        } else if ((RESERVED_FEEL_NAMES as readonly string[]).includes(name)) {
          push(
            `Flag "${flag}" reads "${name}", which exists only while an action is taken; flags read the variables and the engine facts (${quoteList(facts)}).`,
          );
        } else if (!readable.includes(name)) {
          push(
            `Flag "${flag}" uses "${name}", which is neither a declared variable nor an engine fact (FEEL would read it as null); it may use the declared variables and ${quoteList(facts)}.`,
          );
        } else if (personal.has(name) && !facts.includes(name)) {
          push(
            `Flag "${flag}" reads "${name}", which is set from personal data (${personal.get(name)}): flags are kept unencrypted in a search attribute and may carry no personal data; flag an impersonal code instead.`,
          );
        }
      }
      for (const fn of new Set(analysis.unknownFunctions)) {
        push(`Flag "${flag}" calls "${fn}", which is not a FEEL built-in function; correct the name.`);
      }
    }
    return issues;
  },
};

/**
 * The variables that may hold personal data, each with why: set at registration from a personal fact
 * (`petition.petitioner`, `petition.subject`, …, or `petition` whole), set from a free-text action field, or set
 * from such a variable.
 */
function personalVariables(definition: Definition): Map<string, string> {
  const personal = new Map<string, string>();
  const sites = feelSites(definition).filter((s): s is FeelSite & { assigns: string } => !!s.assigns);
  const analysed = sites.map((site) => ({
    site,
    analysis: analyzeFeel(site.expression, site.names ?? [...Object.keys(definition.variables), 'input']),
  }));
  const impersonal: readonly string[] = IMPERSONAL_PETITION_FACTS;
  for (let changed = true; changed;) {
    changed = false;
    for (const { site, analysis } of analysed) {
      if (personal.has(site.assigns) || analysis.syntaxError) continue;
      let why: string | undefined;
      const petitionReads = analysis.memberReads.filter((r) => r.name === PETITION_NAME);
      const bare = analysis.names.filter((n) => n === PETITION_NAME).length > petitionReads.length;
      const fact = petitionReads.find((r) => !impersonal.includes(r.field));
      if (bare) why = `${site.label} reads \`petition\` whole`;
      else if (fact) why = `${site.label} reads \`petition.${fact.field}\``;
      const text = site.action
        ? analysis.inputFields.find((f) => site.action!.fields[f]?.type === 'text')
        : undefined;
      if (!why && text) why = `${site.label} reads the free-text field \`input.${text}\``;
      const from = analysis.names.find((n) => personal.has(n));
      if (!why && from) why = `${site.label} reads "${from}"`;
      if (why) {
        personal.set(site.assigns, why);
        changed = true;
      }
    }
  }
  return personal;
}
