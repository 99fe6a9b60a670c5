import { QuestionCircleOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Input,
  InputNumber,
  Select,
  Skeleton,
  Switch,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiFailure } from '../api';
import { useLabels } from '../format';
import type { ActionForm, ActionForms, Field, Petition } from '../types';

/** Credentials of the caller: a staff token, or the petitioner's access code. */
export interface Caller {
  token?: string;
  accessCode?: string;
}

function newKey(): string {
  return crypto.randomUUID();
}

/**
 * One input for a field of the definition (definitions/language/schema.ts `FieldSchema`). Form.Item injects `id`,
 * `value`/`checked` and `onChange`; they are passed on to the input.
 */
function FieldInput({ name, field, ...control }: { name: string; field: Field } & Record<string, unknown>) {
  const labels = useLabels();
  switch (field.type) {
    case 'text':
      return (
        <Input.TextArea
          {...control}
          autoSize={{ minRows: 3, maxRows: 10 }}
          maxLength={field.maxLength}
          showCount={!!field.maxLength}
        />
      );
    case 'integer':
      return (
        <InputNumber {...control} precision={0} min={field.min} max={field.max} style={{ width: 200 }} />
      );
    case 'boolean':
      return <Switch {...control} aria-label={labels.field(name)} />;
    case 'datetime':
      return <DatePicker {...control} showTime style={{ width: 260 }} />;
    case 'enum':
      return (
        <Select
          {...control}
          style={{ maxWidth: 400 }}
          options={(field.values ?? []).map((v) => ({ value: v, label: labels.value(v) }))}
        />
      );
    default:
      return <Input {...control} maxLength={field.maxLength} />;
  }
}

/** Turns the form's values into the action's input: datetimes as ISO instants, empty values left out. */
function toInput(fields: Record<string, Field>, values: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const v = values[name];
    if (v === undefined || v === null || v === '') continue;
    input[name] =
      field.type === 'datetime'
        ? (v as Dayjs).toISOString()
        : field.type === 'string' || field.type === 'text'
          ? String(v).trim()
          : v;
  }
  return input;
}

/** A form generated from an action's fields; a newly published action gets one without console code. */
export function GeneratedActionForm({
  petitionId,
  action,
  caller,
  onDone,
  extra,
}: {
  petitionId: string;
  action: ActionForm;
  caller: Caller;
  onDone: (petition: Petition) => void;
  extra?: ReactNode;
}) {
  const labels = useLabels();
  const { t } = labels;
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  // One key per intended action: a retry after a network failure is applied once.
  const [key, setKey] = useState(newKey);
  const submit = async (values: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const petitionPath = `/v1/petitions/${encodeURIComponent(petitionId)}`;
      await api<unknown>(`${petitionPath}/actions/${action.id}`, {
        method: 'POST',
        body: toInput(action.fields, values),
        token: caller.token,
        accessCode: caller.accessCode,
        headers: { 'idempotency-key': key },
      });
      void message.success(t('actions.done', { action: action.name }));
      form.resetFields();
      setKey(newKey());
      // The action answers with what changed; the page shows the whole petition, so it is read again.
      onDone(await api<Petition>(petitionPath, { token: caller.token, accessCode: caller.accessCode }));
    } catch (err) {
      const failure = err instanceof ApiFailure ? err : new ApiFailure(0, 'error', String(err));
      setError(failure);
      if (failure.status !== 0) setKey(newKey());
    } finally {
      setBusy(false);
    }
  };
  const entries = Object.entries(action.fields);
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={submit}
      name={`action-${action.id}`}
      data-testid={`action-form-${action.id}`}
      requiredMark="optional"
    >
      {extra}
      {entries.map(([name, field]) => (
        <Form.Item
          key={name}
          name={name}
          valuePropName={field.type === 'boolean' ? 'checked' : 'value'}
          label={
            <span>
              {labels.field(name)}
              {field.description && (
                <Tooltip title={field.description}>
                  <QuestionCircleOutlined className="field-help" aria-label={field.description} />
                </Tooltip>
              )}
            </span>
          }
          rules={[
            ...(field.required
              ? [{ required: true, message: t('actions.required', { field: labels.field(name) }) }]
              : []),
          ]}
        >
          <FieldInput name={name} field={field} />
        </Form.Item>
      ))}
      {entries.length === 0 && (
        <Typography.Paragraph type="secondary">{t('actions.noFields')}</Typography.Paragraph>
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          title={error.message}
          style={{ marginBottom: 12 }}
          data-testid="action-error"
        />
      )}
      <Button type="primary" htmlType="submit" loading={busy}>
        {action.name}
      </Button>
    </Form>
  );
}

/** Loads the action forms of a petition for the caller. */
export function useActionForms(petitionId: string, caller: Caller, version: unknown) {
  const [forms, setForms] = useState<ActionForms | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    setError(null);
    api<ActionForms>(`/v1/petitions/${encodeURIComponent(petitionId)}/action-forms`, {
      token: caller.token,
      accessCode: caller.accessCode,
    }).then(setForms, (err: unknown) => setError(err instanceof ApiFailure ? err.message : String(err)));
  }, [petitionId, caller.token, caller.accessCode]);
  useEffect(load, [load, version]);
  return { forms, error };
}

/** Every action the caller may take now, each as a generated form. */
export function ActionPanel({
  petitionId,
  caller,
  forms,
  error,
  onDone,
}: {
  petitionId: string;
  caller: Caller;
  forms: ActionForms | null;
  error: string | null;
  onDone: (petition: Petition) => void;
}) {
  const { t } = useLabels();
  if (error) return <Alert type="error" showIcon title={error} />;
  if (!forms) return <Skeleton active />;
  if (forms.actions.length === 0) return <Empty description={t('actions.none')} />;
  return (
    <div className="action-panel">
      {forms.actions.map((a) => (
        <Card key={a.id} size="small" title={a.name} className="action-card" data-testid={`action-${a.id}`}>
          {a.description && <Typography.Paragraph type="secondary">{a.description}</Typography.Paragraph>}
          <GeneratedActionForm petitionId={petitionId} action={a} caller={caller} onDone={onDone} />
        </Card>
      ))}
    </div>
  );
}
