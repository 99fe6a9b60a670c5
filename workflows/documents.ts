import { renderTemplate } from '../definitions/language/templates';
import type { GenerateDocumentInput } from './activity-contracts';
import type { DocumentRecord } from './engine/types';

/** `2026-03-01T02:00:00Z` or `2026-03-01` → `2026年3月1日` (the Asia/Shanghai civil date). */
export function chineseDate(value: string): string {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00+08:00` : value;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return value;
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/**
 * The scope of a document template, in the placeholder vocabulary of definitions/language/templates.ts; dates a
 * person reads (receipt, generation, last day) are written the Chinese way.
 */
export function documentScope(input: GenerateDocumentInput): Record<string, unknown> {
  return {
    petitionId: input.petitionId,
    documentId: input.documentId,
    stepName: input.stepName,
    at: chineseDate(input.at),
    petition: { ...input.petition, receivedAt: chineseDate(input.petition.receivedAt) },
    variables: input.variables,
    ...bodyNames(input),
    input: input.input,
    deadline: input.deadline
      ? {
          ...input.deadline,
          lastDay: input.deadline.lastDay ? chineseDate(input.deadline.lastDay) : input.deadline.lastDay,
          originalLastDay: input.deadline.originalLastDay
            ? chineseDate(input.deadline.originalLastDay)
            : input.deadline.originalLastDay,
        }
      : undefined,
  };
}

/**
 * `names.<variable>`: the registered name of the body whose code the variable holds, else the value itself (a
 * body the registry does not know is signed by its code); `superiorNames.<variable>`: its superior's name, when
 * the registry names one.
 */
function bodyNames(input: GenerateDocumentInput): {
  names: Record<string, unknown>;
  superiorNames: Record<string, unknown>;
} {
  const names: Record<string, unknown> = {};
  const superiorNames: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input.variables)) {
    if (typeof value !== 'string') {
      names[name] = value;
      continue;
    }
    const body = input.bodies?.[value];
    names[name] = body?.name ?? value;
    const superior = body?.superiorName ?? body?.superior;
    if (superior) superiorNames[name] = superior;
  }
  return { names, superiorNames };
}

/**
 * Renders a document of the petition from its template. Pure: the petition workflow renders in place (petitions
 * started before did it through the generateDocument local activity, which runs this too).
 */
export function generateDocument(input: GenerateDocumentInput): DocumentRecord {
  const scope = documentScope(input);
  return {
    id: input.documentId,
    kind: input.kind,
    title: renderTemplate(input.template.title, scope),
    text: renderTemplate(input.template.template, scope).trim(),
    step: input.step,
    generatedAt: input.at,
    deliveries: [],
  };
}
