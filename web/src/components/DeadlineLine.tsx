import { Tag, Tooltip, Typography } from 'antd';
import { useLabels } from '../format';
import type { Deadline, TimelineEntry } from '../types';
import { StatusTag, type Tone } from './StatusTag';

interface Mark {
  at: number;
  kind: 'start' | 'pause' | 'resume' | 'extension' | 'due' | 'met' | 'missed' | 'now';
  label: string;
  /** The day shown under the label (for the due mark, the last day of the period, not the instant after it). */
  day?: string;
}

/** Which mark's colour a merged mark takes: the outcome over the rest. */
const PRIORITY: Mark['kind'][] = ['missed', 'met', 'due', 'extension', 'pause', 'resume', 'start', 'now'];

const STATE_TONE: Record<string, Tone> = {
  running: 'info',
  paused: 'warning',
  met: 'success',
  missed: 'error',
  pending: 'neutral',
  cancelled: 'neutral',
};

/**
 * One deadline on a time line: where it started, its pauses (hearing) and extensions from the petition's timeline,
 * the due instant, and whether it was met or missed, with the explanation and the article it comes from.
 */
export function DeadlineLine({
  deadline,
  timeline,
  now,
}: {
  deadline: Deadline;
  timeline: TimelineEntry[];
  now: number;
}) {
  const labels = useLabels();
  const { t } = labels;
  const mine = timeline.filter((e) => e.deadline === deadline.key || e.deadline === deadline.id);
  const armed = mine.find((e) => e.type === 'deadline-armed' || e.type === 'deadline-computed');
  const fromInstant = Date.parse(deadline.from);
  const start = Number.isNaN(fromInstant) ? (armed ? Date.parse(armed.at) : NaN) : fromInstant;
  const marks: Mark[] = [];
  if (!Number.isNaN(start)) marks.push({ at: start, kind: 'start', label: t('deadline.start') });
  for (const e of mine) {
    const at = Date.parse(e.at);
    if (e.type === 'deadline-paused') marks.push({ at, kind: 'pause', label: t('deadline.paused') });
    if (e.type === 'deadline-resumed') marks.push({ at, kind: 'resume', label: t('deadline.resumed') });
    if (e.type === 'deadline-extended') marks.push({ at, kind: 'extension', label: t('deadline.extended') });
  }
  if (deadline.dueAt)
    marks.push({
      at: Date.parse(deadline.dueAt),
      kind: 'due',
      label: t('deadline.due'),
      ...(deadline.lastDay && { day: deadline.lastDay.replace(/-/g, '/') }),
    });
  if (deadline.missedAt)
    marks.push({ at: Date.parse(deadline.missedAt), kind: 'missed', label: t('deadline.missed') });
  else if (deadline.closedAt && deadline.state === 'met')
    marks.push({ at: Date.parse(deadline.closedAt), kind: 'met', label: t('deadline.met') });
  if (deadline.state === 'running' || deadline.state === 'paused')
    marks.push({ at: now, kind: 'now', label: t('deadline.now') });
  const times = marks.map((m) => m.at).filter((x) => !Number.isNaN(x));
  const dayOf = (m: Mark) => m.day ?? labels.date(new Date(m.at).toISOString());
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  const span = hi - lo || 1;
  const pos = (at: number) => `${(((at - lo) / span) * 94 + 3).toFixed(2)}%`;
  const pauses: Array<[number, number]> = [];
  let pausedAt: number | undefined;
  for (const m of [...marks].sort((a, b) => a.at - b.at)) {
    if (m.kind === 'pause') pausedAt = m.at;
    if (m.kind === 'resume' && pausedAt !== undefined) {
      pauses.push([pausedAt, m.at]);
      pausedAt = undefined;
    }
  }
  if (pausedAt !== undefined) pauses.push([pausedAt, now]);
  // Marks closer than 6% of the line share one dot and one label ("起算 · 按期完成"), so labels never overlap.
  const merged: Mark[] = [];
  for (const m of [...marks].filter((x) => !Number.isNaN(x.at)).sort((a, b) => a.at - b.at)) {
    const last = merged[merged.length - 1];
    if (last && (m.at - last.at) / span < 0.06) {
      last.label = `${last.label} · ${m.label}`;
      if (PRIORITY.indexOf(m.kind) < PRIORITY.indexOf(last.kind)) {
        last.kind = m.kind;
        last.day = m.day ?? last.day;
      }
    } else {
      merged.push({ ...m });
    }
  }

  return (
    <section className="deadline" aria-label={deadline.name} data-testid={`deadline-${deadline.id}`}>
      <div className="deadline-head">
        <Typography.Text strong>{deadline.name}</Typography.Text>
        <StatusTag tone={STATE_TONE[deadline.state] ?? 'neutral'}>
          {labels.deadlineState(deadline.state)}
        </StatusTag>
        {deadline.overdue && <StatusTag tone="error">{t('deadline.overdue')}</StatusTag>}
        {deadline.provisional && (
          <Tooltip title={t('deadline.provisionalHint')}>
            <Tag>{t('deadline.provisional')}</Tag>
          </Tooltip>
        )}
        <Typography.Text className="article">{deadline.article}</Typography.Text>
      </div>
      {times.length > 0 && (
        <div
          className="deadline-line"
          role="img"
          aria-label={merged.map((m) => `${m.label} ${dayOf(m)}`).join('；')}
        >
          <div className="deadline-axis" />
          {pauses.map(([a, b]) => (
            <div
              key={a}
              className="deadline-pause"
              style={{ left: pos(a), width: `calc(${pos(b)} - ${pos(a)})` }}
            />
          ))}
          {merged.map((m, i) => (
            <div
              key={`${m.kind}-${i}`}
              className={`deadline-mark mark-${m.kind}`}
              style={{ left: pos(m.at) }}
            >
              <span className="mark-dot" />
              <span className={`mark-label ${i % 2 ? 'below' : 'above'}`}>
                {m.label}
                <br />
                {dayOf(m)}
              </span>
            </div>
          ))}
        </div>
      )}
      <Typography.Paragraph className="deadline-explanation">{deadline.explanation}</Typography.Paragraph>
      {(deadline.extendedDays > 0 || deadline.pausedDays > 0) && (
        <Typography.Paragraph type="secondary">
          {deadline.extendedDays > 0 && t('deadline.extendedDays', { days: deadline.extendedDays })}{' '}
          {deadline.pausedDays > 0 && t('deadline.pausedDays', { days: deadline.pausedDays })}
        </Typography.Paragraph>
      )}
    </section>
  );
}
