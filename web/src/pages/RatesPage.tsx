import { Alert, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiFailure } from '../api';
import { PeriodPicker, thisYear, type Period } from '../components/Period';
import { RateCell } from '../components/RateCell';
import { useLabels } from '../format';
import { useStaff } from '../session';
import type { Department, Stats } from '../types';

interface Row {
  key: string;
  name: string;
  stats: Stats;
}

/** 及时受理率, 按期办结率, 群众满意率 of a period, overall and per registered department, with the counts. */
export default function RatesPage() {
  const labels = useLabels();
  const { t } = labels;
  const session = useStaff();
  const [period, setPeriod] = useState<Period>(thisYear);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setRows(null);
    setError(null);
    (async () => {
      const { items: departments } = await api<{ items: Department[] }>('/v1/departments', {
        token: session.token,
      });
      const stats = (department?: string) =>
        api<Stats>(
          `/v1/stats?from=${period.from}&to=${period.to}${department ? `&department=${encodeURIComponent(department)}` : ''}`,
          { token: session.token },
        );
      const all: Row = { key: '*', name: t('rates.all'), stats: await stats() };
      const per = await Promise.all(
        departments.map(async (d) => ({
          key: d.code,
          name: `${d.name}（${d.code}）`,
          stats: await stats(d.code),
        })),
      );
      if (!cancelled) setRows([all, ...per]);
    })().catch(
      (err: unknown) => !cancelled && setError(err instanceof ApiFailure ? err.message : String(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [period, session.token, t]);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} className="page-title">
        {t('nav.rates')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('rates.intro')}</Typography.Paragraph>
      <PeriodPicker value={period} onChange={setPeriod} />
      {error && <Alert type="error" showIcon title={error} />}
      <Table<Row>
        rowKey="key"
        size="small"
        loading={!rows && !error}
        dataSource={rows ?? []}
        pagination={false}
        data-testid="rates-table"
        columns={[
          { title: t('lists.department'), dataIndex: 'name' },
          { title: t('rates.registered'), render: (_: unknown, r) => r.stats.registered, align: 'right' },
          {
            title: t('rates.timelyAcceptance'),
            render: (_: unknown, r) => <RateCell rate={r.stats.timelyAcceptanceRate} />,
          },
          {
            title: t('rates.onTimeCompletion'),
            render: (_: unknown, r) => <RateCell rate={r.stats.onTimeCompletionRate} />,
          },
          {
            title: t('rates.satisfaction'),
            render: (_: unknown, r) => <RateCell rate={r.stats.satisfactionRate} />,
          },
        ]}
      />
    </Space>
  );
}
