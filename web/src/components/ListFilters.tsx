import { Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';

export interface Filters {
  department: string;
  step: string;
  pageSize: number;
}

/** Department code, step id and page size of a supervision list. */
export function ListFilters({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const { t } = useTranslation();
  return (
    <Space wrap className="list-filters">
      <Input.Search
        aria-label={t('lists.department')}
        placeholder={t('lists.department')}
        allowClear
        defaultValue={value.department}
        onSearch={(department) => onChange({ ...value, department: department.trim() })}
        style={{ width: 200 }}
      />
      <Input.Search
        aria-label={t('lists.step')}
        placeholder={t('lists.step')}
        allowClear
        defaultValue={value.step}
        onSearch={(step) => onChange({ ...value, step: step.trim() })}
        style={{ width: 200 }}
      />
      <Select
        aria-label={t('lists.pageSize')}
        value={value.pageSize}
        onChange={(pageSize) => onChange({ ...value, pageSize })}
        options={[20, 50, 100, 200].map((n) => ({ value: n, label: t('lists.perPage', { n }) }))}
        style={{ width: 120 }}
      />
    </Space>
  );
}

export function filterQuery(f: Filters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ pageSize: String(f.pageSize), ...extra });
  if (f.department) q.set('department', f.department);
  if (f.step) q.set('step', f.step);
  return q.toString();
}
