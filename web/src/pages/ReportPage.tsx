import { Alert, Button, Card, Col, Input, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiFailure } from '../api';
import { Chart } from '../components/Chart';
import { RateCell } from '../components/RateCell';
import { useLabels } from '../format';
import { useStaff } from '../session';
import type { AnnualReport, ReviewCounts } from '../types';

const YEARS = 10;
const OUTCOMES = ['pending', 'support', 'explain', 'reject'] as const;
type Body = AnnualReport['bodies'][number];

/**
 * The annual report of Art. 41 (`GET /v1/reports/annual`): petitions by category, channel and route, the bodies most
 * complained about, forwarding, assignment and supervision, timeliness, satisfaction, reviews and re-reviews; the same
 * report as an Excel workbook or CSV, downloaded with the caller's token.
 */
export default function ReportPage() {
  const labels = useLabels();
  const { t } = labels;
  const session = useStaff();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const [department, setDepartment] = useState('');
  const [report, setReport] = useState<AnnualReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [downloading, setDownloading] = useState<'xlsx' | 'csv' | null>(null);

  const query = `year=${String(year)}${department ? `&department=${encodeURIComponent(department)}` : ''}`;
  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setReport(await api<AnnualReport>(`/v1/reports/annual?${query}`, { token: session.token }));
    } catch (err) {
      setReport(null);
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setLoading(false);
    }
  }, [query, session.token]);
  useEffect(() => void load(), [load]);

  /** Fetches the file with the token (a plain link would carry none) and saves it under the API's file name. */
  const download = async (format: 'xlsx' | 'csv') => {
    setDownloading(format);
    setError(null);
    try {
      const res = await fetch(`/v1/reports/annual?${query}&format=${format}`, {
        headers: { authorization: `Bearer ${session.token}` },
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { message?: string };
        throw new Error(body.message ?? res.statusText);
      }
      const name =
        /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
        `annual-report-${String(year)}.${format}`;
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(String((err as Error).message));
    } finally {
      setDownloading(null);
    }
  };

  const bars = (items: Array<{ label: string; count: number }>, horizontal = false) => {
    const category = { type: 'category', data: items.map((i) => i.label), inverse: horizontal };
    const value = { type: 'value', minInterval: 1 };
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 16, right: 24, top: 16, bottom: 16, containLabel: true },
      xAxis: horizontal ? value : { ...category, axisLabel: { interval: 0 } },
      yAxis: horizontal ? category : value,
      color: ['#1f4e99'],
      series: [{ name: t('report.count'), type: 'bar', data: items.map((i) => i.count) }],
    };
  };
  const reviewsOption = (r: AnnualReport) => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 4, left: 'center', data: [t('report.reviews'), t('report.reReviews')] },
    grid: { left: 16, right: 24, top: 44, bottom: 16, containLabel: true },
    xAxis: { type: 'category', data: OUTCOMES.map((o) => t(`report.outcomes.${o}`)) },
    yAxis: { type: 'value', minInterval: 1 },
    color: ['#1f4e99', '#b26b00'],
    series: [
      { name: t('report.reviews'), type: 'bar', data: OUTCOMES.map((o) => r.reviews[o]) },
      { name: t('report.reReviews'), type: 'bar', data: OUTCOMES.map((o) => r.reReviews[o]) },
    ],
  });
  const stat = (title: string, value: number | undefined, testId: string) => (
    <Col xs={12} md={6} lg={4}>
      <Card size="small">
        <Statistic title={title} value={value ?? '—'} data-testid={testId} />
      </Card>
    </Col>
  );
  const chart = (title: string, option: Record<string, unknown>, height: number) => (
    <Col xs={24} lg={12}>
      <Card size="small" title={title}>
        <Chart option={option} height={height} label={title} />
      </Card>
    </Col>
  );
  const reviewRow = (name: string, c: ReviewCounts) => ({ key: name, name, ...c });

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} className="page-title">
        {t('nav.report')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('report.intro')}</Typography.Paragraph>
      <Space wrap>
        <Select
          aria-label={t('report.year')}
          value={year}
          onChange={setYear}
          options={Array.from({ length: YEARS }, (_, i) => ({
            value: thisYear - i,
            label: t('report.yearOption', { year: thisYear - i }),
          }))}
          style={{ width: 120 }}
          data-testid="report-year"
        />
        <Input.Search
          aria-label={t('lists.department')}
          placeholder={t('dashboard.allDepartments')}
          allowClear
          onSearch={(v) => setDepartment(v.trim())}
          style={{ width: 220 }}
          data-testid="report-department"
        />
        <Button onClick={() => void load()} loading={loading}>
          {t('common.refresh')}
        </Button>
        <Button
          type="primary"
          onClick={() => void download('xlsx')}
          loading={downloading === 'xlsx'}
          data-testid="report-download-xlsx"
        >
          {t('report.downloadXlsx')}
        </Button>
        <Button
          onClick={() => void download('csv')}
          loading={downloading === 'csv'}
          data-testid="report-download-csv"
        >
          {t('report.downloadCsv')}
        </Button>
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      <Row gutter={[16, 16]}>
        {stat(t('report.registered'), report?.registered, 'report-registered')}
        {stat(t('report.forwarded'), report?.handling.forwarded, 'report-forwarded')}
        {stat(t('report.assigned'), report?.handling.assigned, 'report-assigned')}
        {stat(t('report.supervised'), report?.handling.supervised, 'report-supervised')}
        {stat(t('report.suggestionsAdopted'), report?.suggestions.adopted, 'report-adopted')}
        {stat(t('report.final'), report?.final, 'report-final')}
      </Row>
      {report && (
        <Card size="small" title={t('report.timeliness')}>
          <Space size="large" wrap>
            <span>
              {t('rates.timelyAcceptance')}：
              <RateCell rate={report.timeliness.acceptance} testId="report-rate-acceptance" />
            </span>
            <span>
              {t('rates.onTimeCompletion')}：
              <RateCell rate={report.timeliness.handling} testId="report-rate-handling" />
            </span>
            <span>
              {t('rates.satisfaction')}：
              <RateCell rate={report.satisfaction.rate} testId="report-rate-satisfaction" />
            </span>
            <Typography.Text type="secondary">
              {t('report.ratings', {
                satisfied: report.satisfaction.satisfied,
                basically: report.satisfaction.basicallySatisfied,
                unsatisfied: report.satisfaction.unsatisfied,
              })}
            </Typography.Text>
          </Space>
        </Card>
      )}
      {report && (
        <Row gutter={[16, 16]}>
          {chart(
            t('report.byCategory'),
            bars(report.byCategory.map((c) => ({ label: labels.category(c.key), count: c.count }))),
            260,
          )}
          {chart(
            t('report.byChannel'),
            bars(report.byChannel.map((c) => ({ label: labels.channel(c.key), count: c.count }))),
            260,
          )}
          {chart(
            t('report.byRoute'),
            bars(report.byRoute.map((c) => ({ label: t(`report.routes.${c.key}`), count: c.count }))),
            260,
          )}
          {chart(t('report.reviewsChart'), reviewsOption(report), 260)}
          {chart(
            t('report.mostComplainedAbout'),
            bars(
              report.mostComplainedAbout.map((b) => ({ label: b.name, count: b.complainedAbout })),
              true,
            ),
            Math.max(200, 40 + report.mostComplainedAbout.length * 36),
          )}
          {chart(
            t('report.byIntake'),
            bars(report.byIntake.map((c) => ({ label: t(`report.intakes.${c.key}`), count: c.count }))),
            200,
          )}
        </Row>
      )}
      <Card size="small" title={t('report.bodies')}>
        <Table<Body>
          rowKey="code"
          size="small"
          loading={loading}
          dataSource={report?.bodies ?? []}
          data-testid="report-bodies"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: t('lists.department'), render: (_: unknown, b) => `${b.name}（${b.code}）` },
            { title: t('report.handled'), dataIndex: 'handled', align: 'right' },
            { title: t('report.finishedLate'), dataIndex: 'finishedLate', align: 'right' },
            { title: t('report.complaints'), dataIndex: 'complaints', align: 'right' },
            { title: t('report.reports'), dataIndex: 'reports', align: 'right' },
            { title: t('report.complainedAbout'), dataIndex: 'complainedAbout', align: 'right' },
          ]}
        />
      </Card>
      {report && (
        <Card size="small" title={t('report.reviewsChart')}>
          <Table
            rowKey="key"
            size="small"
            pagination={false}
            data-testid="report-reviews"
            dataSource={[
              reviewRow(t('report.reviews'), report.reviews),
              reviewRow(t('report.reReviews'), report.reReviews),
            ]}
            columns={[
              { title: t('report.procedure'), dataIndex: 'name' },
              { title: t('report.requested'), dataIndex: 'requested', align: 'right' },
              ...OUTCOMES.map((o) => ({
                title: t(`report.outcomes.${o}`),
                dataIndex: o,
                align: 'right' as const,
              })),
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
