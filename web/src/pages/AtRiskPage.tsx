import { Alert, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { filterQuery, ListFilters, type Filters } from '../components/ListFilters';
import { Pager } from '../components/Pager';
import { SuperviseButton } from '../components/SuperviseButton';
import { usePaged } from '../components/usePaged';
import { useLabels } from '../format';
import { useStaff } from '../session';
import type { AtRiskItem } from '../types';
import { StatusTag } from '../components/StatusTag';

export const WITHIN = ['P1D', 'P3D', 'P7D', 'P15D'] as const;

/** Petitions due soon, soonest first, one page at a time, with 督办 from each row. */
export default function AtRiskPage() {
  const labels = useLabels();
  const { t } = labels;
  const session = useStaff();
  const [filters, setFilters] = useState<Filters>({ department: '', step: '', pageSize: 50 });
  const [within, setWithin] = useState<string>('P3D');
  const paged = usePaged<{ asOf: string; until: string; items: AtRiskItem[]; nextPageToken: string | null }>(
    `/v1/supervision/at-risk?${filterQuery(filters, { within })}`,
    session.token,
  );
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} className="page-title">
        {t('nav.at-risk')}
      </Typography.Title>
      <Space wrap>
        <Select
          aria-label={t('atRisk.within')}
          value={within}
          onChange={setWithin}
          options={WITHIN.map((w) => ({ value: w, label: t(`atRisk.windows.${w}`) }))}
          style={{ width: 160 }}
        />
        <ListFilters value={filters} onChange={setFilters} />
      </Space>
      {paged.error && <Alert type="error" showIcon title={paged.error} />}
      <Table<AtRiskItem>
        rowKey="id"
        size="small"
        loading={paged.loading}
        dataSource={paged.page?.items ?? []}
        pagination={false}
        data-testid="at-risk-table"
        columns={[
          {
            title: t('lists.id'),
            dataIndex: 'id',
            render: (id: string) => <Link to={`/petitions/${id}`}>{id}</Link>,
          },
          { title: t('lists.step'), dataIndex: 'step', render: (s: string | null) => labels.step(s) },
          {
            title: t('lists.department'),
            dataIndex: 'department',
            render: (d: string | null) => labels.department(d),
          },
          {
            title: t('lists.deadline'),
            dataIndex: 'deadline',
            render: (d: string | null) => labels.value(d ?? '—'),
          },
          { title: t('lists.dueAt'), dataIndex: 'dueAt', render: (d: string) => labels.due(d) },
          {
            title: t('lists.remaining'),
            dataIndex: 'remainingHours',
            render: (h: number) => <StatusTag tone="warning">{t('lists.hours', { n: h })}</StatusTag>,
          },
          {
            title: t('lists.actions'),
            key: 'actions',
            render: (_: unknown, row) => <SuperviseButton petitionId={row.id} onDone={paged.reload} />,
          },
        ]}
      />
      <Pager {...paged} />
    </Space>
  );
}
