import { Alert, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { filterQuery, ListFilters, type Filters } from '../components/ListFilters';
import { Pager } from '../components/Pager';
import { SuperviseButton } from '../components/SuperviseButton';
import { usePaged } from '../components/usePaged';
import { useLabels } from '../format';
import { useStaff } from '../session';
import type { OverdueItem } from '../types';
import { StatusTag } from '../components/StatusTag';

/** The overdue list, most overdue first, one page at a time, with 督办 from each row. */
export default function OverduePage() {
  const labels = useLabels();
  const { t } = labels;
  const session = useStaff();
  const [filters, setFilters] = useState<Filters>({ department: '', step: '', pageSize: 50 });
  const paged = usePaged<{ asOf: string; items: OverdueItem[]; nextPageToken: string | null }>(
    `/v1/supervision/overdue?${filterQuery(filters)}`,
    session.token,
  );
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} className="page-title">
        {t('nav.overdue')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('overdue.intro')}</Typography.Paragraph>
      <ListFilters value={filters} onChange={setFilters} />
      {paged.error && <Alert type="error" showIcon title={paged.error} />}
      <Table<OverdueItem>
        rowKey="id"
        size="small"
        loading={paged.loading}
        dataSource={paged.page?.items ?? []}
        pagination={false}
        data-testid="overdue-table"
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
            title: t('lists.overdueDays'),
            dataIndex: 'overdueDays',
            render: (n: number) => <StatusTag tone="error">{t('lists.days', { n })}</StatusTag>,
          },
          {
            title: t('lists.actions'),
            key: 'actions',
            render: (_: unknown, row) => <SuperviseButton petitionId={row.id} onDone={paged.reload} />,
          },
        ]}
      />
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Pager {...paged} />
        {paged.page && (
          <Typography.Text type="secondary">
            {t('lists.asOf', { at: labels.dateTime(paged.page.asOf) })}
          </Typography.Text>
        )}
      </Space>
    </Space>
  );
}
