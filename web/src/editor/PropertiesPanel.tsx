/**
 * The properties of the selected element, as an Ant Design form bound to its business object: every edit is a
 * bpmn-js command (undoable, and it triggers validation like any change on the diagram). It covers the `pe:`
 * extensions a designer changes most — deadlines (duration, counting, start, warnings, expiry, article), actions
 * (roles, fields), service tasks (activity, document), end events, conditions — and leaves the rest (guards, `set`,
 * effects) as they are in the file.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Checkbox,
  Collapse,
  Empty,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import {
  addExtension,
  extensionsOf,
  processOf,
  removeFrom,
  service,
  setTimerDays,
  timerDays,
  tokens,
  type DiagramElement,
  type EditorModeler,
  type ModdleElement,
} from './modeler';

const ASSIGNEES = ['bureau', 'department', 'superior', 'superior-of-superior', 'petitioner'];
const COUNTINGS = ['calendar-days', 'working-days'];
const EXPIRIES = ['overdue', 'follow', 'lapse'];
const METRICS = ['acceptance', 'completion'];
const ACTIVITIES = ['notice', 'delivery', 'escalation', 'archive'];
const RECIPIENTS = ['petitioner', 'department', 'supervisor'];
const FIELD_TYPES = ['string', 'text', 'integer', 'boolean', 'datetime', 'enum'];

interface PanelProps {
  modeler: EditorModeler;
  element: DiagramElement;
  /**
   * Bumped when the business object changed under the panel (undo, redo, a draft loaded): its inputs are uncontrolled,
   * so the panel is built again from the business object (not on every edit, which would take the focus away).
   */
  revision: number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const options = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));

/** What the process declares, for the panels' choices. */
function declared(modeler: EditorModeler) {
  const process = processOf(modeler);
  return {
    roles: tokens(process.get('pe:roles')),
    documents: extensionsOf(process, 'pe:Document').map((d) => str(d.get('id'))),
    datetimeVariables: extensionsOf(process, 'pe:Variable')
      .filter((v) => v.get('type') === 'datetime')
      .map((v) => str(v.get('name'))),
  };
}

export function PropertiesPanel({ modeler, element, revision }: PanelProps) {
  const { t } = useTranslation();
  const bo = element.businessObject;
  const modeling = service(modeler, 'modeling');
  const set = (props: Record<string, unknown>) => modeling.updateProperties(element, props);
  const kind = bo.$type.replace(/^bpmn:/, '');
  const deadline = kind === 'BoundaryEvent' ? extensionsOf(bo, 'pe:Deadline')[0] : undefined;
  return (
    <Card
      size="small"
      title={`${t(`editor.types.${kind}`, { defaultValue: kind })} · ${bo.id ?? ''}`}
      className="editor-properties"
      data-testid="editor-properties"
      key={`${element.id}:${revision}`}
    >
      <Form layout="vertical" size="small">
        {kind === 'Process' ? (
          <ProcessProps modeler={modeler} element={element} />
        ) : (
          <Form.Item label={t('editor.props.name')}>
            <Input
              aria-label={t('editor.props.name')}
              defaultValue={str(bo.name)}
              onBlur={(e) => e.target.value !== str(bo.name) && set({ name: e.target.value || undefined })}
            />
          </Form.Item>
        )}
        {kind === 'UserTask' && <UserTaskProps modeler={modeler} element={element} />}
        {kind === 'ServiceTask' && <ServiceTaskProps modeler={modeler} element={element} />}
        {kind === 'EndEvent' && (
          <>
            <Form.Item label={t('editor.props.outcome')}>
              <Input
                aria-label={t('editor.props.outcome')}
                defaultValue={str(bo.get('pe:outcome'))}
                onBlur={(e) => set({ 'pe:outcome': e.target.value || undefined })}
              />
            </Form.Item>
            <Checkbox
              defaultChecked={bo.get('pe:final') === true}
              onChange={(e) => set({ 'pe:final': e.target.checked || undefined })}
            >
              {t('editor.props.final')}
            </Checkbox>
          </>
        )}
        {kind === 'SequenceFlow' && <FlowProps modeler={modeler} element={element} />}
        {kind === 'BoundaryEvent' &&
          (deadline ? (
            <DeadlineProps modeler={modeler} element={element} deadline={deadline} />
          ) : (
            <Button
              icon={<PlusOutlined />}
              onClick={() => {
                const created = service(modeler, 'moddle').create('pe:Deadline', {
                  id: (bo.id ?? 'deadline').replace(/^.*__deadline__/, ''),
                  article: '',
                  counting: 'calendar-days',
                  from: 'entered',
                });
                const onExpiry = service(modeler, 'moddle').create('pe:OnExpiry', { kind: 'overdue' });
                onExpiry.$parent = created;
                created.set('onExpiry', onExpiry);
                addExtension(modeler, element, created);
                if (timerDays(bo).raw === undefined) setTimerDays(modeler, element, 15);
              }}
            >
              {t('editor.props.makeDeadline')}
            </Button>
          ))}
      </Form>
    </Card>
  );
}

function ProcessProps({ modeler, element }: { modeler: EditorModeler; element: DiagramElement }) {
  const { t } = useTranslation();
  const bo = element.businessObject;
  const set = (props: Record<string, unknown>) =>
    service(modeler, 'modeling').updateProperties(element, props);
  return (
    <>
      <Form.Item label={t('editor.props.name')}>
        <Input
          aria-label={t('editor.props.name')}
          defaultValue={str(bo.name)}
          onBlur={(e) => set({ name: e.target.value })}
        />
      </Form.Item>
      <Form.Item label={t('editor.props.version')} extra={t('editor.props.versionHint')}>
        <InputNumber
          aria-label={t('editor.props.version')}
          min={1}
          precision={0}
          defaultValue={Number(bo.get('pe:version')) || 1}
          onChange={(v) => typeof v === 'number' && set({ 'pe:version': v })}
        />
      </Form.Item>
      <Form.Item label={t('editor.props.roles')}>
        <Select
          aria-label={t('editor.props.roles')}
          mode="tags"
          defaultValue={tokens(bo.get('pe:roles'))}
          onChange={(v: string[]) => set({ 'pe:roles': v.join(' ') })}
        />
      </Form.Item>
    </>
  );
}

function UserTaskProps({ modeler, element }: { modeler: EditorModeler; element: DiagramElement }) {
  const { t } = useTranslation();
  const bo = element.businessObject;
  const set = (props: Record<string, unknown>) =>
    service(modeler, 'modeling').updateProperties(element, props);
  const actions = extensionsOf(bo, 'pe:Action');
  const { roles, documents } = declared(modeler);
  return (
    <>
      <Form.Item label={t('editor.props.assignee')}>
        <Select
          aria-label={t('editor.props.assignee')}
          defaultValue={str(bo.get('pe:assignee')) || undefined}
          options={options(ASSIGNEES)}
          onChange={(v: string) => set({ 'pe:assignee': v })}
        />
      </Form.Item>
      <Typography.Text strong>{t('editor.props.actions')}</Typography.Text>
      <Collapse
        size="small"
        items={actions.map((action) => ({
          key: str(action.get('id')),
          label: `${str(action.get('name'))}（${str(action.get('id'))}）`,
          children: (
            <ActionProps
              modeler={modeler}
              element={element}
              action={action}
              roles={roles}
              documents={documents}
            />
          ),
        }))}
      />
      <Button
        size="small"
        icon={<PlusOutlined />}
        style={{ marginTop: 8 }}
        onClick={() => {
          const n = actions.length + 1;
          addExtension(
            modeler,
            element,
            service(modeler, 'moddle').create('pe:Action', {
              id: `action-${n}`,
              name: `${t('editor.props.newAction')} ${n}`,
              roles: roles.find((r) => r !== 'system') ?? '',
            }),
          );
        }}
      >
        {t('editor.props.addAction')}
      </Button>
    </>
  );
}

function ActionProps({
  modeler,
  element,
  action,
  roles,
  documents,
}: {
  modeler: EditorModeler;
  element: DiagramElement;
  action: ModdleElement;
  roles: string[];
  documents: string[];
}) {
  const { t } = useTranslation();
  const update = (target: ModdleElement, props: Record<string, unknown>) =>
    service(modeler, 'modeling').updateModdleProperties(element, target, props);
  const fields = (action.get('fields') as ModdleElement[] | undefined) ?? [];
  const effect = action.get('effect') as ModdleElement | undefined;
  const assignments = (action.get('assignments') as ModdleElement[] | undefined) ?? [];
  const guards = (action.get('guards') as ModdleElement[] | undefined) ?? [];
  const ext = element.businessObject.get('extensionElements') as ModdleElement;
  const id = str(action.get('id'));
  return (
    <div data-testid={`action-${id}`}>
      <Space wrap>
        <Form.Item label={t('editor.props.id')}>
          <Input
            aria-label={t('editor.props.id')}
            defaultValue={id}
            onBlur={(e) => update(action, { id: e.target.value })}
          />
        </Form.Item>
        <Form.Item label={t('editor.props.name')}>
          <Input
            aria-label={t('editor.props.actionName')}
            defaultValue={str(action.get('name'))}
            onBlur={(e) => update(action, { name: e.target.value })}
          />
        </Form.Item>
      </Space>
      <Form.Item label={t('editor.props.actionRoles')}>
        <Select
          aria-label={t('editor.props.actionRoles')}
          mode="multiple"
          defaultValue={tokens(action.get('roles'))}
          options={options(roles)}
          onChange={(v: string[]) => update(action, { roles: v.join(' ') })}
        />
      </Form.Item>
      <Form.Item label={t('editor.props.document')}>
        <Select
          aria-label={t('editor.props.document')}
          allowClear
          defaultValue={str(action.get('document')) || undefined}
          options={options(documents)}
          onChange={(v: string | undefined) => update(action, { document: v })}
        />
      </Form.Item>
      <Typography.Text strong>{t('editor.props.fields')}</Typography.Text>
      {fields.map((field, i) => (
        <Space key={`${str(field.get('name'))}-${i}`} wrap align="start" className="editor-field-row">
          <Input
            aria-label={t('editor.props.fieldName')}
            placeholder={t('editor.props.fieldName')}
            defaultValue={str(field.get('name'))}
            onBlur={(e) => update(field, { name: e.target.value })}
            style={{ width: 110 }}
          />
          <Select
            aria-label={t('editor.props.fieldType')}
            defaultValue={str(field.get('type')) || 'string'}
            options={options(FIELD_TYPES)}
            onChange={(v: string) => update(field, { type: v })}
            style={{ width: 100 }}
          />
          <Checkbox
            defaultChecked={field.get('required') === true}
            onChange={(e) => update(field, { required: e.target.checked || undefined })}
          >
            {t('editor.props.required')}
          </Checkbox>
          {field.get('type') === 'enum' && (
            <Select
              aria-label={t('editor.props.values')}
              mode="tags"
              placeholder={t('editor.props.values')}
              defaultValue={tokens(field.get('values'))}
              onChange={(v: string[]) => update(field, { values: v.join(' ') || undefined })}
              style={{ minWidth: 160 }}
            />
          )}
          {field.get('type') === 'integer' && (
            <>
              <InputNumber
                aria-label={t('editor.props.min')}
                placeholder={t('editor.props.min')}
                defaultValue={field.get('min') as number | undefined}
                onChange={(v) => update(field, { min: v ?? undefined })}
              />
              <InputNumber
                aria-label={t('editor.props.max')}
                placeholder={t('editor.props.max')}
                defaultValue={field.get('max') as number | undefined}
                onChange={(v) => update(field, { max: v ?? undefined })}
              />
            </>
          )}
          <Button
            size="small"
            aria-label={t('editor.props.removeField')}
            icon={<DeleteOutlined />}
            onClick={() => removeFrom(modeler, element, action, 'fields', field)}
          />
        </Space>
      ))}
      <Space wrap style={{ marginTop: 4 }}>
        <Button
          size="small"
          icon={<PlusOutlined />}
          onClick={() => {
            const field = service(modeler, 'moddle').create('pe:Field', {
              name: `field${fields.length + 1}`,
              type: 'string',
            });
            field.$parent = action;
            update(action, { fields: [...fields, field] });
          }}
        >
          {t('editor.props.addField')}
        </Button>
        <Button
          size="small"
          danger
          icon={<DeleteOutlined />}
          onClick={() => removeFrom(modeler, element, ext, 'values', action)}
        >
          {t('editor.props.removeAction')}
        </Button>
      </Space>
      <div className="editor-kept">
        {effect && <Tag>{t('editor.props.effect', { type: str(effect.get('type')) })}</Tag>}
        {assignments.length > 0 && <Tag>{t('editor.props.assignments', { count: assignments.length })}</Tag>}
        {guards.length > 0 && <Tag>{t('editor.props.guards', { count: guards.length })}</Tag>}
      </div>
    </div>
  );
}

function DeadlineProps({
  modeler,
  element,
  deadline,
}: {
  modeler: EditorModeler;
  element: DiagramElement;
  deadline: ModdleElement;
}) {
  const { t } = useTranslation();
  const update = (target: ModdleElement, props: Record<string, unknown>) =>
    service(modeler, 'modeling').updateModdleProperties(element, target, props);
  const onExpiry = deadline.get('onExpiry') as ModdleElement | undefined;
  const { days, raw } = timerDays(element.businessObject);
  const { datetimeVariables } = declared(modeler);
  const actionIds = element.host
    ? extensionsOf(element.host.businessObject, 'pe:Action').map((a) => str(a.get('id')))
    : [];
  return (
    <div data-testid="deadline-props">
      <Form.Item
        label={t('editor.props.duration')}
        extra={days === undefined && raw ? t('editor.props.rawDuration', { raw }) : undefined}
      >
        <InputNumber
          aria-label={t('editor.props.duration')}
          min={1}
          precision={0}
          defaultValue={days}
          onChange={(v) => setTimerDays(modeler, element, typeof v === 'number' ? v : null)}
        />
      </Form.Item>
      <Form.Item label={t('editor.props.counting')}>
        <Select
          aria-label={t('editor.props.counting')}
          defaultValue={str(deadline.get('counting')) || 'calendar-days'}
          options={COUNTINGS.map((c) => ({ value: c, label: t(`editor.countings.${c}`) }))}
          onChange={(v: string) => update(deadline, { counting: v })}
        />
      </Form.Item>
      <Form.Item label={t('editor.props.from')} extra={t('editor.props.fromHint')}>
        <Select
          aria-label={t('editor.props.from')}
          defaultValue={str(deadline.get('from')) || undefined}
          options={options(['receipt', 'entered', ...datetimeVariables])}
          onChange={(v: string) => update(deadline, { from: v })}
        />
      </Form.Item>
      <Form.Item label={t('editor.props.warnings')} extra={t('editor.props.warningsHint')}>
        <Select
          aria-label={t('editor.props.warnings')}
          mode="tags"
          defaultValue={tokens(deadline.get('warnings'))}
          onChange={(v: string[]) => update(deadline, { warnings: v.join(' ') || undefined })}
        />
      </Form.Item>
      <Form.Item label={t('editor.props.onExpiry')}>
        <Select
          aria-label={t('editor.props.onExpiry')}
          defaultValue={str(onExpiry?.get('kind')) || undefined}
          options={EXPIRIES.map((k) => ({ value: k, label: t(`editor.expiries.${k}`) }))}
          onChange={(v: string) => {
            if (onExpiry) update(onExpiry, { kind: v });
            else {
              const created = service(modeler, 'moddle').create('pe:OnExpiry', { kind: v });
              created.$parent = deadline;
              update(deadline, { onExpiry: created });
            }
          }}
        />
      </Form.Item>
      <Form.Item label={t('editor.props.refuseAfter')}>
        <Select
          aria-label={t('editor.props.refuseAfter')}
          mode="multiple"
          defaultValue={tokens(deadline.get('refuseAfter'))}
          options={options(actionIds)}
          onChange={(v: string[]) => update(deadline, { refuseAfter: v.join(' ') || undefined })}
        />
      </Form.Item>
      <Form.Item label={t('editor.props.metric')}>
        <Select
          aria-label={t('editor.props.metric')}
          allowClear
          defaultValue={str(deadline.get('metric')) || undefined}
          options={METRICS.map((m) => ({ value: m, label: t(`editor.metrics.${m}`) }))}
          onChange={(v: string | undefined) => update(deadline, { metric: v })}
        />
      </Form.Item>
      <Form.Item label={t('editor.props.article')}>
        <Input
          aria-label={t('editor.props.article')}
          defaultValue={str(deadline.get('article'))}
          onChange={(e) => update(deadline, { article: e.target.value })}
        />
      </Form.Item>
    </div>
  );
}

function ServiceTaskProps({ modeler, element }: { modeler: EditorModeler; element: DiagramElement }) {
  const { t } = useTranslation();
  const bo = element.businessObject;
  const set = (props: Record<string, unknown>) =>
    service(modeler, 'modeling').updateProperties(element, props);
  const { documents } = declared(modeler);
  return (
    <>
      <Form.Item label={t('editor.props.activity')}>
        <Select
          aria-label={t('editor.props.activity')}
          defaultValue={str(bo.get('pe:activity')) || undefined}
          options={options(ACTIVITIES)}
          onChange={(v: string) => set({ 'pe:activity': v })}
        />
      </Form.Item>
      <Form.Item label={t('editor.props.document')}>
        <Select
          aria-label={t('editor.props.document')}
          allowClear
          defaultValue={str(bo.get('pe:document')) || undefined}
          options={options(documents)}
          onChange={(v: string | undefined) => set({ 'pe:document': v })}
        />
      </Form.Item>
      <Form.Item label={t('editor.props.recipient')}>
        <Select
          aria-label={t('editor.props.recipient')}
          allowClear
          defaultValue={str(bo.get('pe:recipient')) || undefined}
          options={options(RECIPIENTS)}
          onChange={(v: string | undefined) => set({ 'pe:recipient': v })}
        />
      </Form.Item>
    </>
  );
}

function FlowProps({ modeler, element }: { modeler: EditorModeler; element: DiagramElement }) {
  const { t } = useTranslation();
  const bo = element.businessObject;
  const modeling = service(modeler, 'modeling');
  const condition = bo.get('conditionExpression') as ModdleElement | undefined;
  const action = str(bo.get('pe:action'));
  if (action) return <Typography.Paragraph>{t('editor.props.actionFlow', { action })}</Typography.Paragraph>;
  return (
    <Form.Item label={t('editor.props.condition')} extra={t('editor.props.conditionHint')}>
      <Input.TextArea
        aria-label={t('editor.props.condition')}
        autoSize={{ minRows: 2, maxRows: 6 }}
        defaultValue={str(condition?.get('body'))}
        onBlur={(e) => {
          const body = e.target.value.trim();
          if (body === str(condition?.get('body'))) return;
          if (!body) modeling.updateProperties(element, { conditionExpression: undefined });
          else if (condition) modeling.updateModdleProperties(element, condition, { body });
          else {
            const expression = service(modeler, 'moddle').create('bpmn:FormalExpression', {
              body,
              language: 'feel',
            });
            expression.$parent = bo;
            modeling.updateProperties(element, { conditionExpression: expression });
          }
        }}
      />
    </Form.Item>
  );
}

/** Shown when nothing can be edited (a label, a diagram without a process). */
export function NothingSelected() {
  const { t } = useTranslation();
  return <Empty description={t('editor.props.nothing')} />;
}
