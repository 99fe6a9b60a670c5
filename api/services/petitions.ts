/**
 * Petitions through Temporal: registration (start), the record (describe: search attributes and memo), the view
 * (query) and actions (one Update each, applied once per Idempotency-Key, authorized by the petition's validator).
 * Authorization of reads is the routes' job (api/auth); this module only talks to Temporal, with every call bounded
 * in time.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type Client,
  type Connection,
  QueryNotRegisteredError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { CalendarData } from '../../definitions/calendar';
import type { Definition } from '../../definitions/language/schema';
import {
  findStatutoryDefinition,
  statutoryDefinitions,
  STATUTORY_DEFINITION_ID,
  STATUTORY_DEFINITION_VERSION,
} from '../../definitions/statutory';
import {
  bodyFieldsOf,
  EngineError,
  viewOf,
  type ActionAnswer,
  type Actor,
  type BodyFacts,
  type Caller,
  type PetitionFacts,
  type PetitionOutcome,
  type SameMatter,
  type PetitionView,
} from '../../workflows/engine';
import {
  PETITION_WORKFLOW_TYPE,
  petitionActionAnswerQuery,
  petitionActionUpdate,
  petitionStateQuery,
  petitionWorkflowId,
  reissueAccessCodeUpdate,
} from '../../workflows/messages';
import {
  recordReportReadsSignal,
  type ReportRead,
  type reportAudit,
  reportAuditWorkflowId,
  REPORT_AUDIT_WORKFLOW_TYPE,
} from '../../workflows/report-audit';
import { PetitionSearchAttributes as SA } from '../../workflows/search-attributes';
import { base32, generateAccessCode, hashAccessCode } from '../auth/access-code';
import { petitionNotFound, type PetitionRecord } from '../auth/policy';
import { ApiError, refusalAsApiError, TemporalTimeoutError } from '../errors';
import type { BodyField, DepartmentDirectory } from './department-directory';
import { MAX_REPRESENTATIVES, type RegisterPetitionBody, type RelatedPetition } from '../schemas/petitions';
import type { DefinitionService } from './definitions';
import type { DepartmentService } from './departments';
import { actionEntryOf, actionRequestIds, requestHash } from './idempotency';
import { petitionStart, type PetitionStart } from './petition-start';
import type { IdentityKeyer } from './identity-key';
import { petitionIdOf } from './petition-ids';
import { createReportReadLog } from './report-read-log';
import { boundedCall } from './temporal-calls';

/** How far ahead of the server's clock a `receivedAt` may lie (client clocks drift a little). */
const CLOCK_SKEW_MS = 60_000;

export interface PetitionServiceDeps {
  client: Client;
  /** The same-matter key of petitioners (Arts. 19, 36 ¶3). */
  identity: IdentityKeyer;
  connection: Connection;
  taskQueue: string;
  /** Published definitions; without it (or when it has none) the built-in statutory default is used. */
  definitions?: DefinitionService;
  /** The department registry: the registered name of a body that received a petition directly signs its documents. */
  departments?: Pick<DepartmentService, 'get'>;
  /** The legal calendar in force: registration computes the first step's deadlines with it. */
  calendar: () => CalendarData;
  /** Checks the department codes a request names against the registry. */
  directory: Pick<DepartmentDirectory, 'requireKnown'>;
  /** Bound on each Temporal call. */
  rpcTimeoutMs: number;
  now: () => Date;
}

/** What registration answers: a new petition (with its access code, shown once) or the replay of an earlier one. */
export type Registration =
  | { created: true; id: string; accessCode: string; view: PetitionView; related: RelatedPetition[] }
  | { created: false; id: string; view: PetitionView; related: RelatedPetition[] };

/** At most this many related petitions are listed (newest first). */
const MAX_RELATED = 100;

function unknownSameMatter(id: string): ApiError {
  return new ApiError(
    422,
    'unknown_petition',
    `sameMatterAs names petition ${id}, which does not exist; give the id of the earlier petition (POST /v1/petitions/related lists them).`,
    { field: 'sameMatterAs' },
  );
}

/**
 * Whether a failed call may mean that the workflow task keeps failing: the server then refuses queries (failed
 * precondition) or holds queries and Updates until they time out, on our clock or on gRPC's.
 */
function mayBeStuck(err: unknown): boolean {
  if (err instanceof TemporalTimeoutError || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
    return true;
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 4 || code === 9 || code === 1) return true;
    if (/workflow task in failed state/i.test(String((e as Error).message ?? ''))) return true;
  }
  return false;
}

/** How long the list of published definitions counts as fresh for the department-code check of an action. */
const DEFINITIONS_FRESH_MS = 5_000;

/** `YYYYMMDD` of an instant in Asia/Shanghai, the calendar petitions are registered in. */
function shanghaiDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .format(at)
    .replace(/-/g, '');
}

export function createPetitionService(deps: PetitionServiceDeps) {
  const { client, connection, rpcTimeoutMs } = deps;
  const call = <T>(what: string, fn: () => Promise<T>) => boundedCall(connection, rpcTimeoutMs, what, fn);

  async function resolveDefinition(
    ref: string | undefined,
  ): Promise<{ definition: Definition; hash: string }> {
    try {
      return await resolveDefinitionOrThrow(ref);
    } catch (err) {
      if (err instanceof TemporalTimeoutError) {
        throw new ApiError(
          503,
          'worker_unavailable',
          `No worker answered the definition registry within ${err.ms / 1000} s (a registration pins the latest published definition); check GET /readyz and retry with the same Idempotency-Key.`,
        );
      }
      throw err;
    }
  }

  async function resolveDefinitionOrThrow(
    ref: string | undefined,
  ): Promise<{ definition: Definition; hash: string }> {
    if (ref) {
      const [id, version] = ref.split('@') as [string, string];
      const published = deps.definitions ? await deps.definitions.get(id, Number(version)) : undefined;
      if (published) return { definition: published.definition, hash: published.hash };
      const shipped = id === STATUTORY_DEFINITION_ID ? findStatutoryDefinition(Number(version)) : undefined;
      if (shipped) return shipped;
      throw new ApiError(
        422,
        'unknown_definition',
        `No published definition ${ref}; GET /v1/definitions lists them.`,
        {
          field: 'definition',
        },
      );
    }
    // The newer of the latest published version and the shipped one (a registry seeded before it shipped lacks it).
    const latest = deps.definitions ? await deps.definitions.latest(STATUTORY_DEFINITION_ID) : undefined;
    if (latest && latest.version >= STATUTORY_DEFINITION_VERSION) {
      return { definition: latest.definition, hash: latest.hash };
    }
    return findStatutoryDefinition(STATUTORY_DEFINITION_VERSION)!;
  }

  /** Checks the rules of registration that the schema cannot express; throws a 4xx before anything is started. */
  function checkRegistration(body: RegisterPetitionBody, now: Date): void {
    if (body.receivedAt && Date.parse(body.receivedAt) > now.getTime() + CLOCK_SKEW_MS) {
      throw new ApiError(
        422,
        'received_at_in_future',
        `receivedAt ${body.receivedAt} lies in the future (server time ${now.toISOString()}); give the instant the petition was actually received, or leave it out for now.`,
        { field: 'receivedAt' },
      );
    }
    if ((body.representatives?.length ?? 0) > MAX_REPRESENTATIVES) {
      throw new ApiError(
        422,
        'statutory_rule',
        `多人采用走访形式提出同一信访事项的，应当推选代表，代表人数不超过5人（《信访工作条例》第二十条）; got ${body.representatives!.length} representatives.`,
        { field: 'representatives', article: '《信访工作条例》第二十条', max: MAX_REPRESENTATIVES },
      );
    }
    if (body.concerns !== undefined && body.category !== 'report') {
      throw new ApiError(
        400,
        'validation_failed',
        'The request is not valid: body.concerns: only a report (category "report") concerns a body.',
        [
          {
            in: 'body',
            field: 'body.concerns',
            message: 'only a report (category "report") concerns a body',
          },
        ],
      );
    }
    if (body.category === 'report' && body.concerns !== undefined && body.department === body.concerns) {
      throw new ApiError(
        422,
        'statutory_rule',
        `检举控告材料不得转给被检举控告的人员和单位（《信访工作条例》第三十条）: the report concerns ${body.concerns}, so it cannot be registered as received by ${body.department}.`,
        { field: 'department', article: '《信访工作条例》第三十条' },
      );
    }
  }

  /**
   * What the registry says of the body that received the petition directly (null: not registered); nothing when the
   * registry cannot be read now — registration never waits on it, and the documents then carry the code.
   */
  async function bodiesAt(code: string | undefined): Promise<Record<string, BodyFacts | null> | undefined> {
    if (code === undefined || !deps.departments) return undefined;
    try {
      const body = await deps.departments.get(code);
      if (!body) return { [code]: null };
      const superior = body.superior ? await deps.departments.get(body.superior) : undefined;
      return {
        [code]: {
          name: body.name,
          superior: body.superior,
          ...(body.superior && { superiorName: superior?.name ?? null }),
        },
      };
    } catch {
      return undefined;
    }
  }

  /** The petition's record, or undefined when there is no such petition. */
  async function record(id: string): Promise<PetitionRecord | undefined> {
    try {
      const d = await call('describe petition', () =>
        client.workflow.getHandle(petitionWorkflowId(id)).describe(),
      );
      if (d.type !== PETITION_WORKFLOW_TYPE) return undefined;
      const sa = d.typedSearchAttributes;
      return {
        id,
        running: d.status.name === 'RUNNING',
        department: sa.get(SA.department) ?? null,
        category: sa.get(SA.category) ?? null,
        concerns: sa.get(SA.concerns) ?? null,
        definition: sa.get(SA.definition) ?? null,
        memo: (d.memo ?? {}) as Record<string, unknown>,
      };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * 503 `petition_stuck` when the petition's workflow task keeps failing (a definition it cannot carry out, a worker
   * without its definition): the server then refuses queries, or holds them until they time out.
   */
  async function stuck(id: string): Promise<ApiError | undefined> {
    const d = await call('describe petition', () =>
      client.workflow.getHandle(petitionWorkflowId(id)).describe(),
    ).catch(() => undefined);
    const attempt = d?.raw.pendingWorkflowTask?.attempt ?? 0;
    if (attempt < 2) return undefined;
    return new ApiError(
      503,
      'petition_stuck',
      `Petition ${id} cannot be read or acted on now: its workflow task has failed ${attempt} times (a definition it cannot carry out, or a worker that lacks its definition). Nothing is lost; operators see the failure in the Temporal Web UI, and the petition resumes once a fixed worker or definition is deployed.`,
      { attempts: attempt },
    );
  }

  /**
   * Whether Temporal itself answers (probed when a query or an Update got no answer in time: that is a worker's
   * absence only if Temporal is there).
   */
  async function temporalAnswers(): Promise<boolean> {
    try {
      await boundedCall(connection, Math.min(rpcTimeoutMs, 2_000), 'probe Temporal', () =>
        connection.workflowService.getSystemInfo({}),
      );
      return true;
    } catch {
      return false;
    }
  }

  /** 503 for a query no worker answered in time (or Temporal's own 503 when it does not answer either). */
  async function noWorker(err: unknown, id: string): Promise<unknown> {
    if (!(err instanceof TemporalTimeoutError) || !(await temporalAnswers())) return err;
    return new ApiError(
      503,
      'worker_unavailable',
      `No worker answered for petition ${id} within ${rpcTimeoutMs / 1000} s; check that a worker runs (GET /readyz) and retry.`,
    );
  }

  /** Whether an error says that there is no such workflow, or no running one to update. */
  function noSuchRun(err: unknown): boolean {
    if (err instanceof ApiError || err instanceof WorkflowUpdateFailedError) return false;
    return (
      err instanceof WorkflowNotFoundError ||
      err instanceof QueryNotRegisteredError ||
      /completed|not found/i.test(String((err as Error)?.message))
    );
  }

  /** The petition's full read model (a Query: answered by a worker, from history when it has finished); 404 when there is none. */
  async function view(id: string): Promise<PetitionView> {
    try {
      return await call('query petition', () =>
        client.workflow.getHandle(petitionWorkflowId(id)).query(petitionStateQuery),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || err instanceof QueryNotRegisteredError)
        throw petitionNotFound(id);
      throw await stuckOrNoWorker(err, id);
    }
  }

  /** The failure path of a query or an Update: 503 `petition_stuck` when its workflow task keeps failing, else {@link noWorker}. */
  async function stuckOrNoWorker(err: unknown, id: string): Promise<unknown> {
    if (mayBeStuck(err)) {
      const reason = await stuck(id);
      if (reason) return reason;
    }
    return await noWorker(err, id);
  }

  /**
   * The fields of action `action` that name a body, in any definition petitions may follow (the shipped ones and
   * every published one): read from the definitions, cached, so that codes are checked with no call to Temporal.
   */
  const definitionsByRef = new Map<string, Definition>();
  for (const d of statutoryDefinitions()) definitionsByRef.set(`${d.id}@${d.version}`, d);
  const bodyFieldsByAction = new Map<string, string[]>();
  let listedAt = -Infinity;
  let listing: Promise<void> | undefined;
  /** The process's first listing: the only one an action waits for. */
  let firstListing: Promise<void> | undefined;
  async function refreshDefinitions(): Promise<void> {
    const summaries = await deps.definitions!.list();
    for (const { id, version } of summaries) {
      const ref = `${id}@${version}`;
      if (definitionsByRef.has(ref)) continue;
      const published = await deps.definitions!.get(id, version);
      if (published) {
        definitionsByRef.set(ref, published.definition);
        bodyFieldsByAction.clear();
      }
    }
    listedAt = deps.now().getTime();
  }
  async function bodyFieldsFor(action: string): Promise<string[]> {
    if (deps.definitions && deps.now().getTime() - listedAt > DEFINITIONS_FRESH_MS) {
      listing ??= refreshDefinitions()
        // A registry that does not answer is asked again once the list would be stale, not on every action.
        .catch(() => void (listedAt = deps.now().getTime()))
        .finally(() => (listing = undefined));
      firstListing ??= listing;
    }
    // Only the process's first action waits for the list (a registry that does not answer then leaves the shipped
    // definitions' fields); afterwards the list is refreshed in the background while the action is checked.
    if (firstListing) await firstListing;
    let fields = bodyFieldsByAction.get(action);
    if (!fields) {
      const all = new Set<string>();
      for (const definition of definitionsByRef.values())
        for (const field of bodyFieldsOf(definition, action)) all.add(field);
      fields = [...all];
      if (bodyFieldsByAction.size < 1000) bodyFieldsByAction.set(action, fields);
    }
    return fields;
  }

  /** Whether the id names a petition workflow that has finished (used when an Update is refused by the server). */
  async function isClosed(id: string): Promise<boolean> {
    const r = await record(id);
    return r !== undefined && !r.running;
  }

  /**
   * The answer to an action sent to a petition that is not running (closed since, or none): refused as the
   * validator would refuse the caller, the earlier answer when the Update id was used for an action, or 409.
   */
  async function answerOfClosed(id: string, caller: Caller, updateId: string): Promise<ActionAnswer> {
    let found;
    try {
      found = await call('query action answer', () =>
        client.workflow
          .getHandle(petitionWorkflowId(id))
          .query(petitionActionAnswerQuery, { caller, updateId }),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || err instanceof QueryNotRegisteredError)
        throw petitionNotFound(id);
      throw await stuckOrNoWorker(err, id);
    }
    if ('refusal' in found) throw refusalAsApiError(found.refusal);
    if (found.answer) return found.answer;
    throw new ApiError(409, 'petition_closed', `Petition ${id} is closed; no further action is possible.`, {
      step: null,
    });
  }

  async function replayOrConflict(id: string, hash: string): Promise<Registration | undefined> {
    const existing = await record(id);
    if (!existing) return undefined;
    if (existing.memo['requestHash'] !== hash) {
      throw new ApiError(
        409,
        'idempotency_conflict',
        'This Idempotency-Key was already used for a different registration; use a new key for a new petition.',
        { id },
      );
    }
    return { created: false, id, view: await view(id), related: [] };
  }

  /**
   * The petitions whose same-matter key is `key`, newest first, but `except`: from visibility only (search attributes,
   * no personal data); the outcome and its finality from the petition's flags.
   */
  async function relatedTo(key: string | undefined, except?: string): Promise<RelatedPetition[]> {
    if (key === undefined) return [];
    const query = `WorkflowType = '${PETITION_WORKFLOW_TYPE}' AND ${SA.identity.name} = '${key}'`;
    return await call('list related petitions', async () => {
      const out: RelatedPetition[] = [];
      for await (const w of client.workflow.list({ query, pageSize: MAX_RELATED })) {
        const id = petitionIdOf(w.workflowId);
        if (id === except) continue;
        const sa = w.typedSearchAttributes;
        const flags = sa.get(SA.flags) ?? [];
        const outcome = flags.find((f) => f.startsWith('outcome:'))?.slice('outcome:'.length) ?? null;
        out.push({
          id,
          step: sa.get(SA.step) ?? null,
          status: sa.get(SA.status) ?? null,
          outcome,
          final: flags.includes('final'),
        });
        if (out.length >= MAX_RELATED) break;
      }
      return out;
    });
  }

  /**
   * The petition named as the same matter, as it is now (from its execution, not from visibility, which may lag): its
   * state while its workflow runs (open, or closed with its outcome); closed with the outcome its workflow returned. Refused when there is no such petition,
   * or when both carry a same-matter key and the keys differ (Art. 36 ¶3 bars the same petitioner).
   */
  async function sameMatterOf(id: string, key: string | undefined): Promise<SameMatter> {
    const handle = client.workflow.getHandle(petitionWorkflowId(id));
    let d: Awaited<ReturnType<typeof handle.describe>>;
    try {
      d = await call('describe petition', () => handle.describe());
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      throw unknownSameMatter(id);
    }
    if (d.type !== PETITION_WORKFLOW_TYPE) throw unknownSameMatter(id);
    const other = d.typedSearchAttributes.get(SA.identity);
    if (key !== undefined && other !== undefined && other !== key) {
      throw new ApiError(
        422,
        'not_same_petitioner',
        `Petition ${id} was brought by another petitioner (another ID number, or name with phone); only the same petitioner's petition can be the same matter (Art. 36 ¶3). Register this one without sameMatterAs.`,
        { field: 'sameMatterAs' },
      );
    }
    if (d.status.name === 'RUNNING') {
      // A closed petition's workflow may still run a moment (notices and archiving after its end): its state says.
      const now = await view(id);
      if (now.status !== 'closed' || now.outcome === null)
        return { id, status: 'open', outcome: null, final: false };
      return { id, status: 'closed', outcome: now.outcome.outcome, final: now.outcome.final };
    }
    if (d.status.name !== 'COMPLETED') return { id, status: 'closed', outcome: null, final: false };
    const result = (await call('read petition outcome', () => handle.result())) as PetitionOutcome;
    return { id, status: 'closed', outcome: result.outcome, final: result.final };
  }

  const readLog = createReportReadLog(async (id, reads) => {
    await call('record report reads', () =>
      client.workflow.signalWithStart<typeof reportAudit, [ReportRead[]]>(REPORT_AUDIT_WORKFLOW_TYPE, {
        workflowId: reportAuditWorkflowId(id),
        taskQueue: deps.taskQueue,
        args: [{ petitionId: id }],
        signal: recordReportReadsSignal,
        signalArgs: [reads],
      }),
    );
  });

  return {
    record,
    view,
    /** `POST /v1/petitions/related`: the petitions of this petitioner, without registering anything. */
    async related(petitioner: RegisterPetitionBody['petitioner']): Promise<RelatedPetition[]> {
      return await relatedTo(deps.identity.keyOf(petitioner));
    },

    /**
     * Registers a petition: starts its workflow with the pinned definition snapshot. With an idempotency key the
     * petition id is derived from the caller and the key, so a retry finds the same petition (keys are honoured for
     * retries on the day of registration and the next day, Asia/Shanghai).
     */
    async register(body: RegisterPetitionBody, actor: Actor, idempotencyKey?: string): Promise<Registration> {
      const now = deps.now();
      checkRegistration(body, now);
      await deps.directory.requireKnown([
        ...(body.department !== undefined ? [{ field: 'body.department', code: body.department }] : []),
        ...(body.concerns !== undefined ? [{ field: 'body.concerns', code: body.concerns }] : []),
      ]);
      const hash = requestHash(body);
      const identityKey = deps.identity.keyOf(body.petitioner);
      let id: string;
      if (idempotencyKey) {
        const suffix = base32(
          createHash('sha256')
            .update(`${actor.id ?? actor.role}\n${idempotencyKey}`)
            .digest(),
          12,
        );
        id = `XF${shanghaiDay(now)}${suffix}`;
        const yesterday = `XF${shanghaiDay(new Date(now.getTime() - 86_400_000))}${suffix}`;
        for (const candidate of [id, yesterday]) {
          const replay = await replayOrConflict(candidate, hash);
          if (replay) return { ...replay, related: await relatedTo(identityKey, candidate) };
        }
      } else {
        id = `XF${shanghaiDay(now)}${base32(randomBytes(8), 12)}`;
      }

      const { definition, hash: definitionHash } = await resolveDefinition(body.definition);
      const sameMatter =
        body.sameMatterAs !== undefined ? await sameMatterOf(body.sameMatterAs, identityKey) : undefined;
      const petition: PetitionFacts = {
        category: body.category,
        channel: body.channel,
        subject: body.subject,
        content: body.content,
        receivedAt: body.receivedAt ?? now.toISOString(),
        petitioner: body.petitioner,
        ...(body.department !== undefined && { department: body.department }),
        ...(body.concerns !== undefined && { concerns: body.concerns }),
        ...(body.representatives !== undefined && { representatives: body.representatives }),
        ...(body.attachments !== undefined && { attachments: body.attachments }),
        ...(sameMatter !== undefined && { sameMatter }),
      };
      const registeredAt = now.toISOString();
      // Registration is decided here with the workflow's own pure interpreter and the legal calendar: the first step
      // and its deadlines. The petition is started with that decision (listed under its real step and due date at
      // once; its first workflow task reuses the computed deadlines) and the answer needs no round trip to a worker.
      // A definition that cannot register it is refused before anything starts.
      let start: PetitionStart;
      try {
        start = petitionStart({
          petitionId: id,
          definition,
          definitionHash,
          petition,
          registeredBy: actor,
          registeredAt,
          calendar: deps.calendar(),
          bodies: await bodiesAt(petition.department),
        });
      } catch (err) {
        if (err instanceof EngineError)
          throw new ApiError(
            422,
            'registration_refused',
            `The petition cannot be registered: ${err.message}`,
          );
        throw err;
      }
      const accessCode = generateAccessCode();
      const related = await relatedTo(identityKey, id);
      try {
        await call('start petition', () =>
          client.workflow.start(PETITION_WORKFLOW_TYPE, {
            taskQueue: deps.taskQueue,
            workflowId: petitionWorkflowId(id),
            args: [start.input],
            memo: { accessCodeHash: hashAccessCode(accessCode), requestHash: hash },
            typedSearchAttributes: [
              ...start.searchAttributes,
              ...(identityKey !== undefined ? [{ key: SA.identity, value: identityKey }] : []),
            ],
          }),
        );
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError && idempotencyKey) {
          // A concurrent retry with the same key won the race.
          const replay = await replayOrConflict(id, hash);
          if (replay) return { ...replay, related };
        }
        throw err;
      }
      return { created: true, id, accessCode, view: viewOf(definition, start.state), related };
    },

    /**
     * Refuses (422 `unknown_department`, with near matches) a department code the action's input names that the
     * registry does not know: the fields holding codes are those any definition declares so for this action id, so
     * no call to Temporal is made (the registry and the definitions are cached).
     */
    async requireKnownBodies(action: string, input: Record<string, unknown>): Promise<void> {
      const fields: BodyField[] = (await bodyFieldsFor(action)).flatMap((field) =>
        typeof input[field] === 'string' ? [{ field: `body.${field}`, code: input[field] }] : [],
      );
      if (fields.length > 0) await deps.directory.requireKnown(fields);
    },

    /**
     * Applies an action once, in one round trip: an Update that carries the caller, whose validator refuses a caller
     * who may not see the petition (404) or an action the state does not allow, and whose result is the answer. A
     * retry with the same Idempotency-Key answers with the first answer (Temporal keeps it while the petition runs;
     * once it has closed, it is rebuilt by a query), and the same key sent with another request is 409
     * idempotency_conflict.
     */
    async takeAction(request: {
      id: string;
      action: string;
      caller: Caller;
      /** Who the Idempotency-Key is scoped to (the token's subject, or the petitioner). */
      keyScope: string;
      input: Record<string, unknown>;
      idempotencyKey?: string;
    }): Promise<ActionAnswer> {
      const { id, action, caller, input, idempotencyKey: key } = request;
      const { updateId, requestId } = actionRequestIds(request.keyScope, key, action, input);
      let answer: ActionAnswer;
      try {
        answer = await call('apply action', () =>
          client.workflow.getHandle(petitionWorkflowId(id)).executeUpdate(petitionActionUpdate, {
            args: [{ action, caller, input, requestId }],
            updateId,
          }),
        );
      } catch (err) {
        // Only now, on the failure path: a workflow task that keeps failing holds the Update until it times out.
        if (!(err instanceof WorkflowUpdateFailedError) && mayBeStuck(err)) {
          const reason = await stuck(id);
          if (reason) throw reason;
        }
        // An Update sent to a workflow that has finished (or never was) fails at the server, not in the workflow.
        if (err instanceof TemporalTimeoutError) {
          if (!(await temporalAnswers())) throw err;
          throw new ApiError(
            503,
            'worker_unavailable',
            `No worker applied "${action}" to petition ${id} within ${rpcTimeoutMs / 1000} s; it may still be applied. Retry with the same Idempotency-Key to learn the outcome.`,
          );
        }
        if (!noSuchRun(err)) throw err;
        answer = await answerOfClosed(id, caller, updateId);
      }
      const earlier = key ? actionEntryOf(answer.timeline, updateId) : undefined;
      if (earlier && earlier.data?.['requestId'] !== requestId) {
        throw new ApiError(
          409,
          'idempotency_conflict',
          `This Idempotency-Key was already used on petition ${id} for another request (action "${earlier.action}"); use a new key.`,
          { action: earlier.action },
        );
      }
      return answer;
    },

    /**
     * Records a read of a report (Art. 30) in the report's read log (workflows/report-audit.ts), started by the first
     * read; the log tells the petition of each reader once a day. Answered once Temporal has the read; reads of one
     * report that arrive together go in one signal (api/services/report-read-log.ts).
     */
    async recordReportRead(id: string, actor: Actor, requestId?: string): Promise<void> {
      await readLog.record(id, { actor, at: deps.now().toISOString(), ...(requestId && { requestId }) });
    },

    /**
     * Re-issues the petitioner's access code (the caller has checked the petitioner's identity): the new code's hash
     * replaces the old one in the memo before this answers, so the old code stops working at once.
     */
    async reissueAccessCode(id: string, actor: Actor): Promise<{ accessCode: string; reissuedAt: string }> {
      const accessCode = generateAccessCode();
      try {
        const { reissuedAt } = await call('re-issue access code', () =>
          client.workflow.getHandle(petitionWorkflowId(id)).executeUpdate(reissueAccessCodeUpdate, {
            args: [{ accessCodeHash: hashAccessCode(accessCode), actor }],
          }),
        );
        return { accessCode, reissuedAt };
      } catch (err) {
        if (mayBeStuck(err)) {
          const reason = await stuck(id);
          if (reason) throw reason;
        }
        if (err instanceof TemporalTimeoutError) {
          throw new ApiError(
            503,
            'worker_unavailable',
            `No worker re-issued the access code of petition ${id} within ${rpcTimeoutMs / 1000} s. The old code may already be replaced: re-issue again to be given a code that works.`,
          );
        }
        if (!(err instanceof ApiError) && /completed|not found/i.test(String((err as Error)?.message))) {
          if (await isClosed(id)) {
            throw new ApiError(
              409,
              'petition_closed',
              `Petition ${id} is closed; its access code can no longer be re-issued.`,
            );
          }
        }
        throw err;
      }
    },
  };
}

export type PetitionService = ReturnType<typeof createPetitionService>;
