import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Actor } from './engine/types';
import { FailureType } from './failure-types';

/** The one drafts store per namespace. Never rename: it is the workflow id the API looks up. */
export const DEFINITION_DRAFTS_WORKFLOW_ID = 'definition-drafts';

/** A definition's draft: the designer's work in progress, one per definition id, kept until published or discarded. */
export interface DefinitionDraft {
  /** The definition id the draft is for. */
  id: string;
  /** Bumped by every save: a save names the revision it started from, so two designers never overwrite each other. */
  revision: number;
  source: string;
  format: 'yaml' | 'json' | 'bpmn';
  /** The published version it was started from. */
  basedOn?: number;
  savedAt: string;
  savedBy: Actor;
}

export type DraftSummary = Omit<DefinitionDraft, 'source'>;

export interface SaveDraftInput {
  id: string;
  source: string;
  format: DefinitionDraft['format'];
  basedOn?: number;
  /** The revision the edit started from (0: no draft yet); absent overwrites whatever is there. */
  baseRevision?: number;
  actor: Actor;
}

export interface DiscardDraftInput {
  id: string;
  actor: Actor;
  /** Discard only this revision (a publish clears the draft it published, not one saved since). */
  revision?: number;
}

/** The stored drafts together stay well below Temporal's 2 MB payload limit (they are carried by continue-as-new). */
export const MAX_DRAFTS_BYTES = 1_536 * 1024;

/** Saving is an Update: the designer needs to know at once whether the save was taken or someone else's came first. */
export const saveDraftUpdate = defineUpdate<DraftSummary, [SaveDraftInput]>('saveDefinitionDraft');
/** Discarding is an Update for the same reason (and it answers whether there was a draft). */
export const discardDraftUpdate = defineUpdate<boolean, [DiscardDraftInput]>('discardDefinitionDraft');
export const getDraftQuery = defineQuery<DefinitionDraft | null, [{ id: string }]>('getDefinitionDraft');
export const listDraftsQuery = defineQuery<DraftSummary[]>('listDefinitionDrafts');

const summary = ({ source: _s, ...rest }: DefinitionDraft): DraftSummary => rest;
const bytes = (s: string): number => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 2 : 3;
  }
  return n;
};

/**
 * The drafts of process definitions, event-sourced like the registry (every save is an Update in this history: who
 * and when) but kept apart from it: drafts are large, change often and are thrown away, while the registry's
 * history is the record of what was published.
 */
export async function definitionDrafts(input: { drafts: DefinitionDraft[] }): Promise<void> {
  const drafts = new Map(input.drafts.map((d) => [d.id, d]));

  const check = (candidate: SaveDraftInput): void => {
    const current = drafts.get(candidate.id);
    if (candidate.baseRevision !== undefined && candidate.baseRevision !== (current?.revision ?? 0)) {
      throw ApplicationFailure.create({
        type: FailureType.DraftConflict,
        message: current
          ? `The draft of ${candidate.id} was saved as revision ${current.revision} by ${current.savedBy.id ?? current.savedBy.role} at ${current.savedAt}, after revision ${candidate.baseRevision} you started from; reload it (or save without baseRevision to overwrite it).`
          : `There is no draft of ${candidate.id} any more (published or discarded); save with baseRevision 0 to start a new one.`,
        details: [current ? summary(current) : null],
        nonRetryable: true,
      });
    }
    const others = [...drafts.values()].filter((d) => d.id !== candidate.id);
    const total = others.reduce((n, d) => n + bytes(d.source), 0) + bytes(candidate.source);
    if (total > MAX_DRAFTS_BYTES) {
      throw ApplicationFailure.create({
        type: FailureType.DraftConflict,
        message: `The drafts would take ${Math.ceil(total / 1024)} KiB, more than the ${MAX_DRAFTS_BYTES / 1024} KiB kept; publish or discard another draft first (${others.map((d) => d.id).join(', ')}).`,
        details: [{ drafts: others.map(summary), full: true }],
        nonRetryable: true,
      });
    }
  };

  setHandler(
    saveDraftUpdate,
    (candidate) => {
      check(candidate);
      const draft: DefinitionDraft = {
        id: candidate.id,
        revision: (drafts.get(candidate.id)?.revision ?? 0) + 1,
        source: candidate.source,
        format: candidate.format,
        ...(candidate.basedOn !== undefined && { basedOn: candidate.basedOn }),
        savedAt: new Date().toISOString(),
        savedBy: candidate.actor,
      };
      drafts.set(draft.id, draft);
      return summary(draft);
    },
    { validator: check },
  );
  setHandler(discardDraftUpdate, ({ id, revision }) => {
    const current = drafts.get(id);
    if (!current || (revision !== undefined && current.revision !== revision)) return false;
    drafts.delete(id);
    return true;
  });
  setHandler(getDraftQuery, ({ id }) => drafts.get(id) ?? null);
  setHandler(listDraftsQuery, () => [...drafts.values()].map(summary));

  // Each save carries a whole source: roll the history over long before Temporal's limits.
  await condition(
    () =>
      workflowInfo().continueAsNewSuggested ||
      workflowInfo().historyLength > 2_000 ||
      workflowInfo().historySize > 4 * 1024 * 1024,
  );
  await condition(allHandlersFinished);
  await continueAsNew<typeof definitionDrafts>({ drafts: [...drafts.values()] });
}
