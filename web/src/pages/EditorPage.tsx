/**
 * The designer's editor: a published definition (or the draft kept for it) in the bpmn-js modeller, with a properties
 * panel for our `pe:` extensions, the validator's issues drawn on the diagram as the designer types, the diff against
 * the published version, a dry run, saving as a draft and publishing a new version. Loaded on demand with bpmn-js.
 */
import { RedoOutlined, UndoOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, List, Popconfirm, Row, Select, Space, Tabs, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api, ApiFailure } from '../api';
import { DiffPanel } from '../editor/DiffPanel';
import { DryRunPanel } from '../editor/DryRunPanel';
import { createModeler, service, type DiagramElement, type EditorModeler } from '../editor/modeler';
import { NothingSelected, PropertiesPanel } from '../editor/PropertiesPanel';
import type { DefinitionSummary, Draft, Issue, PublishedModel } from '../editor/types';
import { diagramElementOf, useValidation } from '../editor/useValidation';
import '../editor/editor.css';
import { StatusTag } from '../components/StatusTag';
import { useLabels } from '../format';
import { useStaff } from '../session';

interface Loaded {
  id: string;
  /** The latest published version. */
  published: DefinitionSummary & { definition: PublishedModel };
  /** The draft's revision (0: editing from the published version, no draft saved yet). */
  revision: number;
  draft: Omit<Draft, 'source'> | null;
}

/** The text of a BPMN answer (the console's `api` reads JSON). */
async function bpmnText(path: string, token: string): Promise<string> {
  const res = await fetch(path, {
    headers: { accept: 'application/bpmn+xml', authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new ApiFailure(res.status, `http_${res.status}`, res.statusText);
  return await res.text();
}

/** A new draft of a published version is the next version (a published version never changes). */
function nextVersion(xml: string, version: number): string {
  return xml.replace(/(<bpmn:process\b[^>]*?\bpe:version=")\d+(")/, `$1${version}$2`);
}

export default function EditorPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { message } = App.useApp();
  const session = useStaff();
  const [params, setParams] = useSearchParams();
  const container = useRef<HTMLDivElement>(null);
  const [modeler, setModeler] = useState<EditorModeler | null>(null);
  const [ids, setIds] = useState<string[]>([]);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const [panelRevision, setPanelRevision] = useState(0);
  const [selected, setSelected] = useState<DiagramElement | null>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState<'save' | 'publish' | 'discard' | null>(null);
  const [tab, setTab] = useState('issues');
  const validation = useValidation(modeler, session.token, generation);
  const id = params.get('id') ?? ids[0];

  useEffect(() => {
    if (!container.current) return;
    const m = createModeler(container.current);
    const bus = service(m, 'eventBus');
    bus.on('selection.changed', (e) => {
      const list = (e['newSelection'] as DiagramElement[] | undefined) ?? [];
      const first = list[0];
      setSelected(first ? (first.labelTarget ?? first) : null);
    });
    bus.on('commandStack.changed', (e) => {
      const trigger = e['trigger'] as string | undefined;
      if (trigger === 'clear') return;
      setDirty(true);
      if (trigger === 'undo' || trigger === 'redo') setPanelRevision((n) => n + 1);
    });
    setModeler(m);
    return () => {
      m.destroy();
      setModeler(null);
    };
  }, []);

  useEffect(() => {
    api<{ items: DefinitionSummary[] }>('/v1/definitions', { token: session.token })
      .then(({ items }) => setIds([...new Set(items.map((d) => d.id))]))
      .catch((err: unknown) => setError(err instanceof ApiFailure ? err.message : String(err)));
  }, [session.token]);

  const load = useCallback(
    async (definitionId: string) => {
      if (!modeler) return;
      setError(null);
      const published = await api<Loaded['published']>(`/v1/definitions/${definitionId}`, {
        token: session.token,
      });
      let draft: Draft | null = null;
      try {
        draft = await api<Draft>(`/v1/definitions/${definitionId}/draft`, { token: session.token });
      } catch (err) {
        if (!(err instanceof ApiFailure && err.status === 404)) throw err;
      }
      const xml =
        draft?.format === 'bpmn'
          ? draft.source
          : nextVersion(
              await bpmnText(`/v1/definitions/${definitionId}?format=bpmn`, session.token),
              published.version + 1,
            );
      await modeler.importXML(xml);
      service(modeler, 'canvas').zoom('fit-viewport', 'auto');
      const { source: _source, ...draftSummary } = draft ?? { source: '' };
      setLoaded({
        id: definitionId,
        published,
        revision: draft?.revision ?? 0,
        draft: draft ? (draftSummary as Loaded['draft']) : null,
      });
      setSelected(null);
      setDirty(false);
      setGeneration((n) => n + 1);
      setPanelRevision((n) => n + 1);
    },
    [modeler, session.token],
  );

  useEffect(() => {
    if (!id || !modeler) return;
    load(id).catch((err: unknown) => setError(err instanceof ApiFailure ? err.message : String(err)));
  }, [id, modeler, load]);

  const saveDraft = async () => {
    if (!modeler || !loaded) return;
    setBusy('save');
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const saved = await api<Omit<Draft, 'source'> & { issues: Issue[] }>(
        `/v1/definitions/${loaded.id}/draft`,
        {
          method: 'PUT',
          token: session.token,
          body: {
            source: xml,
            format: 'bpmn',
            baseRevision: loaded.revision,
            basedOn: loaded.published.version,
          },
        },
      );
      const { issues: _issues, ...draft } = saved;
      setLoaded({ ...loaded, revision: saved.revision, draft });
      setDirty(false);
      void message.success(t('editor.saved', { revision: saved.revision }));
    } catch (err) {
      void message.error(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  const publish = async () => {
    if (!modeler || !loaded) return;
    setBusy('publish');
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const published = await api<DefinitionSummary>('/v1/definitions', {
        method: 'POST',
        token: session.token,
        body: { source: xml, format: 'bpmn' },
      });
      if (loaded.revision > 0) {
        await api(`/v1/definitions/${loaded.id}/draft?revision=${loaded.revision}`, {
          method: 'DELETE',
          token: session.token,
        }).catch(() => undefined);
      }
      void message.success(t('editor.published', { id: published.id, version: published.version }));
      await load(loaded.id);
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 422) {
        const issues = (err.details as { issues?: Issue[] } | undefined)?.issues ?? [];
        validation.show(issues);
        setTab('issues');
      }
      void message.error(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  const discard = async () => {
    if (!loaded) return;
    setBusy('discard');
    try {
      if (loaded.revision > 0)
        await api(`/v1/definitions/${loaded.id}/draft?revision=${loaded.revision}`, {
          method: 'DELETE',
          token: session.token,
        });
      await load(loaded.id);
      void message.success(t('editor.discarded'));
    } catch (err) {
      void message.error(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  const errors = validation.issues.filter((i) => i.severity !== 'warning');
  const warnings = validation.issues.length - errors.length;
  const focus = (issue: Issue) => {
    if (!modeler) return;
    const element = diagramElementOf(modeler, issue);
    if (element) service(modeler, 'selection').select(element);
  };
  const commandStack = () => modeler?.get('commandStack') as { undo(): void; redo(): void } | undefined;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} className="page-title">
        {t('nav.editor')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('editor.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} />}
      <Space wrap data-testid="editor-toolbar">
        <Select
          aria-label={t('editor.definition')}
          value={id}
          style={{ width: 200 }}
          options={ids.map((d) => ({ value: d, label: d }))}
          onChange={(v: string) => setParams({ id: v })}
        />
        {loaded && (
          <>
            <StatusTag tone="info">{t('editor.basedOn', { version: loaded.published.version })}</StatusTag>
            <span data-testid="editor-draft-state">
              <StatusTag tone={loaded.draft ? 'warning' : 'neutral'}>
                {loaded.draft
                  ? t('editor.draftRevision', {
                      revision: loaded.draft.revision,
                      at: labels.dateTime(loaded.draft.savedAt),
                      by: loaded.draft.savedBy.id ?? labels.role(loaded.draft.savedBy.role),
                    })
                  : t('editor.noDraft')}
              </StatusTag>
            </span>
            {dirty && <StatusTag tone="warning">{t('editor.unsaved')}</StatusTag>}
            <span data-testid="editor-issue-count">
              <StatusTag tone={errors.length > 0 ? 'error' : 'success'}>
                {validation.checking
                  ? t('editor.checking')
                  : t('editor.issueCount', { errors: errors.length, warnings })}
              </StatusTag>
            </span>
          </>
        )}
        <Button
          icon={<UndoOutlined />}
          aria-label={t('editor.undo')}
          onClick={() => commandStack()?.undo()}
        />
        <Button
          icon={<RedoOutlined />}
          aria-label={t('editor.redo')}
          onClick={() => commandStack()?.redo()}
        />
        <Button onClick={() => void saveDraft()} loading={busy === 'save'} disabled={!loaded}>
          {t('editor.saveDraft')}
        </Button>
        <Popconfirm
          title={t('editor.publishConfirm')}
          description={t('editor.publishHint')}
          okText={t('editor.publish')}
          cancelText={t('editor.cancel')}
          onConfirm={() => void publish()}
        >
          <Button type="primary" loading={busy === 'publish'} disabled={!loaded}>
            {t('editor.publish')}
          </Button>
        </Popconfirm>
        <Popconfirm
          title={t('editor.discardConfirm')}
          okText={t('editor.discard')}
          cancelText={t('editor.cancel')}
          onConfirm={() => void discard()}
        >
          <Button danger disabled={!loaded} loading={busy === 'discard'}>
            {t('editor.discard')}
          </Button>
        </Popconfirm>
      </Space>
      <Row gutter={12}>
        <Col flex="auto">
          <div
            ref={container}
            className="editor-canvas"
            data-testid="editor-canvas"
            role="application"
            aria-label={t('editor.canvas')}
          />
        </Col>
        <Col flex="380px" className="editor-side">
          {modeler && loaded ? (
            <PropertiesPanel
              modeler={modeler}
              element={selected ?? service(modeler, 'canvas').getRootElement()}
              revision={panelRevision}
            />
          ) : (
            <NothingSelected />
          )}
        </Col>
      </Row>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'issues',
            label: t('editor.tabs.issues', { count: validation.issues.length }),
            children: (
              <>
                {validation.error && <Alert type="warning" showIcon title={validation.error} />}
                <List<Issue>
                  size="small"
                  data-testid="editor-issues"
                  dataSource={validation.issues}
                  locale={{ emptyText: t('editor.noIssues') }}
                  renderItem={(issue) => (
                    <List.Item
                      actions={[
                        <Button key="show" size="small" type="link" onClick={() => focus(issue)}>
                          {t('editor.showOnDiagram')}
                        </Button>,
                      ]}
                    >
                      <Space wrap>
                        <StatusTag tone={issue.severity === 'warning' ? 'warning' : 'error'}>
                          {issue.rule}
                        </StatusTag>
                        {issue.elementId && <Typography.Text code>{issue.elementId}</Typography.Text>}
                        <Typography.Text>{issue.message}</Typography.Text>
                      </Space>
                    </List.Item>
                  )}
                />
              </>
            ),
          },
          {
            key: 'diff',
            label: t('editor.tabs.diff'),
            children:
              modeler && loaded ? (
                <DiffPanel
                  modeler={modeler}
                  base={`${loaded.id}@${loaded.published.version}`}
                  token={session.token}
                />
              ) : null,
          },
          {
            key: 'dry-run',
            label: t('editor.tabs.dryRun'),
            children:
              modeler && loaded ? (
                <DryRunPanel modeler={modeler} model={loaded.published.definition} token={session.token} />
              ) : null,
          },
        ]}
      />
    </Space>
  );
}
