/**
 * A dry run of the draft from the editor (`POST /v1/definitions/simulate` with the diagram as its source): the
 * registration instant and facts, a few actions at their instants, and the answer as the token's path and a table of
 * every deadline with its due date, article and explanation — the dates a change produces, before it is published.
 * Instants are typed in Beijing time (`YYYY-MM-DD HH:mm`), as the console shows every time.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiFailure } from '../api';
import { StatusTag } from '../components/StatusTag';
import { useLabels } from '../format';
import { service, type EditorModeler } from './modeler';
import type { PublishedModel, SimDeadline, Simulation } from './types';

interface ActionRow {
  action?: string;
  at?: string;
  input?: string;
}

interface DryRunValues {
  start: string;
  category?: string;
  channel?: string;
  department?: string;
  actions?: ActionRow[];
}

const LOCAL = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$/;

/** `2026-09-20 09:00` (Beijing time) → `2026-09-20T09:00:00+08:00`; undefined when it is not such a time. */
export function beijingInstant(value: string | undefined): string | undefined {
  const m = LOCAL.exec((value ?? '').trim());
  if (!m) return undefined;
  const iso = `${m[1]}T${m[2]}:00+08:00`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** Now in Beijing time, as the form's fields write it. */
function nowLocal(): string {
  const d = new Date(Date.now() + 8 * 3_600_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
}

type FieldDef = NonNullable<NonNullable<PublishedModel['globalActions']>[number]['fields']>[string];

/** A JSON skeleton of an action's required fields, for the designer to fill in. */
function skeleton(fields: Record<string, FieldDef> | undefined): string {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(fields ?? {})) {
    if (!f.required) continue;
    out[name] =
      f.type === 'enum'
        ? (f.values?.[0] ?? '')
        : f.type === 'integer'
          ? (f.min ?? 1)
          : f.type === 'boolean'
            ? false
            : '';
  }
  return Object.keys(out).length > 0 ? JSON.stringify(out) : '';
}

export function DryRunPanel({
  modeler,
  model,
  token,
}: {
  modeler: EditorModeler;
  /** The published version (its registration vocabulary and actions are what the form offers). */
  model: PublishedModel | null;
  token: string;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const [form] = Form.useForm<DryRunValues>();
  const [result, setResult] = useState<Simulation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const actions = new Map<string, { name: string; fields?: Record<string, FieldDef> }>();
  for (const e of model?.elements ?? [])
    for (const a of e.actions ?? []) if (!actions.has(a.id)) actions.set(a.id, a);
  for (const a of model?.globalActions ?? []) if (!actions.has(a.id)) actions.set(a.id, a);
  const vocabulary = (o: Record<string, { name: string }> | undefined) =>
    Object.entries(o ?? {}).map(([value, v]) => ({ value, label: `${v.name}（${value}）` }));

  const run = async (values: DryRunValues) => {
    setBusy(true);
    setError(null);
    try {
      const { xml } = await modeler.saveXML({ format: false });
      const body = {
        definition: { source: xml, format: 'bpmn' },
        start: beijingInstant(values.start),
        petition: {
          ...(values.category && { category: values.category }),
          ...(values.channel && { channel: values.channel }),
          ...(values.department?.trim() && { department: values.department.trim() }),
        },
        actions: (values.actions ?? []).map((a, i) => {
          let input: unknown = undefined;
          if (a.input?.trim()) {
            try {
              input = JSON.parse(a.input);
            } catch {
              throw new ApiFailure(400, 'input', t('editor.dryRun.badInput', { n: i + 1 }));
            }
          }
          return { action: a.action, at: beijingInstant(a.at), ...(input !== undefined && { input }) };
        }),
      };
      setResult(await api<Simulation>('/v1/definitions/simulate', { method: 'POST', token, body }));
    } catch (err) {
      setResult(null);
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const instantRule = {
    validator: async (_: unknown, v: string) => {
      if (!beijingInstant(v)) throw new Error(t('editor.dryRun.instantFormat'));
    },
  };
  const stepName = (id: string) => {
    const bo = service(modeler, 'elementRegistry').get(id)?.businessObject;
    return bo?.name ?? id;
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="editor-dry-run">
      <Form<DryRunValues>
        form={form}
        layout="vertical"
        size="small"
        initialValues={{ start: nowLocal(), actions: [] }}
        onFinish={(v) => void run(v)}
      >
        <Space wrap align="start">
          <Form.Item name="start" label={t('editor.dryRun.start')} rules={[instantRule]}>
            <Input
              aria-label={t('editor.dryRun.start')}
              placeholder="2026-09-20 09:00"
              style={{ width: 170 }}
            />
          </Form.Item>
          <Form.Item name="category" label={t('editor.dryRun.category')}>
            <Select
              aria-label={t('editor.dryRun.category')}
              allowClear
              options={vocabulary(model?.registration?.categories)}
              style={{ width: 180 }}
            />
          </Form.Item>
          <Form.Item name="channel" label={t('editor.dryRun.channel')}>
            <Select
              aria-label={t('editor.dryRun.channel')}
              allowClear
              options={vocabulary(model?.registration?.channels)}
              style={{ width: 160 }}
            />
          </Form.Item>
          <Form.Item
            name="department"
            label={t('editor.dryRun.department')}
            extra={t('editor.dryRun.departmentHint')}
          >
            <Input aria-label={t('editor.dryRun.department')} style={{ width: 160 }} />
          </Form.Item>
        </Space>
        <Form.List name="actions">
          {(rows, { add, remove }) => (
            <>
              {rows.map((row, i) => (
                <Space key={row.key} wrap align="start" data-testid={`dry-run-action-${i}`}>
                  <Form.Item
                    name={[row.name, 'action']}
                    rules={[{ required: true, message: t('editor.dryRun.pickAction') }]}
                  >
                    <Select
                      aria-label={t('editor.dryRun.action', { n: i + 1 })}
                      showSearch
                      placeholder={t('editor.dryRun.action', { n: i + 1 })}
                      style={{ width: 220 }}
                      options={[...actions].map(([id, a]) => ({ value: id, label: `${a.name}（${id}）` }))}
                      onChange={(id: string) =>
                        form.setFieldValue(['actions', row.name, 'input'], skeleton(actions.get(id)?.fields))
                      }
                    />
                  </Form.Item>
                  <Form.Item name={[row.name, 'at']} rules={[instantRule]}>
                    <Input
                      aria-label={t('editor.dryRun.at', { n: i + 1 })}
                      placeholder="2026-09-25 10:00"
                      style={{ width: 160 }}
                    />
                  </Form.Item>
                  <Form.Item name={[row.name, 'input']}>
                    <Input
                      aria-label={t('editor.dryRun.input', { n: i + 1 })}
                      placeholder='{"reason":"…"}'
                      style={{ width: 320 }}
                    />
                  </Form.Item>
                  <Button
                    aria-label={t('editor.dryRun.remove', { n: i + 1 })}
                    icon={<DeleteOutlined />}
                    onClick={() => remove(row.name)}
                  />
                </Space>
              ))}
              <Space>
                <Button icon={<PlusOutlined />} onClick={() => add({ at: form.getFieldValue('start') })}>
                  {t('editor.dryRun.addAction')}
                </Button>
                <Button type="primary" htmlType="submit" loading={busy}>
                  {t('editor.dryRun.run')}
                </Button>
              </Space>
            </>
          )}
        </Form.List>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
      {result && (
        <Card size="small" data-testid="dry-run-result">
          {result.refused && (
            <Alert
              type="warning"
              showIcon
              title={t('editor.dryRun.refused', {
                n: result.refused.index + 1,
                action: result.refused.action,
                step: stepName(result.refused.step),
              })}
              description={`${result.refused.type}: ${result.refused.message}`}
              style={{ marginBottom: 8 }}
            />
          )}
          {result.failed && (
            <Alert
              type="error"
              showIcon
              title={t('editor.dryRun.failed')}
              description={result.failed.message}
              style={{ marginBottom: 8 }}
            />
          )}
          <Descriptions size="small" column={3}>
            <Descriptions.Item label={t('editor.dryRun.endStatus')}>
              {result.end.status === 'closed' ? t('editor.dryRun.closed') : t('editor.dryRun.open')}
            </Descriptions.Item>
            <Descriptions.Item label={t('editor.dryRun.endStep')}>{result.end.stepName}</Descriptions.Item>
            <Descriptions.Item label={t('editor.dryRun.outcome')}>
              {result.end.outcome
                ? `${result.end.outcome.outcome}${result.end.outcome.final ? ` · ${t('editor.dryRun.final')}` : ''}`
                : '—'}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={4} className="section-title">
            {t('editor.dryRun.deadlines')}
          </Typography.Title>
          <Table<SimDeadline>
            size="small"
            pagination={false}
            rowKey="key"
            data-testid="dry-run-deadlines"
            dataSource={result.deadlines}
            expandable={{ expandedRowRender: (d) => <Typography.Text>{d.explanation}</Typography.Text> }}
            columns={[
              { title: t('editor.dryRun.deadline'), render: (_: unknown, d) => `${d.name}（${d.id}）` },
              { title: t('editor.dryRun.step'), render: (_: unknown, d) => stepName(d.step) },
              {
                title: t('editor.dryRun.period'),
                render: (_: unknown, d) =>
                  `${d.duration + d.extendedDays} ${t(`editor.countings.${d.counting}`)}`,
              },
              { title: t('editor.dryRun.from'), render: (_: unknown, d) => labels.dateTime(d.from) },
              {
                title: t('editor.dryRun.due'),
                render: (_: unknown, d) => (
                  <span data-testid={`due-${d.id}`}>
                    {labels.due(d.dueAt)}
                    {d.provisional && <StatusTag tone="warning">{t('editor.dryRun.provisional')}</StatusTag>}
                  </span>
                ),
              },
              { title: t('editor.dryRun.state'), render: (_: unknown, d) => labels.deadlineState(d.state) },
              { title: t('editor.dryRun.article'), dataIndex: 'article' },
            ]}
          />
          <Typography.Title level={4} className="section-title">
            {t('editor.dryRun.path')}
          </Typography.Title>
          <Table
            size="small"
            pagination={false}
            rowKey={(s) => `${s.at}:${s.element}`}
            dataSource={result.steps}
            columns={[
              {
                title: t('editor.dryRun.when'),
                render: (_: unknown, s: Simulation['steps'][number]) => labels.dateTime(s.at),
              },
              {
                title: t('editor.dryRun.step'),
                render: (_: unknown, s: Simulation['steps'][number]) => `${s.name}（${s.element}）`,
              },
              {
                title: t('editor.dryRun.cause'),
                render: (_: unknown, s: Simulation['steps'][number]) =>
                  t(`editor.dryRun.causes.${s.cause.kind}`, {
                    action: s.cause.action ?? '',
                    element: s.cause.element ?? '',
                  }),
              },
            ]}
          />
          {result.happenings.length > 0 && (
            <>
              <Typography.Title level={4} className="section-title">
                {t('editor.dryRun.happenings')}
              </Typography.Title>
              <ul className="editor-happenings">
                {result.happenings.map((h) => (
                  <li key={h.seq}>
                    {labels.dateTime(h.at)} · {h.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>
      )}
    </Space>
  );
}
