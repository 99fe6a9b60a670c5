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
import { hashDefinition } from '../definitions/language/hash';
import type { Issue } from '../definitions/language/issue';
import { DefinitionSchema, type Definition } from '../definitions/language/schema';
import { validateDefinition } from '../definitions/language/validate';
import type { Actor } from './engine/types';
import { FailureType } from './failure-types';

/** The one registry per namespace. Never rename: it is the workflow id the API looks up. */
export const DEFINITION_REGISTRY_WORKFLOW_ID = 'definition-registry';

/** A published definition version: immutable once published (its hash never changes). */
export interface PublishedDefinition {
  id: string;
  version: number;
  hash: string;
  name: string;
  definition: Definition;
  publishedAt: string;
  publishedBy: Actor;
}

export type DefinitionSummary = Omit<PublishedDefinition, 'definition'>;

export interface RegistryState {
  definitions: PublishedDefinition[];
}

export interface PublishDefinitionInput {
  definition: Definition;
  actor: Actor;
}

/** Publishing is an Update: the designer needs to know at once whether the version was accepted. */
export const publishDefinitionUpdate = defineUpdate<DefinitionSummary, [PublishDefinitionInput]>(
  'publishDefinition',
);
export const listDefinitionsQuery = defineQuery<DefinitionSummary[]>('listDefinitions');
export const getDefinitionQuery = defineQuery<PublishedDefinition | null, [{ id: string; version?: number }]>(
  'getDefinition',
);

const summary = ({ definition: _d, ...rest }: PublishedDefinition): DefinitionSummary => rest;

/**
 * The event-sourced registry of published definitions: every publication is an Update in this workflow's history
 * (who and when), the list is a Query. Running petitions are unaffected: each carries its own snapshot.
 */
export async function definitionRegistry(
  input: RegistryState & { seed?: PublishDefinitionInput[] },
): Promise<void> {
  const state: RegistryState = { definitions: [...input.definitions] };
  const at = () => new Date().toISOString();

  const check = (
    candidate: PublishDefinitionInput,
  ): { existing?: PublishedDefinition; definition: Definition } => {
    const parsed = DefinitionSchema.safeParse(candidate.definition);
    if (!parsed.success) {
      throw ApplicationFailure.create({
        type: FailureType.InvalidDefinition,
        message: `The definition does not match the language: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        details: [
          parsed.error.issues.map((i) => ({ rule: 'schema', path: i.path.join('.'), message: i.message })),
        ],
        nonRetryable: true,
      });
    }
    const issues: Issue[] = validateDefinition(parsed.data);
    if (issues.length > 0) {
      throw ApplicationFailure.create({
        type: FailureType.InvalidDefinition,
        message: `The definition ${parsed.data.id}@${parsed.data.version} has ${issues.length} issue(s); fix them before publishing.`,
        details: [issues],
        nonRetryable: true,
      });
    }
    const existing = state.definitions.find(
      (d) => d.id === parsed.data.id && d.version === parsed.data.version,
    );
    if (existing && existing.hash !== hashDefinition(parsed.data)) {
      throw ApplicationFailure.create({
        type: FailureType.DefinitionVersionExists,
        message: `${existing.id}@${existing.version} is already published with other content (published versions never change); publish it as version ${nextVersion(parsed.data.id)}.`,
        details: [{ id: existing.id, version: existing.version, hash: existing.hash }],
        nonRetryable: true,
      });
    }
    return { existing, definition: parsed.data };
  };

  const nextVersion = (id: string) =>
    Math.max(0, ...state.definitions.filter((d) => d.id === id).map((d) => d.version)) + 1;

  const publish = (candidate: PublishDefinitionInput): DefinitionSummary => {
    const { existing, definition } = check(candidate);
    if (existing) return summary(existing);
    const published: PublishedDefinition = {
      id: definition.id,
      version: definition.version,
      hash: hashDefinition(definition),
      name: definition.name,
      definition,
      publishedAt: at(),
      publishedBy: candidate.actor,
    };
    state.definitions.push(published);
    return summary(published);
  };

  for (const seed of input.seed ?? []) {
    if (!state.definitions.some((d) => d.id === seed.definition.id && d.version === seed.definition.version))
      publish(seed);
  }

  setHandler(publishDefinitionUpdate, publish, { validator: (candidate) => void check(candidate) });
  setHandler(listDefinitionsQuery, () => state.definitions.map(summary));
  setHandler(getDefinitionQuery, ({ id, version }) => {
    const matching = state.definitions.filter(
      (d) => d.id === id && (version === undefined || d.version === version),
    );
    return matching.sort((a, b) => b.version - a.version)[0] ?? null;
  });

  // The registry lives forever; its history is rolled over well before Temporal's limits.
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 5_000);
  await condition(allHandlersFinished);
  await continueAsNew<typeof definitionRegistry>({ definitions: state.definitions });
}
