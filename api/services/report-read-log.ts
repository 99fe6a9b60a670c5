/**
 * Group commit for the reads of a report (Art. 30): every read is in the report's read log before the reader gets
 * the report, and reads of one report that arrive while a batch is on its way to Temporal travel together in the
 * next one. An idle report costs one signal per read and no waiting; a report read hundreds of times a second costs a
 * few signals a second.
 */
import type { ReportRead } from '../../workflows/report-audit';

/** At most this many reads in one signal (a signal's payload stays far below Temporal's 2 MB). */
export const MAX_READS_PER_SIGNAL = 500;

interface Pending {
  read: ReportRead;
  done: (err?: unknown) => void;
}

/**
 * `record` resolves once the read is in the log; `send` writes one batch of one report's reads (a Signal-With-Start of
 * its read log). A batch that fails fails the reads in it, each of which the reader is told about (503).
 */
export function createReportReadLog(send: (petitionId: string, reads: ReportRead[]) => Promise<void>) {
  const queues = new Map<string, Pending[]>();

  async function drain(petitionId: string, queue: Pending[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_READS_PER_SIGNAL);
      try {
        await send(
          petitionId,
          batch.map((p) => p.read),
        );
        for (const p of batch) p.done();
      } catch (err) {
        for (const p of batch) p.done(err ?? new Error('the read could not be recorded'));
      }
    }
    queues.delete(petitionId);
  }

  return {
    record(petitionId: string, read: ReportRead): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        const pending: Pending = { read, done: (err) => (err === undefined ? resolve() : reject(err)) };
        const queue = queues.get(petitionId);
        if (queue) {
          queue.push(pending);
          return;
        }
        const fresh = [pending];
        queues.set(petitionId, fresh);
        void drain(petitionId, fresh);
      });
    },
  };
}
