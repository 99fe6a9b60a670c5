import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/data-dir';

/** One delivery attempt as recorded in the petition's timeline. */
export interface DeliveryRecord {
  channel: string;
  at: string;
  ok: boolean;
  detail?: string;
}

/** A message to a petitioner, a department or a supervisor. */
export interface OutgoingMessage {
  idempotencyKey: string;
  recipient: 'petitioner' | 'department' | 'supervisor';
  /** A department code, or the petitioner's contact as given at registration. */
  to: Record<string, unknown>;
  subject: string;
  text: string;
  petitionId: string;
  meta?: Record<string, unknown>;
}

/** Where notices go. The embedded default writes files; SMTP and department connectors plug in here. */
export interface Notifier {
  send(message: OutgoingMessage): Promise<DeliveryRecord>;
}

const safe = (key: string) => key.replace(/[^A-Za-z0-9._-]+/g, '_');

/**
 * The embedded default's notifier: one JSON file per message under `<dataDir>/outbox/<recipient>/`, named by the
 * idempotency key, so a retried delivery overwrites nothing and is reported once. Letters carry petitioners' names
 * and addresses: folders are created 0700, files 0600.
 */
export function createFileOutbox(dataDir: string, now: () => Date = () => new Date()): Notifier {
  return {
    async send(message) {
      const dir = join(dataDir, 'outbox', message.recipient);
      const file = join(dir, `${safe(message.idempotencyKey)}.json`);
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      try {
        const existing = JSON.parse(await readFile(file, 'utf8')) as { at: string };
        return { channel: 'outbox', at: existing.at, ok: true, detail: `${file} (already delivered)` };
      } catch {
        const at = now().toISOString();
        await writeFile(file, JSON.stringify({ ...message, at }, null, 2), {
          flag: 'wx',
          mode: PRIVATE_FILE_MODE,
        }).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err;
        });
        return { channel: 'outbox', at, ok: true, detail: file };
      }
    },
  };
}
