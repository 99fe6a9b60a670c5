/**
 * Computes a statutory deadline and prints it as JSON (《民法典》第二百零一条、第二百零三条).
 *
 *   npm run -s deadline -- --from 2026-09-28 --days 15
 *   npm run -s deadline -- --from 2026-09-28T10:30:00+08:00 --working-days 5 --calendar holidays-2027.json
 *
 * Exit codes: 0 computed; 2 bad arguments or a bad calendar file (message on stderr).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  CalendarSupplementError,
  computeDeadline,
  Counting,
  DeadlineInputError,
  defaultCalendarData,
  mergeCalendarData,
  parseCalendarSupplement,
  type CalendarData,
  type DeadlineInput,
} from '../definitions/calendar/index';

const USAGE = `Usage: npm run -s deadline -- --from ISO_DATE_OR_INSTANT (--days N | --working-days N)
         [--calendar FILE.json] [--article TEXT] [--extension-days D] [--paused-days P]

  --from            the day of receipt/service (2026-09-28) or an instant with offset (2026-09-28T10:30:00+08:00)
  --days N          a period of N calendar days (the end rolls over rest days)
  --working-days N  a period of N working days
  --calendar FILE   holiday arrangements for years not shipped, as { "years": { "2027": { "holidays": [{ "date", "name" }], "workdays": [dates] } } }
  --article TEXT    the article that sets the period, echoed in the explanation
  --extension-days  an approved extension (Art. 34), in the period's unit
  --paused-days     whole days the clock stood still (Art. 36 hearing)`;

/** A problem with what the user typed: reported on stderr with exit code 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

function wholeNumber(
  flag: string,
  value: string | undefined,
  { allowZero = false } = {},
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || (!allowZero && Number(value) === 0)) {
    throw new UsageError(
      `--${flag} must be a ${allowZero ? 'non-negative' : 'positive'} whole number, got "${value}"`,
    );
  }
  return Number(value);
}

function loadCalendar(file: string | undefined): CalendarData {
  const base = defaultCalendarData();
  if (file === undefined) return base;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --calendar ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--calendar ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return mergeCalendarData(base, parseCalendarSupplement(json));
}

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      days: { type: 'string' },
      'working-days': { type: 'string' },
      calendar: { type: 'string' },
      article: { type: 'string' },
      'extension-days': { type: 'string' },
      'paused-days': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.from === undefined) throw new UsageError('--from is required');
  const days = wholeNumber('days', values.days);
  const workingDays = wholeNumber('working-days', values['working-days']);
  if ((days === undefined) === (workingDays === undefined))
    throw new UsageError('give exactly one of --days N or --working-days N');

  const input: DeadlineInput = {
    from: values.from,
    duration: (days ?? workingDays) as number,
    counting: days !== undefined ? Counting.CalendarDays : Counting.WorkingDays,
    article: values.article,
    extensionDays: wholeNumber('extension-days', values['extension-days'], { allowZero: true }),
    pausedDays: wholeNumber('paused-days', values['paused-days'], { allowZero: true }),
  };
  const result = computeDeadline(input, loadCalendar(values.calendar));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  const usage =
    error instanceof UsageError ||
    error instanceof DeadlineInputError ||
    error instanceof CalendarSupplementError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  if (!usage) throw error;
  process.stderr.write(`deadline: ${(error as Error).message}\n${USAGE}\n`);
  process.exitCode = 2;
}
