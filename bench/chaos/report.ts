/** Plain-text tables of the chaos suite's results, one per scenario. */
import type { ScenarioResult } from './scenarios';

function table(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status === '0' ? 'no answer' : status}×${n}`)
    .join(', ') || '—';

export function formatScenario(r: ScenarioResult): string {
  const reg = r.registrations;
  const act = r.actions;
  const rows: Array<[string, string]> = [
    [
      'load',
      Object.entries(r.load)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ...r.faults.map((f): [string, string] => [`  t+${f.atS.toFixed(2)} s`, f.what]),
    [
      'registrations',
      `${reg.requests} sent, ${reg.accepted} accepted (${reg.acceptedOnRetry} on a retry, ${reg.startedBeforeAnswerLost} of them already started), ` +
        `${reg.checked} checked: lost ${reg.lost}, duplicated ${reg.duplicated}, not at first step ${reg.notAtFirstStep}, unresolved ${reg.unresolved}`,
    ],
    [
      'actions',
      `${act.requests} sent, ${act.accepted} accepted (${act.acceptedOnRetry} on a retry), ${act.checked} checked: ` +
        `lost ${act.lost}, applied twice ${act.duplicated}, unresolved ${act.unresolved}`,
    ],
    ...Object.entries(r.figures).map(([k, v]): [string, string] => [k, v === null ? '—' : String(v)]),
    ...Object.entries(r.statuses).map(([k, v]): [string, string] => [`statuses: ${k}`, counts(v)]),
    ['result', r.ok ? `held (${r.elapsedS} s)` : `FAILED: ${r.problems.length} problem(s)`],
  ];
  const problems = r.problems.slice(0, 20).map((p) => `    - ${p}`);
  if (r.problems.length > 20) problems.push(`    … and ${r.problems.length - 20} more (see the JSON)`);
  return [`${r.name}: ${r.title}`, table(rows), ...problems].join('\n');
}
