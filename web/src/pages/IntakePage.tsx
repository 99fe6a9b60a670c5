import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  List,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiFailure } from '../api';
import { useLabels } from '../format';
import { useStaff } from '../session';
import { CATEGORIES, CHANNELS, type Department, type Petition } from '../types';

/** Art. 20: a group petition elects at most five representatives. */
const MAX_REPRESENTATIVES = 5;

interface IntakeValues {
  channel: string;
  category: string;
  petitioner: { name: string; address?: string; phone?: string; idNumber?: string; email?: string };
  subject: string;
  content: string;
  receivedAt?: Dayjs;
  department?: string;
  concerns?: string;
  representatives?: Array<{ name: string; phone?: string; idNumber?: string }>;
  attachments?: Array<{ name: string; ref: string }>;
  definition?: string;
}

interface Related {
  id: string;
  step?: string;
  status?: string;
  outcome?: string | null;
  final?: boolean;
}

type RelatedState =
  { kind: 'unknown' } | { kind: 'unsupported' } | { kind: 'found'; items: Related[]; key: string };

function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(
    Object.entries(o)
      .map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v])
      .filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as T;
}

/** The registration body of `POST /v1/petitions` from the form (api/schemas/petitions.ts `registerPetitionBody`). */
function bodyOf(v: IntakeValues, sameMatterAs: string | null): Record<string, unknown> {
  const reps = (v.representatives ?? []).map((r) => compact(r)).filter((r) => r.name);
  const attachments = (v.attachments ?? []).map((a) => compact(a)).filter((a) => a.name && a.ref);
  return compact({
    channel: v.channel,
    category: v.category,
    petitioner: compact(v.petitioner),
    subject: v.subject,
    content: v.content,
    receivedAt: v.receivedAt ? v.receivedAt.toISOString() : undefined,
    department: v.department,
    concerns: v.category === 'report' ? v.concerns : undefined,
    representatives: reps.length ? reps : undefined,
    attachments: attachments.length ? attachments : undefined,
    definition: v.definition,
    sameMatterAs: sameMatterAs ?? undefined,
  });
}

/** The receipt (回执) with the access code, shown this once; printable. */
function Receipt({ petition, onNext }: { petition: Petition; onNext: () => void }) {
  const labels = useLabels();
  const { t } = labels;
  const first = petition.deadlines.find((d) => d.state === 'running');
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Alert type="warning" showIcon title={t('intake.codeOnce')} className="no-print" />
      <article
        className="paper receipt print-area"
        aria-label={t('intake.receiptTitle')}
        data-testid="receipt"
      >
        <Typography.Title level={2} className="paper-title">
          {t('intake.receiptTitle')}
        </Typography.Title>
        <Descriptions bordered size="small" column={1}>
          <Descriptions.Item label={t('intake.petitionId')}>
            <strong className="petition-id" data-testid="receipt-id">
              {petition.id}
            </strong>
          </Descriptions.Item>
          <Descriptions.Item label={t('track.accessCode')}>
            <strong className="access-code" data-testid="receipt-code">
              {petition.accessCode}
            </strong>
          </Descriptions.Item>
          <Descriptions.Item label={t('petition.petitioner')}>{petition.petitioner.name}</Descriptions.Item>
          <Descriptions.Item label={t('petition.subject')}>{petition.subject}</Descriptions.Item>
          <Descriptions.Item label={t('petition.receivedAt')}>
            {labels.dateTime(petition.receivedAt)}
          </Descriptions.Item>
          <Descriptions.Item label={t('petition.step')}>
            {labels.step(petition.step, petition.stepName)}
          </Descriptions.Item>
          {first && (
            <Descriptions.Item label={first.name}>
              {first.lastDay ?? labels.date(first.dueAt)}（{first.article}）
            </Descriptions.Item>
          )}
        </Descriptions>
        <Typography.Paragraph className="receipt-note">
          {t('intake.receiptNote', { url: `${location.origin}/console/track` })}
        </Typography.Paragraph>
      </article>
      <Space className="no-print">
        <Button type="primary" onClick={() => window.print()}>
          {t('intake.printReceipt')}
        </Button>
        <Link to={`/petitions/${petition.id}`}>{t('intake.openPetition')}</Link>
        <Button onClick={onNext}>{t('intake.next')}</Button>
      </Space>
    </Space>
  );
}

/** Registration (registrar): every field of registration, representatives, attachments by reference. */
export default function IntakePage() {
  const labels = useLabels();
  const { t } = labels;
  const session = useStaff();
  const [form] = Form.useForm<IntakeValues>();
  const category = Form.useWatch('category', form);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [related, setRelated] = useState<RelatedState>({ kind: 'unknown' });
  // The earlier petition this one is registered as the same matter as (Arts. 19, 36 ¶3), picked from the related list.
  const [sameAs, setSameAs] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<Petition | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per registration being entered: a retry after a lost answer registers it once.
  const [key, setKey] = useState(() => crypto.randomUUID());

  useEffect(() => {
    api<{ items: Department[] }>('/v1/departments', { token: session.token }).then(
      (r) => setDepartments(r.items),
      () => setDepartments([]),
    );
  }, [session.token]);

  const personKey = (p: IntakeValues['petitioner']) => JSON.stringify([p.name, p.phone, p.idNumber]);

  /** Issue 12's `POST /v1/petitions/related`; a server without it answers 404 and registration goes on. */
  const lookUpRelated = async (p: IntakeValues['petitioner']): Promise<RelatedState> => {
    if (related.kind === 'unsupported') return related;
    try {
      const res = await api<{ related: Related[] }>('/v1/petitions/related', {
        method: 'POST',
        token: session.token,
        body: { petitioner: compact(p) },
      });
      const state: RelatedState = { kind: 'found', items: res.related, key: personKey(p) };
      setRelated(state);
      setSameAs(null);
      return state;
    } catch {
      // Not offered by the server (404), or failing: registration never depends on it.
      const state: RelatedState = { kind: 'unsupported' };
      setRelated(state);
      return state;
    }
  };

  const submit = async (values: IntakeValues) => {
    setBusy(true);
    setError(null);
    try {
      // The same petitioner's other petitions are shown before saving; a second click registers.
      if (
        related.kind !== 'unsupported' &&
        (related.kind !== 'found' || related.key !== personKey(values.petitioner))
      ) {
        const found = await lookUpRelated(values.petitioner);
        if (found.kind === 'found' && found.items.length > 0) return;
      }
      const res = await api<Petition>('/v1/petitions', {
        method: 'POST',
        token: session.token,
        body: bodyOf(values, related.kind === 'found' ? sameAs : null),
        headers: { 'idempotency-key': key },
      });
      setReceipt(res);
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  if (receipt) {
    return (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Title level={1} className="page-title no-print">
          {t('intake.registered')}
        </Typography.Title>
        <Receipt
          petition={receipt}
          onNext={() => {
            setReceipt(null);
            setRelated({ kind: 'unknown' });
            setSameAs(null);
            setKey(crypto.randomUUID());
            form.resetFields();
          }}
        />
      </Space>
    );
  }

  const deptOptions = departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }));
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} className="page-title">
        {t('nav.intake')}
      </Typography.Title>
      <Form<IntakeValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        requiredMark="optional"
        initialValues={{ channel: 'visit', category: 'complaint' }}
        name="intake"
      >
        <Card size="small" title={t('intake.matter')}>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="channel" label={t('petition.channel')} rules={[{ required: true }]}>
                <Select options={CHANNELS.map((c) => ({ value: c, label: labels.channel(c) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="category" label={t('petition.category')} rules={[{ required: true }]}>
                <Select options={CATEGORIES.map((c) => ({ value: c, label: labels.category(c) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name="receivedAt"
                label={t('petition.receivedAt')}
                extra={t('intake.receivedAtHint')}
              >
                <DatePicker
                  showTime
                  style={{ width: '100%' }}
                  disabledDate={(d) => d.isAfter(dayjs().endOf('day'))}
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="subject"
            label={t('petition.subject')}
            rules={[{ required: true, whitespace: true, max: 200 }]}
          >
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item
            name="content"
            label={t('petition.content')}
            rules={[{ required: true, whitespace: true, max: 20000 }]}
          >
            <Input.TextArea autoSize={{ minRows: 4, maxRows: 12 }} maxLength={20000} />
          </Form.Item>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name="department" label={t('intake.department')} extra={t('intake.departmentHint')}>
                <Select allowClear showSearch optionFilterProp="label" options={deptOptions} />
              </Form.Item>
            </Col>
            {category === 'report' && (
              <Col xs={24} md={12}>
                <Form.Item name="concerns" label={t('intake.concerns')} extra={t('intake.concernsHint')}>
                  <Select allowClear showSearch optionFilterProp="label" options={deptOptions} />
                </Form.Item>
              </Col>
            )}
          </Row>
        </Card>
        <Card size="small" title={t('petition.petitioner')} style={{ marginTop: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item
                name={['petitioner', 'name']}
                label={t('intake.name')}
                rules={[{ required: true, whitespace: true, max: 100 }]}
              >
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name={['petitioner', 'phone']} label={t('intake.phone')}>
                <Input maxLength={40} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name={['petitioner', 'idNumber']} label={t('intake.idNumber')}>
                <Input maxLength={40} />
              </Form.Item>
            </Col>
            <Col xs={24} md={16}>
              <Form.Item name={['petitioner', 'address']} label={t('intake.address')}>
                <Input maxLength={500} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name={['petitioner', 'email']} label={t('intake.email')} rules={[{ type: 'email' }]}>
                <Input maxLength={254} />
              </Form.Item>
            </Col>
          </Row>
          {related.kind === 'found' && (
            <Alert
              type={related.items.length ? 'warning' : 'success'}
              showIcon
              title={
                related.items.length
                  ? t('intake.relatedFound', { n: related.items.length })
                  : t('intake.relatedNone')
              }
              description={
                related.items.length > 0 && (
                  <List
                    size="small"
                    dataSource={related.items}
                    renderItem={(r) => (
                      <List.Item>
                        <Link to={`/petitions/${r.id}`} target="_blank">
                          {r.id}
                        </Link>{' '}
                        {labels.step(r.step)}{' '}
                        {r.status && t(`petition.statuses.${r.status}`, { defaultValue: r.status })}{' '}
                        {r.outcome && labels.value(r.outcome)} {r.final && t('intake.final')}{' '}
                        <Button
                          size="small"
                          type={sameAs === r.id ? 'primary' : 'default'}
                          aria-pressed={sameAs === r.id}
                          onClick={() => setSameAs(sameAs === r.id ? null : r.id)}
                          data-testid={`same-matter-${r.id}`}
                        >
                          {t('intake.sameMatter')}
                        </Button>
                      </List.Item>
                    )}
                  />
                )
              }
              data-testid="related"
            />
          )}
          {related.kind === 'found' && sameAs && (
            <Alert
              type="info"
              showIcon
              style={{ marginTop: 8 }}
              title={t('intake.sameMatterChosen', { id: sameAs })}
              data-testid="same-matter-chosen"
            />
          )}
          {related.kind === 'unsupported' && (
            <Alert
              type="info"
              showIcon
              title={t('intake.relatedUnsupported')}
              data-testid="related-unsupported"
            />
          )}
        </Card>
        <Card
          size="small"
          title={t('petition.representatives')}
          style={{ marginTop: 16 }}
          extra={t('intake.representativesHint')}
        >
          <Form.List name="representatives">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" wrap>
                    <Form.Item
                      name={[f.name, 'name']}
                      label={t('intake.name')}
                      rules={[{ required: true, whitespace: true }]}
                    >
                      <Input maxLength={100} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'phone']} label={t('intake.phone')}>
                      <Input maxLength={40} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'idNumber']} label={t('intake.idNumber')}>
                      <Input maxLength={40} />
                    </Form.Item>
                    <Button
                      icon={<MinusCircleOutlined />}
                      onClick={() => remove(f.name)}
                      aria-label={t('intake.remove')}
                    />
                  </Space>
                ))}
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add()}
                  disabled={fields.length >= MAX_REPRESENTATIVES}
                >
                  {t('intake.addRepresentative')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
        <Card
          size="small"
          title={t('petition.attachments')}
          style={{ marginTop: 16 }}
          extra={t('intake.attachmentsHint')}
        >
          <Form.List name="attachments">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" wrap>
                    <Form.Item
                      name={[f.name, 'name']}
                      label={t('intake.attachmentName')}
                      rules={[{ required: true, whitespace: true }]}
                    >
                      <Input maxLength={255} />
                    </Form.Item>
                    <Form.Item
                      name={[f.name, 'ref']}
                      label={t('intake.attachmentRef')}
                      rules={[{ required: true, whitespace: true }]}
                    >
                      <Input maxLength={500} style={{ width: 320 }} />
                    </Form.Item>
                    <Button
                      icon={<MinusCircleOutlined />}
                      onClick={() => remove(f.name)}
                      aria-label={t('intake.remove')}
                    />
                  </Space>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add()} disabled={fields.length >= 50}>
                  {t('intake.addAttachment')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
        <Card size="small" style={{ marginTop: 16 }}>
          <Form.Item name="definition" label={t('intake.definition')} extra={t('intake.definitionHint')}>
            <Input placeholder="petition-2022@1" style={{ maxWidth: 300 }} />
          </Form.Item>
          {error && (
            <Alert
              type="error"
              showIcon
              title={error}
              style={{ marginBottom: 12 }}
              data-testid="intake-error"
            />
          )}
          <Space>
            <Button type="primary" htmlType="submit" loading={busy}>
              {related.kind === 'found' && sameAs
                ? t('intake.registerSameMatter')
                : related.kind === 'found' && related.items.length > 0
                  ? t('intake.registerAnyway')
                  : t('intake.register')}
            </Button>
          </Space>
        </Card>
      </Form>
    </Space>
  );
}
