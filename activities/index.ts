import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import { sealJson } from '../config/payload-json';
import { calculateDeadline, defaultCalendarData, type CalendarData } from '../definitions/calendar';
import type {
  ArchiveInput,
  DeliverDocumentInput,
  DeliverToDepartmentInput,
  DeliverToDepartmentResult,
  Delivery,
  EscalateInput,
  GenerateDocumentInput,
  HealthcheckActivities,
  PetitionActivities,
  PetitionLocalActivities,
} from '../workflows/activity-contracts';
import type { DeadlineCalculation, DeadlineRequest, DocumentRecord } from '../workflows/engine/types';
import { createDepartmentDelivery } from './connectors/deliver';
import type { DepartmentDirectory } from './connectors/directory';
import { generateDocument } from '../workflows/documents';
import { createMigrationActivities, type MigrationActivityOptions } from './migrations';
import { createNotifier, type SmtpOptions } from './notifiers';
import type { Notifier } from './outbox';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/data-dir';

/** What activities need from the process that hosts them; the worker builds it once at start-up. */
export interface ActivityDeps {
  logger: Logger;
  /** Where the embedded default keeps its outbox and archive (defaults to `data`). */
  dataDir?: string;
  /** The legal calendar in force now (official data plus any supplement published at run time). */
  calendar?: () => CalendarData;
  /**
   * Where notices and escalations go. Default: e-mail through `smtp` when it is set and the recipient has an
   * address, else the file outbox under `dataDir`.
   */
  notifier?: Notifier;
  /** SMTP settings for the default notifier (config `smtp`). */
  smtp?: SmtpOptions;
  /**
   * The department registry (connectors, superiors, supervisor contacts); `createRegistryDirectory()` in a worker.
   * Absent: every department is handled manually, superiors are not resolved and escalations go to the outbox.
   */
  departments?: DepartmentDirectory;
  /** How long one webhook attempt waits for the department's answer (default 30 s). */
  webhookTimeoutMs?: number;
  /**
   * Encrypts archive files (the worker's payload codec): the archive holds the whole petition, so it is sealed like
   * the histories (config/payload-json.ts) and re-encrypted by `npm run keys -- re-encrypt`.
   */
  archiveCodec: PayloadCodec;
  /** Definition migration batches (workflows/definition-migration.ts): the client and bounds of their Updates. */
  migrations?: MigrationActivityOptions;
}

/** Builds the activity implementations; workflows import only the contracts in workflows/activity-contracts.ts. */
export function createActivities(deps: ActivityDeps) {
  const dataDir = deps.dataDir ?? 'data';
  const calendar = deps.calendar ?? (() => defaultCalendarData());
  const notifier = deps.notifier ?? createNotifier({ dataDir, smtp: deps.smtp, logger: deps.logger });
  const deliverToDepartment = createDepartmentDelivery({
    logger: deps.logger,
    directory: deps.departments,
    calendar,
    webhookTimeoutMs: deps.webhookTimeoutMs,
  });
  /** The supervisor contact of a department, from the registry (escalations, Art. 40). */
  const supervisorOf = async (code: string | undefined): Promise<Record<string, unknown>> => {
    const record = code && deps.departments ? await deps.departments.get(code) : undefined;
    return record
      ? { department: code, name: record.supervisor.name, email: record.supervisor.email }
      : { department: code ?? 'bureau' };
  };

  const local: PetitionLocalActivities = {
    async computeDeadline(request: DeadlineRequest): Promise<DeadlineCalculation> {
      return calculateDeadline(request, calendar());
    },
    async generateDocument(input: GenerateDocumentInput): Promise<DocumentRecord> {
      return generateDocument(input);
    },
  };

  const io: PetitionActivities = {
    async deliverDocument(input: DeliverDocumentInput): Promise<Delivery[]> {
      const to: Record<string, unknown> =
        input.recipient === 'petitioner'
          ? {
              name: input.petitioner.name,
              address: input.petitioner.address,
              phone: input.petitioner.phone,
              ...(input.petitioner.email && { email: input.petitioner.email }),
            }
          : input.recipient === 'supervisor'
            ? await supervisorOf(input.department)
            : { department: input.department };
      const delivery = await notifier.send({
        idempotencyKey: input.idempotencyKey,
        recipient: input.recipient,
        to,
        subject: input.document.title,
        text: input.document.text,
        petitionId: input.petitionId,
        meta: { documentId: input.document.id, kind: input.document.kind },
      });
      deps.logger.info(
        { petitionId: input.petitionId, documentId: input.document.id, channel: delivery.channel },
        'document delivered',
      );
      return [delivery];
    },
    async escalate(input: EscalateInput): Promise<Delivery[]> {
      const delivery = await notifier.send({
        idempotencyKey: input.idempotencyKey,
        recipient: 'supervisor',
        to: await supervisorOf(input.department),
        subject: `${escalationTitle[input.reason]}：信访事项 ${input.petitionId}`,
        text: input.message,
        petitionId: input.petitionId,
        meta: { step: input.step, deadlineKey: input.deadlineKey, reason: input.reason, at: input.at },
      });
      deps.logger.warn(
        {
          petitionId: input.petitionId,
          reason: input.reason,
          step: input.step,
          department: input.department,
        },
        'escalated',
      );
      return [delivery];
    },
    async deliverToDepartment(input: DeliverToDepartmentInput): Promise<DeliverToDepartmentResult> {
      return await deliverToDepartment(input);
    },
    async archivePetition(input: ArchiveInput): Promise<Delivery[]> {
      const dir = join(dataDir, 'archive');
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const file = join(dir, `${input.petitionId.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
      await writeFile(file, await sealJson(deps.archiveCodec, 'archive', input), { mode: PRIVATE_FILE_MODE });
      return [{ channel: 'archive', at: new Date().toISOString(), ok: true, detail: file }];
    },
  };

  const health: HealthcheckActivities = {
    /** Proves a worker can run activity tasks; answers which host and process ran it. */
    async healthcheck() {
      deps.logger.debug('healthcheck activity ran');
      return { ok: true, host: hostname(), pid: process.pid };
    },
  };

  return { ...health, ...local, ...io, ...createMigrationActivities(deps.migrations) };
}

const escalationTitle: Record<EscalateInput['reason'], string> = {
  warning: '期限预警',
  supervision: '督办',
  overdue: '逾期',
  'delivery-failed': '交送失败',
  raised: '即时报告',
};

/** The activity interface as workflows see it (`proxyActivities<Activities>`). */
export type Activities = ReturnType<typeof createActivities>;
