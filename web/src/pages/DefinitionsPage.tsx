import { Alert, Collapse, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiFailure } from '../api';
import { useLabels } from '../format';
import { useStaff } from '../session';
import type { Field } from '../types';

interface Summary {
  id: string;
  version: number;
  hash: string;
  name: string;
  publishedAt: string;
}

interface ActionDef {
  id: string;
  name: string;
  roles: string[];
  fields?: Record<string, Field>;
}

interface Published extends Summary {
  definition: {
    elements: Array<{ id: string; type: string; name?: string; actions?: ActionDef[] }>;
    globalActions?: ActionDef[];
  };
}

function Actions({ actions }: { actions: ActionDef[] }) {
  const labels = useLabels();
  return (
    <Table<ActionDef>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={actions}
      columns={[
        { title: labels.t('definitions.action'), render: (_: unknown, a) => `${a.name}（${a.id}）` },
        {
          title: labels.t('definitions.roles'),
          render: (_: unknown, a) => a.roles.map((r) => <Tag key={r}>{labels.role(r)}</Tag>),
        },
        {
          title: labels.t('definitions.fields'),
          render: (_: unknown, a) =>
            Object.entries(a.fields ?? {}).map(([name, f]) => (
              <Tag key={name}>
                {name}: {f.type}
                {f.required ? ' *' : ''}
              </Tag>
            )),
        },
      ]}
    />
  );
}

/** The published definitions (designers): versions, user tasks and the actions with their fields. */
export default function DefinitionsPage() {
  const labels = useLabels();
  const { t } = labels;
  const session = useStaff();
  const [items, setItems] = useState<Published[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    (async () => {
      const { items } = await api<{ items: Summary[] }>('/v1/definitions', { token: session.token });
      setItems(
        await Promise.all(
          items.map((s) =>
            api<Published>(`/v1/definitions/${s.id}?version=${s.version}`, { token: session.token }),
          ),
        ),
      );
    })().catch((err: unknown) => setError(err instanceof ApiFailure ? err.message : String(err)));
  }, [session.token]);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} className="page-title">
        {t('nav.definitions')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('definitions.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} />}
      <Collapse
        items={(items ?? []).map((d) => ({
          key: `${d.id}@${d.version}`,
          label: `${d.name} — ${d.id}@${d.version}`,
          children: (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Descriptions size="small" column={2}>
                <Descriptions.Item label={t('definitions.publishedAt')}>
                  {labels.dateTime(d.publishedAt)}
                </Descriptions.Item>
                <Descriptions.Item label={t('definitions.hash')}>
                  <Typography.Text code>{d.hash.slice(0, 16)}</Typography.Text>
                </Descriptions.Item>
              </Descriptions>
              {d.definition.elements
                .filter((e) => e.type === 'userTask')
                .map((e) => (
                  <div key={e.id}>
                    <Typography.Title level={3} className="section-title">
                      {e.name ?? e.id}（{e.id}）
                    </Typography.Title>
                    <Actions actions={e.actions ?? []} />
                  </div>
                ))}
              <Typography.Title level={3} className="section-title">
                {t('definitions.global')}
              </Typography.Title>
              <Actions actions={d.definition.globalActions ?? []} />
            </Space>
          ),
        }))}
      />
    </Space>
  );
}
