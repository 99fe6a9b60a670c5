/**
 * Publishes a year's holiday arrangement (国务院办公厅关于…部分节假日安排的通知) and recomputes the provisional
 * deadlines of every open petition:
 *
 *   npm run -s calendar:publish -- holidays-2027.json
 *
 * The file is validated, copied to DATA_DIR/calendar/ (workers pick it up within seconds), and every open petition
 * gets the `calendarUpdated` signal; a petition without provisional deadlines ignores it.
 * Exit codes: 0 published; 1 Temporal unreachable; 2 bad arguments or a bad file.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { knownYears, parseCalendarSupplement } from '../definitions/calendar';
import { loadConfigOrExit } from '../config';
import { dataConverterFromConfig } from '../config/data-converter';
import { createClient, temporalConnectionOptions } from '../config/temporal';
import { calendarUpdatedSignal } from '../workflows/messages';

const USAGE = 'Usage: npm run -s calendar:publish -- FILE.json [--no-signal]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'no-signal': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});
if (values.help || positionals.length !== 1) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

const file = positionals[0]!;
let years: number[];
try {
  years = knownYears(parseCalendarSupplement(JSON.parse(readFileSync(file, 'utf8'))));
} catch (err) {
  console.error(`Cannot publish ${file}: ${(err as Error).message}`);
  process.exit(2);
}

const config = loadConfigOrExit();
const dir = path.join(config.dataDir, 'calendar');
mkdirSync(dir, { recursive: true });
const target = path.join(dir, path.basename(file));
copyFileSync(file, target);
console.error(`published ${years.join(', ')} to ${target}`);
if (values['no-signal']) process.exit(0);

try {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const client = createClient(config, connection, dataConverterFromConfig(config).dataConverter);
  let signalled = 0;
  const pending: Promise<void>[] = [];
  for await (const wf of client.workflow.list({
    query: `WorkflowType = 'petition' AND PetitionStatus = 'open'`,
  })) {
    pending.push(
      client.workflow
        .getHandle(wf.workflowId)
        .signal(calendarUpdatedSignal)
        .then(() => void signalled++)
        .catch(() => undefined),
    );
    if (pending.length >= 64) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  console.error(`signalled ${signalled} open petition(s) to recompute provisional deadlines`);
  await connection.close();
} catch (err) {
  console.error(`Published the file, but could not signal open petitions: ${(err as Error).message}`);
  process.exit(1);
}
