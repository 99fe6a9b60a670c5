import { DatePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';

/** A period of receipt `[from, to)` as days (read in Asia/Shanghai by the API). */
export interface Period {
  from: string;
  to: string;
}

export function thisYear(): Period {
  const y = new Date().getFullYear();
  return { from: `${y}-01-01`, to: `${y + 1}-01-01` };
}

/** Picks whole days; `to` is the day after the last picked day (the API's bound is exclusive). */
export function PeriodPicker({ value, onChange }: { value: Period; onChange: (p: Period) => void }) {
  const { t } = useTranslation();
  const y = dayjs().startOf('year');
  const q = dayjs()
    .startOf('month')
    .subtract(dayjs().month() % 3, 'month');
  const presets: Array<{ label: string; value: [Dayjs, Dayjs] }> = [
    { label: t('period.thisYear'), value: [y, y.endOf('year')] },
    { label: t('period.lastYear'), value: [y.subtract(1, 'year'), y.subtract(1, 'day')] },
    { label: t('period.thisQuarter'), value: [q, q.add(2, 'month').endOf('month')] },
    { label: t('period.thisMonth'), value: [dayjs().startOf('month'), dayjs().endOf('month')] },
  ];
  return (
    <DatePicker.RangePicker
      aria-label={t('period.label')}
      allowClear={false}
      presets={presets}
      value={[dayjs(value.from), dayjs(value.to).subtract(1, 'day')]}
      onChange={(range) => {
        if (!range || !range[0] || !range[1]) return;
        onChange({ from: range[0].format('YYYY-MM-DD'), to: range[1].add(1, 'day').format('YYYY-MM-DD') });
      }}
    />
  );
}
