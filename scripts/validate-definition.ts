/**
 * Validates a process definition file and prints its issues as JSON.
 *
 *   npm run -s validate-definition -- definitions/statutory/petition-2022.yaml
 *   npm run -s validate-definition -- my-process.json [--format yaml|json]
 *
 * The format follows the extension (.json, else YAML) unless --format says otherwise. Issues carry `rule`,
 * `elementId`, `path`, `message` and, where the source shows it, `line` and `column`.
 * Exit codes: 0 no issues (prints []); 1 issues; 2 usage error or unreadable file (message on stderr).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DefinitionFormat } from '../definitions/language/parse';
import { validateSource } from '../definitions/language/validate';

const USAGE = 'Usage: npm run -s validate-definition -- FILE [--format yaml|json]';

function main(argv: string[]): number {
  let file: string;
  let format: DefinitionFormat;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1)
      throw new Error(positionals.length === 0 ? 'no FILE given' : 'give exactly one FILE');
    file = positionals[0]!;
    const requested = values.format ?? (/\.json$/i.test(file) ? 'json' : 'yaml');
    if (requested !== 'yaml' && requested !== 'json') throw new Error(`unknown format "${requested}"`);
    format = requested;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  const result = validateSource(text, format);
  process.stdout.write(`${JSON.stringify(result.issues, null, 2)}\n`);
  return result.issues.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
