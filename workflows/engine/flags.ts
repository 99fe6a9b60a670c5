import type { DefinitionIndex } from './definition-index';
import { evalFeel } from './feel';
import type { PetitionState } from './types';

/** A keyword as it may be kept and queried (the visibility query builder quotes these characters only). */
const KEYWORD = /^[\p{L}\p{N}_.:@+-]{1,100}$/u;

/**
 * What flag expressions read: the declared variables, then the engine's facts (`FLAG_FACTS` of the language), which
 * shadow a variable of the same name.
 */
export function flagContext(state: PetitionState): Record<string, unknown> {
  return {
    ...state.variables,
    supervisionCount: state.supervision.length,
    outcome: state.outcome?.outcome ?? null,
    final: state.outcome?.final ?? false,
    evaluated: state.metrics.satisfaction !== undefined,
    status: state.status,
  };
}

/**
 * The keywords of the `PetitionFlags` search attribute: each declared flag in declaration order, `true` naming the
 * flag itself, a string or a list of strings naming keywords; false, null and anything else name none. A keyword that
 * could not be queried (blank, longer than 100 characters, or with characters other than letters, digits and
 * `_.:@+-`) is left out, as are repeats.
 */
export function flagsOf(index: DefinitionIndex, state: PetitionState): string[] {
  const flags = Object.entries(index.definition.flags);
  if (flags.length === 0) return [];
  const context = flagContext(state);
  const out: string[] = [];
  const add = (keyword: unknown) => {
    if (typeof keyword === 'string' && KEYWORD.test(keyword) && !out.includes(keyword)) out.push(keyword);
  };
  for (const [name, expression] of flags) {
    const value = evalFeel(expression, context);
    if (value === true) add(name);
    else if (typeof value === 'string') add(value);
    else if (Array.isArray(value)) value.forEach(add);
  }
  return out;
}
