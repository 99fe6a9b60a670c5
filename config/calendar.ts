import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  defaultCalendarData,
  mergeCalendarData,
  parseCalendarSupplement,
  type CalendarData,
} from '../definitions/calendar';

/**
 * The legal calendar of this deployment: the official data shipped with the code, plus every supplement in
 * `DATA_DIR/calendar/*.json` (newer years' holiday notices), applied in file-name order. A bad file stops the
 * process with a message naming it (a wrong holiday would silently move statutory deadlines).
 */
export function loadCalendarData(dataDir: string): CalendarData {
  const dir = path.join(dataDir, 'calendar');
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return defaultCalendarData();
    throw err;
  }
  let data = defaultCalendarData();
  for (const file of files) {
    const full = path.join(dir, file);
    try {
      data = mergeCalendarData(data, parseCalendarSupplement(JSON.parse(readFileSync(full, 'utf8'))));
    } catch (err) {
      throw new Error(`Calendar supplement ${full} is not usable: ${(err as Error).message}`);
    }
  }
  return data;
}

/**
 * A calendar provider that picks up supplements added to `DATA_DIR/calendar` while the process runs (checked at
 * most every `checkMs`), so a worker computes with newly published holiday data without a restart.
 */
export function createCalendarProvider(dataDir: string, checkMs = 5_000): () => CalendarData {
  const dir = path.join(dataDir, 'calendar');
  const signature = (): string => {
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => `${f}:${statSync(path.join(dir, f)).mtimeMs}`)
        .join('|');
    } catch {
      return '';
    }
  };
  let seen = signature();
  let data = loadCalendarData(dataDir);
  let checkedAt = Date.now();
  return () => {
    if (Date.now() - checkedAt >= checkMs) {
      checkedAt = Date.now();
      const now = signature();
      if (now !== seen) {
        data = loadCalendarData(dataDir);
        seen = now;
      }
    }
    return data;
  };
}
