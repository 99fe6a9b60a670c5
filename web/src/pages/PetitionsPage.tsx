import { Alert, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { filterQuery, ListFilters, type Filters } from '../components/ListFilters';
import { Pager } from '../components/Pager';
import { usePaged } from '../components/usePaged';
import { useLabels } from '../format';
import { useStaff } from '../session';
import type { ListItem } from '../types';
import { StatusTag } from '../components/StatusTag';

/** Every petition the caller may list, by status, department and step (search attributes only: no personal data). */
export default function PetitionsPage() {
  const labels = useLabels();
  const { t } = labels;
  const session = useStaff();
  const [filters, setFilters] = useState<Filters>({ department: '', step: '', pageSize: 50 });
  const [status, setStatus] = useState<'open' | 'closed' | ''>('open');
  const paged = usePaged<{ items: ListItem[]; nextPageToken: string | null }>(
    `/v1/petitions?${filterQuery(filters, status ? { status } : {})}`,
    session.token,
  );
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} className="page-title">
        {t('nav.petitions')}
      </Typography.Title>
      <Space wrap>
        <Select
          aria-label={t('petition.status')}
          value={status}
          onChange={setStatus}
          style={{ width: 120 }}
          options={[
            { value: 'open', label: t('petition.statuses.open') },
            { value: 'closed', label: t('petition.statuses.closed') },
            { value: '', label: t('common.all') },
          ]}
        />
        <ListFilters value={filters} onChange={setFilters} />
      </Space>
      {paged.error && <Alert type="error" showIcon title={paged.error} />}
      <Table<ListItem>
        rowKey="id"
        size="small"
        loading={paged.loading}
        dataSource={paged.page?.items ?? []}
        pagination={false}
        columns={[
          {
            title: t('lists.id'),
            dataIndex: 'id',
            render: (id: string) => <Link to={`/petitions/${id}`}>{id}</Link>,
          },
          {
            title: t('petition.status'),
            dataIndex: 'status',
            render: (s: string) => t(`petition.statuses.${s}`),
          },
          { title: t('lists.step'), dataIndex: 'step', render: (s: string | null) => labels.step(s) },
          {
            title: t('petition.category'),
            dataIndex: 'category',
            render: (c: string | null) => labels.category(c),
          },
          {
            title: t('petition.channel'),
            dataIndex: 'channel',
            render: (c: string | null) => labels.channel(c),
          },
          {
            title: t('lists.department'),
            dataIndex: 'department',
            render: (d: string | null) => labels.department(d),
          },
          {
            title: t('petition.receivedAt'),
            dataIndex: 'receivedAt',
            render: (d: string | null) => labels.dateTime(d),
          },
          {
            title: t('lists.dueAt'),
            dataIndex: 'dueAt',
            render: (d: string | null, r) => (
              <span>
                {labels.due(d)} {r.overdue && <StatusTag tone="error">{t('deadline.overdue')}</StatusTag>}
              </span>
            ),
          },
        ]}
      />
      <Pager {...paged} />
    </Space>
  );
}
