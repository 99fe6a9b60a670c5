import { Alert, Descriptions, Empty, Space, Tabs, Tag, Timeline, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useLabels } from '../format';
import type { Petition } from '../types';
import { ActionPanel, useActionForms, type Caller } from './ActionPanel';
import { DeadlineLine } from './DeadlineLine';
import { Documents } from './Documents';
import { StatusTag } from './StatusTag';

function Person({ p }: { p: Petition['petitioner'] }) {
  return <span>{[p.name, p.phone, p.idNumber, p.address, p.email].filter(Boolean).join(' · ')}</span>;
}

/**
 * A petition as the caller may see it: status, step and holder; every deadline on its time line; the audit timeline;
 * the documents as printable pages; and the actions the caller may take now, as forms from the definition.
 */
export function PetitionDetails({
  petition,
  caller,
  onChange,
  initialTab = 'overview',
}: {
  petition: Petition;
  caller: Caller;
  onChange: (p: Petition) => void;
  initialTab?: 'overview' | 'actions' | 'timeline' | 'documents';
}) {
  const labels = useLabels();
  const { t } = labels;
  const [version, setVersion] = useState(0);
  const { forms, error: formsError } = useActionForms(petition.id, caller, version);
  const now = useMemo(() => Date.now(), [petition]);
  const holder = forms?.step.holder ?? petition.department;
  const assignee = forms?.step.assignee;
  const deadlines = [...petition.deadlines].sort(
    (a, b) => Date.parse(b.dueAt ?? b.closedAt ?? '') - Date.parse(a.dueAt ?? a.closedAt ?? '') || 0,
  );
  const open = deadlines.filter((d) => d.state === 'running' || d.state === 'paused' || d.overdue);
  const past = deadlines.filter((d) => !open.includes(d));

  const overview = (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} data-testid="petition-summary">
        <Descriptions.Item label={t('petition.status')}>
          <StatusTag tone={petition.status === 'open' ? 'info' : 'neutral'}>
            {t(`petition.statuses.${petition.status}`)}
          </StatusTag>
          {petition.outcome && <span>{labels.value(petition.outcome.outcome)}</span>}
        </Descriptions.Item>
        <Descriptions.Item label={t('petition.step')}>
          <span data-testid="petition-step">{labels.step(petition.step, petition.stepName)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('petition.holder')}>
          {petition.status === 'closed'
            ? '—'
            : `${labels.assignee(assignee)}${holder ? ` · ${labels.department(holder)}` : ''}`}
        </Descriptions.Item>
        <Descriptions.Item label={t('petition.receivedAt')}>
          {labels.dateTime(petition.receivedAt)}
        </Descriptions.Item>
        <Descriptions.Item label={t('petition.category')}>
          {labels.category(petition.category)}
        </Descriptions.Item>
        <Descriptions.Item label={t('petition.channel')}>
          {labels.channel(petition.channel)}
        </Descriptions.Item>
        <Descriptions.Item label={t('petition.subject')} span={2}>
          {petition.subject}
        </Descriptions.Item>
        <Descriptions.Item label={t('petition.content')} span={2}>
          <div className="pre-wrap">{petition.content}</div>
        </Descriptions.Item>
        <Descriptions.Item label={t('petition.petitioner')} span={2}>
          <Person p={petition.petitioner} />
          {petition.identityMasked && <Tag style={{ marginLeft: 8 }}>{t('petition.masked')}</Tag>}
        </Descriptions.Item>
        {petition.representatives.length > 0 && (
          <Descriptions.Item label={t('petition.representatives')} span={2}>
            {petition.representatives.map((r, i) => (
              <div key={i}>
                <Person p={r} />
              </div>
            ))}
          </Descriptions.Item>
        )}
        {petition.attachments.length > 0 && (
          <Descriptions.Item label={t('petition.attachments')} span={2}>
            {petition.attachments.map((a) => (
              <div key={a.ref}>
                {a.name} <Typography.Text code>{a.ref}</Typography.Text>
              </div>
            ))}
          </Descriptions.Item>
        )}
        {forms && (
          <Descriptions.Item label={t('petition.definition')} span={2}>
            {forms.definition.name} （{forms.definition.id}@{forms.definition.version}）
          </Descriptions.Item>
        )}
      </Descriptions>
      {petition.supervision.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('petition.supervised', { count: petition.supervision.length })}
          description={petition.supervision.map((s) => (
            <div key={s.seq}>
              {labels.dateTime(s.issuedAt)} · {s.reason} · {t('petition.answerDays', { days: s.answerDays })}
            </div>
          ))}
        />
      )}
      <section aria-labelledby="deadlines-heading">
        <Typography.Title level={2} id="deadlines-heading" className="section-title">
          {t('petition.deadlines')}
        </Typography.Title>
        {deadlines.length === 0 && <Empty description={t('petition.noDeadlines')} />}
        {open.map((d) => (
          <DeadlineLine key={d.key} deadline={d} timeline={petition.timeline} now={now} />
        ))}
        {past.map((d) => (
          <DeadlineLine key={d.key} deadline={d} timeline={petition.timeline} now={now} />
        ))}
      </section>
    </Space>
  );

  const audit = (
    <Timeline
      className="audit-timeline"
      items={[...petition.timeline].reverse().map((e) => ({
        key: e.seq,
        color:
          e.type === 'deadline-missed' || e.type === 'escalated'
            ? 'red'
            : e.type === 'action'
              ? 'blue'
              : 'gray',
        content: (
          <div>
            <Typography.Text strong>{labels.timelineType(e.type)}</Typography.Text>{' '}
            <Typography.Text type="secondary">
              {labels.dateTime(e.at)}
              {e.actor &&
                ` · ${labels.role(e.actor.role)}${e.actor.department ? ` ${e.actor.department}` : ''}`}
            </Typography.Text>
            <div>{e.message}</div>
          </div>
        ),
      }))}
    />
  );

  return (
    <Tabs
      defaultActiveKey={initialTab}
      items={[
        { key: 'overview', label: t('petition.tabs.overview'), children: overview },
        {
          key: 'actions',
          label: `${t('petition.tabs.actions')}${forms ? ` (${forms.actions.length})` : ''}`,
          children: (
            <ActionPanel
              petitionId={petition.id}
              caller={caller}
              forms={forms}
              error={formsError}
              onDone={(p) => {
                onChange(p);
                setVersion((v) => v + 1);
              }}
            />
          ),
        },
        { key: 'timeline', label: t('petition.tabs.timeline'), children: audit },
        {
          key: 'documents',
          label: `${t('petition.tabs.documents')} (${petition.documents.length})`,
          children: <Documents petition={petition} />,
        },
      ]}
    />
  );
}
