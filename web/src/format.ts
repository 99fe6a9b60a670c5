import { useTranslation } from 'react-i18next';
import { useDepartmentNames } from './departments';

/** Petitions are registered and counted in Asia/Shanghai; every time is shown there. */
const TIME_ZONE = 'Asia/Shanghai';

export function formatDateTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);
}

/**
 * A due instant as the statute counts it: a period ends at 24:00 of its last day (《民法典》第二百零三条), so an
 * instant at 00:00 Beijing time reads as 24:00 of the day before.
 */
export function formatDue(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  })
    .format(d)
    .replace(/^24/, '00');
  if (parts !== '00:00') return formatDateTime(iso, lang);
  return `${formatDate(new Date(d.getTime() - 1).toISOString(), lang)} 24:00`;
}

export function formatDate(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/**
 * Labels of the API's codes (steps, roles, categories, …) from the catalogues. A code the catalogue does not know
 * (a step or field of a newly published definition) shows the definition's own name, or the code itself.
 */
export function useLabels() {
  const { t, i18n } = useTranslation();
  const names = useDepartmentNames();
  const label = (group: string, code: string | null | undefined, fallback?: string) =>
    code ? t(`${group}.${code}`, { defaultValue: fallback ?? code }) : '—';
  return {
    t,
    lang: i18n.language,
    dateTime: (iso: string | null | undefined) => formatDateTime(iso, i18n.language),
    date: (iso: string | null | undefined) => formatDate(iso, i18n.language),
    due: (iso: string | null | undefined) => formatDue(iso, i18n.language),
    step: (code: string | null | undefined, name?: string) => label('steps', code, name),
    role: (code: string | null | undefined) => label('roles', code),
    category: (code: string | null | undefined) => label('categories', code),
    channel: (code: string | null | undefined) => label('channels', code),
    deadlineState: (code: string) => label('deadlineStates', code),
    timelineType: (code: string) => label('timelineTypes', code),
    field: (code: string) => label('fields', code),
    value: (code: string) => label('values', code),
    assignee: (code: string | null | undefined) => label('assignees', code),
    department: (code: string | null | undefined) => (code ? (names.get(code) ?? code) : t('common.bureau')),
  };
}
