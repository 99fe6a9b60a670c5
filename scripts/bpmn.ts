/**
 * BPMN 2.0 XML from and to the definition language, on the command line.
 *
 *   npm run -s bpmn -- export definitions/statutory/petition-2022.yaml > petition-2022.bpmn
 *   npm run -s bpmn -- import petition-2022.bpmn [--format yaml|json] > petition-2022.yaml
 *   … [--out FILE] writes there instead of stdout
 *
 * export reads a YAML or JSON definition (by extension, or --format) and writes BPMN XML with a diagram; import
 * reads BPMN XML (a modeller's file, or an export) and writes the definition. Issues go to stderr as JSON.
 * Exit codes: 0 done without issues (an import's warnings are still printed); 1 issues (written anyway when there is
 * a definition to write); 2 usage error or unreadable file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { fromBpmnXml, toBpmnXml } from '../definitions/bpmn';
import { isError, type Issue } from '../definitions/language/issue';
import type { DefinitionFormat } from '../definitions/language/parse';
import { validateSource } from '../definitions/language/validate';

const USAGE =
  'Usage: npm run -s bpmn -- export FILE [--format yaml|json] [--out FILE]\n       npm run -s bpmn -- import FILE [--format yaml|json] [--out FILE]';

class UsageError extends Error {}

function formatOf(requested: string | undefined, file: string): DefinitionFormat {
  const format = requested ?? (/\.json$/i.test(file) ? 'json' : 'yaml');
  if (format !== 'yaml' && format !== 'json') throw new UsageError(`unknown format "${format}"`);
  return format;
}

async function main(argv: string[]): Promise<number> {
  let command: string;
  let file: string;
  let values: { format?: string; out?: string; help?: boolean };
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { format: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    values = parsed.values;
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const [first, second, ...rest] = parsed.positionals;
    if (first !== 'export' && first !== 'import') throw new UsageError('say export or import');
    if (second === undefined || rest.length > 0) throw new UsageError('give exactly one FILE');
    command = first;
    file = second;
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
  const write = (output: string) =>
    values.out ? writeFileSync(values.out, output) : process.stdout.write(output);
  const report = (issues: Issue[]) => {
    if (issues.length > 0) process.stderr.write(`${JSON.stringify(issues, null, 2)}\n`);
  };

  try {
    if (command === 'export') {
      const checked = validateSource(text, formatOf(values.format, file));
      report(checked.issues);
      if (!checked.definition) return 1;
      write(await toBpmnXml(checked.definition));
      return checked.issues.length === 0 ? 0 : 1;
    }
    const format = formatOf(values.format, values.out ?? '');
    const imported = await fromBpmnXml(text);
    report(imported.issues);
    if (imported.definition) {
      write(
        format === 'json'
          ? `${JSON.stringify(imported.definition, null, 2)}\n`
          : stringify(imported.definition, { lineWidth: 0 }),
      );
    }
    return imported.definition && !imported.issues.some(isError) ? 0 : 1;
  } catch (error) {
    process.stderr.write(`${error instanceof UsageError ? `${error.message}\n${USAGE}` : String(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
