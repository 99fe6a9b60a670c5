import { Alert, Button, Drawer, Skeleton, Space, Table, Tabs, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiFailure } from '../api';
import { Pager } from '../components/Pager';
import { PetitionDetails } from '../components/PetitionDetails';
import { usePaged } from '../components/usePaged';
import { useLabels } from '../format';
import { useStaff } from '../session';
import type { AtRiskItem, ListItem, OverdueItem, Petition } from '../types';
import { StatusTag } from '../components/StatusTag';

interface DueRow {
  id: string;
  step: string | null;
  deadline: string | null;
  dueAt: string;
  overdueDays?: number;
  remainingHours?: number;
}

/** Every future due date the at-risk list can reach (its longest window, a year). */
const ALL_AHEAD = 'P366D';
const PAGE = 50;

/**
 * What the department holds by due date, soonest first: the overdue list (most overdue first), then every petition
 * due later (the at-risk list over a year), both for this body only, loaded one page at a time.
 */
function useDueOrder(dept: string, token: string, enabled: boolean) {
  const [rows, setRows] = useState<DueRow[]>([]);
  const [cursor, setCursor] = useState<{ list: 'overdue' | 'ahead'; token: string | null } | null>({
    list: 'overdue',
    token: null,
  });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  const more = useCallback(async () => {
    if (!cursor) return;
    setLoading(true);
    setError(null);
    const q = `department=${encodeURIComponent(dept)}&pageSize=${PAGE}${cursor.token ? `&pageToken=${encodeURIComponent(cursor.token)}` : ''}`;
    try {
      if (cursor.list === 'overdue') {
        const page = await api<{ items: OverdueItem[]; nextPageToken: string | null }>(
          `/v1/supervision/overdue?${q}`,
          { token },
        );
        setRows((r) => [...r, ...page.items]);
        setCursor(
          page.nextPageToken
            ? { list: 'overdue', token: page.nextPageToken }
            : { list: 'ahead', token: null },
        );
      } else {
        const page = await api<{ items: AtRiskItem[]; nextPageToken: string | null }>(
          `/v1/supervision/at-risk?within=${ALL_AHEAD}&${q}`,
          { token },
        );
        // The two lists are read a moment apart: a petition that fell due in between is listed once.
        setRows((r) => [...r, ...page.items.filter((i) => !r.some((x) => x.id === i.id))]);
        setCursor(page.nextPageToken ? { list: 'ahead', token: page.nextPageToken } : null);
      }
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setLoading(false);
    }
  }, [cursor, dept, token]);

  useEffect(() => {
    setRows([]);
    setCursor({ list: 'overdue', token: null });
  }, [dept, reloads]);
  useEffect(() => {
    // Fill the first screen: the first pages of both lists.
    if (enabled && cursor && !cursor.token && rows.length < PAGE && !loading && !error) void more();
  }, [enabled, cursor, rows.length, loading, error, more]);

  return { rows, loading, error, hasMore: cursor !== null, more, reload: () => setReloads((n) => n + 1) };
}

function ActDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useLabels();
  const session = useStaff();
  const [petition, setPetition] = useState<Petition | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setPetition(null);
    setError(null);
    if (!id) return;
    api<Petition>(`/v1/petitions/${encodeURIComponent(id)}`, { token: session.token }).then(
      setPetition,
      (err: unknown) => setError(err instanceof ApiFailure ? err.message : String(err)),
    );
  }, [id, session.token]);
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={960}
      title={id ? `${t('petition.title')} ${id}` : ''}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} />}
      {!petition && !error && <Skeleton active />}
      {petition && (
        <PetitionDetails
          petition={petition}
          caller={{ token: session.token }}
          onChange={setPetition}
          initialTab="actions"
        />
      )}
    </Drawer>
  );
}

/** The department's work list: what it holds now, due soonest first, acted on from a drawer. */
export default function WorklistPage() {
  const labels = useLabels();
  const { t } = labels;
  const session = useStaff();
  const dept = session.dept ?? '';
  // The overdue and at-risk lists are for the bodies that handle petitions; a superior body sees its queue only.
  const byDue = session.role !== 'superior';
  const due = useDueOrder(dept, session.token, byDue);
  const all = usePaged<{ items: ListItem[]; nextPageToken: string | null }>(
    dept ? `/v1/departments/${encodeURIComponent(dept)}/queue?pageSize=${PAGE}` : null,
    session.token,
  );
  const [acting, setActing] = useState<string | null>(null);
  const act = (id: string) => (
    <Button size="small" type="primary" onClick={() => setActing(id)} data-testid={`act-${id}`}>
      {t('worklist.act')}
    </Button>
  );
  const idCell = (id: string) => <Link to={`/petitions/${id}`}>{id}</Link>;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} className="page-title">
        {t('nav.worklist')} · {dept}
      </Typography.Title>
      <Tabs
        items={[
          byDue && {
            key: 'due',
            label: t('worklist.byDue'),
            children: (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {due.error && <Alert type="error" showIcon title={due.error} />}
                <Table<DueRow>
                  rowKey="id"
                  size="small"
                  loading={due.loading && due.rows.length === 0}
                  dataSource={due.rows}
                  pagination={false}
                  data-testid="worklist-table"
                  columns={[
                    { title: t('lists.id'), dataIndex: 'id', render: idCell },
                    {
                      title: t('lists.step'),
                      dataIndex: 'step',
                      render: (s: string | null) => labels.step(s),
                    },
                    {
                      title: t('lists.deadline'),
                      dataIndex: 'deadline',
                      render: (d: string | null) => labels.value(d ?? '—'),
                    },
                    {
                      title: t('lists.dueAt'),
                      dataIndex: 'dueAt',
                      render: (d: string) => labels.due(d),
                    },
                    {
                      title: t('worklist.status'),
                      key: 'status',
                      render: (_: unknown, r) =>
                        r.overdueDays !== undefined ? (
                          <StatusTag tone="error">{t('worklist.overdueBy', { n: r.overdueDays })}</StatusTag>
                        ) : (
                          <StatusTag tone="neutral">
                            {t('worklist.remaining', { n: Math.floor((r.remainingHours ?? 0) / 24) })}
                          </StatusTag>
                        ),
                    },
                    { title: t('lists.actions'), key: 'act', render: (_: unknown, r) => act(r.id) },
                  ]}
                />
                <Space>
                  <Button onClick={() => void due.more()} disabled={!due.hasMore} loading={due.loading}>
                    {due.hasMore ? t('worklist.more') : t('worklist.noMore')}
                  </Button>
                  <Button onClick={due.reload}>{t('common.refresh')}</Button>
                </Space>
              </Space>
            ),
          },
          {
            key: 'all',
            label: t('worklist.all'),
            children: (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {all.error && <Alert type="error" showIcon title={all.error} />}
                <Table<ListItem>
                  rowKey="id"
                  size="small"
                  loading={all.loading}
                  dataSource={all.page?.items ?? []}
                  pagination={false}
                  columns={[
                    { title: t('lists.id'), dataIndex: 'id', render: idCell },
                    {
                      title: t('lists.step'),
                      dataIndex: 'step',
                      render: (s: string | null) => labels.step(s),
                    },
                    {
                      title: t('petition.category'),
                      dataIndex: 'category',
                      render: (c: string | null) => labels.category(c),
                    },
                    {
                      title: t('petition.receivedAt'),
                      dataIndex: 'receivedAt',
                      render: (d: string | null) => labels.dateTime(d),
                    },
                    {
                      title: t('lists.dueAt'),
                      dataIndex: 'dueAt',
                      render: (d: string | null) => labels.due(d),
                    },
                    { title: t('lists.actions'), key: 'act', render: (_: unknown, r) => act(r.id) },
                  ]}
                />
                <Pager {...all} />
              </Space>
            ),
          },
        ].filter((x) => x !== false)}
      />
      <ActDrawer
        id={acting}
        onClose={() => {
          setActing(null);
          due.reload();
          all.reload();
        }}
      />
    </Space>
  );
}
