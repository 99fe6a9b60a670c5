import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { computeDeadline, type CalendarData } from '../../definitions/calendar';
import type {
  DeliverToDepartmentInput,
  DeliverToDepartmentResult,
  Delivery,
  DeliveryTarget,
} from '../../workflows/activity-contracts';
import type { DeliveredPetition, DepartmentDelivery } from '../../workflows/department-activities';
import type { DepartmentRecord } from '../../workflows/department-registry';
import type { BodyFacts } from '../../workflows/engine/types';
import type { DepartmentDirectory } from './directory';
import { FailureType } from '../../workflows/failure-types';
import { describeUrl, postWebhook } from './webhook';

export interface DepartmentDeliveryDeps {
  logger: Logger;
  /** The department registry; absent, every department is handled manually and superiors are unknown. */
  directory?: DepartmentDirectory;
  calendar: () => CalendarData;
  /** How long one webhook attempt waits (default 30 s). */
  webhookTimeoutMs?: number;
  now?: () => Date;
}

/**
 * `deliverToDepartment`: resolves the receiving body (the holder, or its superior for review and re-review,
 * Art. 35–36), then hands the petition over through that body's connector — manual (nothing pushed; the work is in
 * its queue), webhook (a signed POST, here), or worker (returned as `dispatch`: the workflow calls the
 * department's own worker, so Temporal holds the delivery until that worker takes it).
 */
export function createDepartmentDelivery(deps: DepartmentDeliveryDeps) {
  const now = deps.now ?? (() => new Date());
  const manual = (detail: string): Delivery => ({
    channel: 'manual',
    at: now().toISOString(),
    ok: true,
    detail,
  });

  return async function deliverToDepartment(
    input: DeliverToDepartmentInput,
  ): Promise<DeliverToDepartmentResult> {
    return await withHeartbeat(async (signal) => {
      const target: DeliveryTarget =
        input.target ??
        (input.department ? { kind: 'department', code: input.department } : { kind: 'bureau' });
      if (target.kind === 'bureau') {
        return { deliveries: [manual('returned to the petition bureau (《信访工作条例》第二十三条第三款)')] };
      }
      if (target.kind === 'receiver') {
        const receiver = await deps.directory?.receiverOf?.(target.procedure);
        if (!receiver) {
          return {
            deliveries: [
              manual(
                `no body is registered to receive ${target.procedure} matters ("receives" in the department registry); nothing was handed over`,
              ),
            ],
          };
        }
        return await handOver(input, receiver.code, receiver, signal);
      }
      if (!deps.directory) {
        if (target.kind === 'superior') {
          return {
            deliveries: [manual(`no department registry: the superior of ${target.of} is found by hand`)],
          };
        }
        refuseConfidentialityBreach(input, target.code);
        return { department: target.code, body: null, deliveries: [manual(`queued for ${target.code}`)] };
      }
      const { code, record } = await resolve(deps.directory, target);
      return await handOver(input, code, record, signal);
    });

    /** Hands the petition to the resolved body through its connector. */
    async function handOver(
      input: DeliverToDepartmentInput,
      code: string,
      record: DepartmentRecord | undefined,
      signal: AbortSignal | undefined,
    ): Promise<DeliverToDepartmentResult> {
      refuseConfidentialityBreach(input, code);
      const delivery = payload(input, code, deps.calendar);
      if (!record) {
        return {
          department: code,
          body: null,
          deliveries: [manual(`${code} is not in the department registry; queued for manual handling`)],
        };
      }
      const body = await bodyFacts(deps.directory, record);
      const connector = record.connector;
      switch (connector.kind) {
        case 'manual':
          return { department: code, body, deliveries: [manual(`queued for ${code}`)] };
        case 'worker':
          return {
            department: code,
            body,
            deliveries: [],
            dispatch: { taskQueue: connector.taskQueue, delivery },
          };
        case 'webhook': {
          const result = await postWebhook(
            { department: code, url: connector.url, secret: connector.secret },
            delivery,
            { timeoutMs: deps.webhookTimeoutMs, signal, now },
          );
          deps.logger.info(
            {
              petitionId: input.petitionId,
              department: code,
              url: describeUrl(connector.url),
              step: input.step,
            },
            'delivered by webhook',
          );
          return { department: code, body, deliveries: [result] };
        }
      }
    }
  };
}

/** What the documents need of a registered body: its name and its superior's (Art. 35: who reviews it). */
async function bodyFacts(
  directory: DepartmentDirectory | undefined,
  record: DepartmentRecord,
): Promise<BodyFacts> {
  const superior = record.superior ? await directory?.get(record.superior) : undefined;
  return {
    name: record.name,
    superior: record.superior,
    ...(record.superior && { superiorName: superior?.name ?? null }),
  };
}

/** The receiving body: the named one, or `levels` superiors above `of` (Art. 35: the handler's superior reviews). */
async function resolve(
  directory: DepartmentDirectory,
  target: Extract<DeliveryTarget, { kind: 'department' | 'superior' }>,
): Promise<{ code: string; record: DepartmentRecord | undefined }> {
  if (target.kind === 'department') return { code: target.code, record: await directory.get(target.code) };
  let code = target.of;
  for (let level = 0; level < target.levels; level++) {
    const record = await directory.get(code);
    if (!record?.superior) {
      throw ApplicationFailure.create({
        type: FailureType.DeliveryRejected,
        message: record
          ? `no superior body is registered for ${code}, so the ${target.levels === 1 ? 'review (第三十五条)' : 're-review (第三十六条)'} cannot be routed; set "superior" with PUT /v1/departments/${code}`
          : `${code} is not in the department registry, so its superior body is unknown; register it with PUT /v1/departments/${code}`,
        details: [{ department: code, channel: 'routing' }],
        nonRetryable: true,
      });
    }
    code = record.superior;
  }
  return { code, record: await directory.get(code) };
}

/**
 * Whether the petition is confidential (its definition says so of its category; a report). Deliveries scheduled
 * before the workflow stated it were of the statutory definition, where only a report is.
 */
function isConfidential(input: DeliverToDepartmentInput): boolean {
  return input.confidential ?? input.petition.category === 'report';
}

function refuseConfidentialityBreach(input: DeliverToDepartmentInput, code: string): void {
  const { petition } = input;
  if (isConfidential(input) && petition.concerns && petition.concerns === code) {
    throw ApplicationFailure.create({
      type: FailureType.ConfidentialityViolation,
      message: `A report may not be sent to the body it concerns (${code}); 《信访工作条例》第三十条、第四十六条.`,
      details: [{ department: code, channel: 'routing' }],
      nonRetryable: true,
    });
  }
}

/** What the department receives: a report without the petitioner's identity (Art. 30). */
function payload(
  input: DeliverToDepartmentInput,
  code: string,
  calendar: () => CalendarData,
): DepartmentDelivery {
  const confidential = isConfidential(input);
  const { petitioner, representatives, ...facts } = input.petition;
  const petition: DeliveredPetition = confidential
    ? facts
    : { ...facts, petitioner, ...(representatives && { representatives }) };
  let deadline: DepartmentDelivery['deadline'];
  if (input.deadline) {
    const { name, ...request } = input.deadline;
    const computed = computeDeadline(request, calendar());
    deadline = { name, dueAt: computed.dueAt, lastDay: computed.lastDay, article: request.article };
  }
  return {
    petitionId: input.petitionId,
    step: input.step,
    ...(input.nextStep && { nextStep: input.nextStep }),
    department: code,
    ...(deadline && { deadline }),
    petition,
    confidential,
    idempotencyKey: input.idempotencyKey,
  };
}

/**
 * Runs `fn` heartbeating every 2 s when inside an activity, so a worker that dies mid-delivery is noticed within
 * the heartbeat timeout and the delivery retried elsewhere; passes the activity's cancellation signal on.
 */
async function withHeartbeat<T>(fn: (signal?: AbortSignal) => Promise<T>): Promise<T> {
  let ctx: Context | undefined;
  try {
    ctx = Context.current();
  } catch {
    ctx = undefined;
  }
  if (!ctx) return await fn();
  const current = ctx;
  current.heartbeat();
  const timer = setInterval(() => current.heartbeat(), 2_000);
  try {
    return await fn(current.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}
