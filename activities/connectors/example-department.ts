import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type {
  DepartmentActivities,
  DepartmentDelivery,
  ReceivePetitionResult,
} from '../../workflows/department-activities';

export interface ExampleDepartmentOptions {
  /** The department's code (the worker polls `dept.<code>`). */
  code: string;
  /** Where received petitions are kept, one file per idempotency key. */
  inboxDir: string;
  logger?: Logger;
  /** Called once per new delivery (never for a repeat), e.g. to hand it to the department's case system. */
  onReceive?: (delivery: DepartmentDelivery, reference: string) => Promise<void> | void;
}

const safe = (key: string) => key.replace(/[^A-Za-z0-9._-]+/g, '_');

/**
 * An example of what a department implements for the worker connector (`npm run dept-worker`). It records each
 * delivery durably before answering, once per idempotency key: a retry after a crash — of this worker, or of the
 * engine's — finds the file and answers with the same reference, so the department files the petition once.
 */
export function createExampleDepartmentActivities(options: ExampleDepartmentOptions): DepartmentActivities {
  return {
    async receivePetition(delivery: DepartmentDelivery): Promise<ReceivePetitionResult> {
      const file = join(options.inboxDir, `${safe(delivery.idempotencyKey)}.json`);
      const reference = `${options.code}-${createHash('sha256').update(delivery.idempotencyKey).digest('hex').slice(0, 10)}`;
      // The inbox holds petitioners' personal data: readable by this account only.
      await mkdir(options.inboxDir, { recursive: true, mode: 0o700 });
      try {
        await writeFile(
          file,
          JSON.stringify({ reference, receivedAt: new Date().toISOString(), delivery }, null, 2),
          { flag: 'wx', mode: 0o600 },
        );
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const existing = JSON.parse(await readFile(file, 'utf8')) as { reference: string };
        options.logger?.info(
          { petitionId: delivery.petitionId, reference: existing.reference },
          'repeat delivery: already received',
        );
        return { accepted: true, reference: existing.reference };
      }
      options.logger?.info(
        {
          petitionId: delivery.petitionId,
          step: delivery.nextStep ?? delivery.step,
          dueAt: delivery.deadline?.dueAt,
          reference,
        },
        'petition received',
      );
      await options.onReceive?.(delivery, reference);
      return { accepted: true, reference };
    },
  };
}
