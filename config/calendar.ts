import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultCalendarData, mergeCalendarData, parseCalendarSupplement, type CalendarData } from '../definitions/calendar';

/**
 * The legal calendar of this deployment: the official data shipped with the code, plus every supplement in
 * `DATA_DIR/calendar/*.json` (newer years' holiday notices), applied in file-name order. A bad file stops the
 * process with a message naming it (a wrong holiday would silently move statutory deadlines).
 */
export function loadCalendarData(dataDir: string): CalendarData {
  const dir = path.join(dataDir, 'calendar');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
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
