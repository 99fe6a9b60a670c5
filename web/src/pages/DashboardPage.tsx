import { Alert, Button, Card, Col, Input, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { allPages, api, ApiFailure } from '../api';
import { Chart } from '../components/Chart';
import { PeriodPicker, thisYear, type Period } from '../components/Period';
import { RateCell } from '../components/RateCell';
import { useLabels } from '../format';
import { useStaff } from '../session';
import type { AtRiskItem, ListItem, OverdueItem, Stats } from '../types';
import { WITHIN } from './AtRiskPage';

/** The dashboard reads at most this many petitions of each list; beyond it, it says the figures are partial. */
const MAX_ROWS = 5000;

interface Row {
  key: string;
  department: string | null;
  step: string | null;
  open: number;
  overdue: number;
  atRisk: number;
}

interface Data {
  open: { items: ListItem[]; complete: boolean };
  overdue: { items: OverdueItem[]; complete: boolean; asOf?: string };
  atRisk: { items: AtRiskItem[]; complete: boolean };
  stats: Stats;
}

/**
 * The supervisor's dashboard: open, overdue and at-risk petitions by department and step, and the three rates of the
 * period. Every figure is counted from what `/v1/petitions`, `/v1/supervision/overdue`, `/v1/supervision/at-risk` and
 * `/v1/stats` answer (all pages, up to MAX_ROWS each).
 */
export default function DashboardPage() {
  const labels = useLabels();
  const { t } = labels;
  const session = useStaff();
  const [department, setDepartment] = useState('');
  const [within, setWithin] = useState('P3D');
  const [period, setPeriod] = useState<Period>(thisYear);
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    const dept = department ? `&department=${encodeURIComponent(department)}` : '';
    try {
      const [open, overdue, atRisk, stats] = await Promise.all([
        allPages<ListItem>(`/v1/petitions?status=open&pageSize=200${dept}`, session.token, MAX_ROWS),
        allPages<OverdueItem>(`/v1/supervision/overdue?pageSize=500${dept}`, session.token, MAX_ROWS),
        allPages<AtRiskItem>(
          `/v1/supervision/at-risk?within=${within}&pageSize=500${dept}`,
          session.token,
          MAX_ROWS,
        ),
        api<Stats>(`/v1/stats?from=${period.from}&to=${period.to}${dept}`, { token: session.token }),
      ]);
      setData({ open, overdue, atRisk, stats });
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setLoading(false);
    }
  }, [department, within, period, session.token]);
  useEffect(() => void load(), [load]);

  const rows = useMemo(() => {
    const map = new Map<string, Row>();
    const row = (department: string | null, step: string | null) => {
      const key = `${department ?? ''}|${step ?? ''}`;
      let r = map.get(key);
      if (!r) map.set(key, (r = { key, department, step, open: 0, overdue: 0, atRisk: 0 }));
      return r;
    };
    for (const i of data?.open.items ?? []) row(i.department, i.step).open++;
    for (const i of data?.overdue.items ?? []) row(i.department, i.step).overdue++;
    for (const i of data?.atRisk.items ?? []) row(i.department, i.step).atRisk++;
    return [...map.values()].sort((a, b) => b.overdue - a.overdue || b.atRisk - a.atRisk || b.open - a.open);
  }, [data]);

  const by = (keyOf: (r: Row) => string) => {
    const m = new Map<string, { open: number; overdue: number; atRisk: number }>();
    for (const r of rows) {
      const k = keyOf(r);
      const v = m.get(k) ?? { open: 0, overdue: 0, atRisk: 0 };
      v.open += r.open;
      v.overdue += r.overdue;
      v.atRisk += r.atRisk;
      m.set(k, v);
    }
    return [...m.entries()].sort((a, b) => b[1].overdue - a[1].overdue || b[1].open - a[1].open).slice(0, 15);
  };
  /** Bars per group; department names are long, so departments get horizontal bars. */
  const chartOption = (
    groups: Array<[string, { open: number; overdue: number; atRisk: number }]>,
    horizontal: boolean,
  ) => {
    const category = {
      type: 'category',
      data: groups.map(([k]) => k),
      inverse: horizontal,
      axisLabel: { interval: 0 },
    };
    const value = { type: 'value', minInterval: 1 };
    return {
      tooltip: { trigger: 'axis' },
      legend: {
        top: 4,
        left: 'center',
        data: [t('dashboard.open'), t('dashboard.overdue'), t('dashboard.atRisk')],
      },
      grid: { left: 16, right: 24, top: 44, bottom: 16, containLabel: true },
      xAxis: horizontal
        ? value
        : { ...category, axisLabel: { interval: 0, rotate: groups.length > 4 ? 30 : 0 } },
      yAxis: horizontal ? category : value,
      color: ['#1f4e99', '#b5281c', '#b26b00'],
      series: [
        { name: t('dashboard.open'), type: 'bar', data: groups.map(([, v]) => v.open) },
        { name: t('dashboard.overdue'), type: 'bar', data: groups.map(([, v]) => v.overdue) },
        { name: t('dashboard.atRisk'), type: 'bar', data: groups.map(([, v]) => v.atRisk) },
      ],
    };
  };
  const byDept = by((r) => labels.department(r.department));
  const byStep = by((r) => labels.step(r.step));
  const partial = data && (!data.open.complete || !data.overdue.complete || !data.atRisk.complete);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} className="page-title">
        {t('nav.dashboard')}
      </Typography.Title>
      <Space wrap>
        <Input.Search
          aria-label={t('lists.department')}
          placeholder={t('dashboard.allDepartments')}
          allowClear
          onSearch={(v) => setDepartment(v.trim())}
          style={{ width: 220 }}
          data-testid="dashboard-department"
        />
        <Select
          aria-label={t('atRisk.within')}
          value={within}
          onChange={setWithin}
          options={WITHIN.map((w) => ({ value: w, label: t(`atRisk.windows.${w}`) }))}
          style={{ width: 160 }}
        />
        <PeriodPicker value={period} onChange={setPeriod} />
        <Button onClick={() => void load()} loading={loading}>
          {t('common.refresh')}
        </Button>
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      {partial && <Alert type="warning" showIcon title={t('dashboard.partial', { n: MAX_ROWS })} />}
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('dashboard.open')}
              value={data?.open.items.length ?? '—'}
              data-testid="dash-open"
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('dashboard.overdue')}
              value={data?.overdue.items.length ?? '—'}
              styles={{ content: { color: '#b5281c' } }}
              data-testid="dash-overdue"
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('dashboard.atRiskWithin', { window: t(`atRisk.windows.${within}`) })}
              value={data?.atRisk.items.length ?? '—'}
              styles={{ content: { color: '#8a5300' } }}
              data-testid="dash-at-risk"
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('dashboard.registered')}
              value={data?.stats.registered ?? '—'}
              data-testid="dash-registered"
            />
          </Card>
        </Col>
      </Row>
      {data && (
        <Card size="small" title={t('dashboard.rates', { from: period.from, to: period.to })}>
          <Space size="large" wrap>
            <span>
              {t('rates.timelyAcceptance')}：
              <RateCell rate={data.stats.timelyAcceptanceRate} testId="dash-rate-acceptance" />
            </span>
            <span>
              {t('rates.onTimeCompletion')}：
              <RateCell rate={data.stats.onTimeCompletionRate} testId="dash-rate-completion" />
            </span>
            <span>
              {t('rates.satisfaction')}：
              <RateCell rate={data.stats.satisfactionRate} testId="dash-rate-satisfaction" />
            </span>
          </Space>
        </Card>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('dashboard.byDepartment')}>
            <Chart
              option={chartOption(byDept, true)}
              height={Math.max(300, 60 + byDept.length * 48)}
              label={t('dashboard.byDepartment')}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('dashboard.byStep')}>
            <Chart
              option={chartOption(byStep, false)}
              height={Math.max(300, 60 + byDept.length * 48)}
              label={t('dashboard.byStep')}
            />
          </Card>
        </Col>
      </Row>
      <Table<Row>
        rowKey="key"
        size="small"
        loading={loading}
        dataSource={rows}
        data-testid="dashboard-table"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        onRow={(r) => ({ 'data-testid': `dash-row-${r.department ?? 'bureau'}-${r.step ?? ''}` }) as never}
        columns={[
          {
            title: t('lists.department'),
            dataIndex: 'department',
            render: (d: string | null) => labels.department(d),
          },
          { title: t('lists.step'), dataIndex: 'step', render: (s: string | null) => labels.step(s) },
          { title: t('dashboard.open'), dataIndex: 'open', align: 'right' },
          { title: t('dashboard.overdue'), dataIndex: 'overdue', align: 'right' },
          { title: t('dashboard.atRisk'), dataIndex: 'atRisk', align: 'right' },
        ]}
      />
    </Space>
  );
}
