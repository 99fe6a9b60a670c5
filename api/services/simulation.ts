/**
 * The designer's dry run: a definition (published, or a draft's source) run by the workflow's own pure interpreter
 * over the legal calendar in force, with the workflow's own document renderer and delivery routing — nothing
 * started, nothing written.
 */
import type { z } from 'zod';
import { calculateDeadline, type CalendarData } from '../../definitions/calendar';
import { hashDefinition } from '../../definitions/language/hash';
import type { Definition } from '../../definitions/language/schema';
import { builtInDefinition } from '../../definitions/statutory/built-in';
import { deliveryRoute } from '../../workflows/department-routing';
import { generateDocument } from '../../workflows/documents';
import {
  deadlineView,
  indexDefinition,
  simulate,
  SimulationInputError,
  type PetitionFacts,
  type SimulationDeps,
  type SimulationResult,
} from '../../workflows/engine';
import { ApiError } from '../errors';
import type { definitionInput, simulateBody } from '../schemas/designer';
import { checkDefinitionSource, type DefinitionService } from './definitions';

export type DefinitionInput = z.output<typeof definitionInput>;

export interface ResolvedDefinition {
  definition: Definition;
  hash: string;
  from: 'published' | 'source';
}

/**
 * A definition named by `id@version` (or `id`: the latest) from the registry — or, where this API has none, from the
 * definitions the code ships — or given as a source, which must be valid (422 with its issues otherwise).
 */
export async function resolveDefinitionInput(
  input: DefinitionInput,
  definitions: DefinitionService | undefined,
): Promise<ResolvedDefinition> {
  if (typeof input === 'string') {
    const [id, v] = input.split('@') as [string, string | undefined];
    const version = v === undefined ? undefined : Number(v);
    if (definitions) {
      const found = version === undefined ? await definitions.latest(id) : await definitions.get(id, version);
      if (!found) throw new ApiError(404, 'not_found', `No published definition ${input}.`);
      return { definition: found.definition, hash: found.hash, from: 'published' };
    }
    const shipped = version === undefined ? undefined : builtInDefinition({ id, version });
    if (!shipped)
      throw new ApiError(
        404,
        'not_found',
        `No definition ${input} here: this API has no definition registry and ships only the statutory versions (name one as id@version).`,
      );
    return { definition: shipped.definition, hash: shipped.hash, from: 'published' };
  }
  const checked = await checkDefinitionSource(input.source, input.format);
  if (!checked.ok || !checked.definition)
    throw new ApiError(
      422,
      'invalid_definition',
      `The definition has ${checked.issues.filter((i) => i.severity !== 'warning').length} issue(s); fix them first (POST /v1/definitions/validate lists them).`,
      { issues: checked.issues },
    );
  return { definition: checked.definition, hash: hashDefinition(checked.definition), from: 'source' };
}

type SimulateBody = z.output<typeof simulateBody>;

/** The dry run's answer: the pure simulation's result with what was run and the facts it ran with. */
export type SimulationAnswer = Omit<SimulationResult, 'state'> & {
  definition: { id: string; version: number; hash: string; from: 'published' | 'source' };
  start: string;
  petition: { category: string; channel: string; department?: string; receivedAt: string };
};

/** Runs a dry run (400 for a request whose instants or facts do not fit the definition). */
export function runSimulation(
  resolved: ResolvedDefinition,
  body: SimulateBody,
  calendar: CalendarData,
): SimulationAnswer {
  const { definition, hash } = resolved;
  const index = indexDefinition(definition);
  const registration = index.definition.registration;
  const categories = Object.keys(registration.categories);
  const channels = Object.keys(registration.channels);
  const facts = body.petition ?? {};
  const category = facts.category ?? categories[0];
  const channel = facts.channel ?? channels[0];
  if (!category || !categories.includes(category))
    throw new ApiError(
      400,
      'validation_failed',
      `petition.category must be one of the definition's categories: ${categories.join(', ')}.`,
      { field: 'petition.category', allowed: categories },
    );
  if (!channel || !channels.includes(channel))
    throw new ApiError(
      400,
      'validation_failed',
      `petition.channel must be one of the definition's channels: ${channels.join(', ')}.`,
      { field: 'petition.channel', allowed: channels },
    );
  const start = new Date(Date.parse(body.start)).toISOString();
  const receivedAt = new Date(Date.parse(facts.receivedAt ?? body.start)).toISOString();
  if (Date.parse(receivedAt) > Date.parse(start))
    throw new ApiError(
      400,
      'validation_failed',
      'petition.receivedAt is after start: a petition is registered when or after it is received.',
      { field: 'petition.receivedAt' },
    );
  const clear = facts.identityClear !== false;
  const petition: PetitionFacts = {
    category,
    channel,
    subject: facts.subject ?? '试运行事项',
    content: facts.content ?? '流程定义试运行（不登记信访事项）。',
    receivedAt,
    petitioner: clear ? { name: '试运行信访人', address: '试运行地址' } : { name: ' ', address: ' ' },
    ...(facts.department !== undefined && { department: facts.department }),
    ...(facts.concerns !== undefined && { concerns: facts.concerns }),
  };
  const deps: SimulationDeps = {
    compute: (request) => calculateDeadline(request, calendar),
    render: ({ kind, step, input, deadlineKey, state, at, documentId }) => {
      const template = definition.documents[kind];
      if (!template) return undefined;
      const deadline = deadlineKey ? state.deadlines.find((d) => d.key === deadlineKey) : undefined;
      return generateDocument({
        petitionId: state.petitionId,
        kind,
        template,
        step,
        stepName: index.element(step).name ?? step,
        petition: state.petition,
        variables: state.variables,
        input,
        deadline: deadline ? deadlineView(definition, deadline) : undefined,
        at,
        documentId,
      });
    },
    deliver: (element, state, at) => {
      // The department registry is not consulted: the body a review is routed to stays unnamed (any superior acts).
      const route = deliveryRoute(index, element, state, at);
      return {
        detail: `dry run: delivered by hand (${route.target.kind}${'code' in route.target ? ` ${route.target.code}` : ''})`,
        ...(route.records && { variables: { [route.records]: null } }),
      };
    },
  };
  let result: SimulationResult;
  try {
    result = simulate(
      definition,
      {
        petitionId: 'DRYRUN',
        definitionHash: hash,
        petition,
        start,
        registeredBy: { role: 'registrar', id: 'dry-run' },
        actions: body.actions.map((a) => ({
          action: a.action,
          at: a.at,
          ...(a.input && { input: a.input }),
          // The dry run tests the definition, not a token: its staff carry the approver's claim (an extension that
          // needs approval is approved, Art. 34).
          ...(a.role && {
            actor: {
              role: a.role,
              id: 'dry-run',
              ...(a.department && { department: a.department }),
              approver: true,
            },
          }),
        })),
        ...(body.until && { until: body.until }),
      },
      deps,
    );
  } catch (err) {
    if (err instanceof SimulationInputError)
      throw new ApiError(400, 'validation_failed', err.message, err.details);
    throw err;
  }
  const { state: _state, ...rest } = result;
  return {
    definition: { id: definition.id, version: definition.version, hash, from: resolved.from },
    start,
    petition: {
      category,
      channel,
      receivedAt,
      ...(facts.department !== undefined && { department: facts.department }),
    },
    ...rest,
  };
}
