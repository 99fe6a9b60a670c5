/**
 * The draft against the published version (`POST /v1/definitions/diff`): what was added, removed or changed, element
 * by element and, for deadlines and actions, field by field; the elements concerned are marked on the diagram.
 */
import { Alert, Button, Space, Table, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiFailure } from '../api';
import { StatusTag, type Tone } from '../components/StatusTag';
import { kebab, service, type EditorModeler } from './modeler';
import type { Change, Diff } from './types';

const MARKER: Record<Change['kind'], string> = {
  added: 'pe-diff-added',
  changed: 'pe-diff-changed',
  removed: 'pe-diff-changed',
};
const TONE: Record<Change['kind'], Tone> = { added: 'success', changed: 'info', removed: 'error' };

const show = (v: unknown): string => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

export function DiffPanel({
  modeler,
  base,
  token,
}: {
  modeler: EditorModeler;
  /** `id@version` of the published version the draft is compared with. */
  base: string;
  token: string;
}) {
  const { t } = useTranslation();
  const [diff, setDiff] = useState<Diff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const marked = useRef<Array<[string, string]>>([]);

  const unmark = () => {
    const canvas = service(modeler, 'canvas');
    for (const [id, m] of marked.current) canvas.removeMarker(id, m);
    marked.current = [];
  };
  useEffect(() => unmark, []);

  const compare = async () => {
    setBusy(true);
    try {
      const { xml } = await modeler.saveXML({ format: false });
      const result = await api<Diff>('/v1/definitions/diff', {
        method: 'POST',
        token,
        body: { base, draft: { source: xml, format: 'bpmn' } },
      });
      unmark();
      const registry = service(modeler, 'elementRegistry');
      const canvas = service(modeler, 'canvas');
      for (const change of result.changes) {
        if (!change.elementId || change.kind === 'removed') continue;
        const element =
          registry.get(change.elementId) ??
          registry.filter((e) => e.type !== 'label' && kebab(e.id) === change.elementId)[0];
        if (!element) continue;
        canvas.addMarker(element.id, MARKER[change.kind]);
        marked.current.push([element.id, MARKER[change.kind]]);
      }
      setDiff(result);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="editor-diff">
      <Space>
        <Button onClick={() => void compare()} loading={busy}>
          {t('editor.diff.compare', { base })}
        </Button>
        {diff && (
          <Typography.Text type="secondary">
            {diff.same ? t('editor.diff.same') : t('editor.diff.count', { count: diff.changes.length })}
          </Typography.Text>
        )}
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      {diff && !diff.same && (
        <Table<Change>
          size="small"
          pagination={false}
          rowKey={(c) => `${c.kind}:${c.scope}:${c.id}`}
          dataSource={diff.changes}
          columns={[
            {
              title: t('editor.diff.kind'),
              render: (_: unknown, c) => (
                <StatusTag tone={TONE[c.kind]}>{t(`editor.diff.kinds.${c.kind}`)}</StatusTag>
              ),
            },
            { title: t('editor.diff.scope'), render: (_: unknown, c) => t(`editor.diff.scopes.${c.scope}`) },
            {
              title: t('editor.diff.what'),
              render: (_: unknown, c) => (c.name ? `${c.name}（${c.id}）` : c.id),
            },
            {
              title: t('editor.diff.fields'),
              render: (_: unknown, c) =>
                (c.fields ?? []).map((f) => (
                  <div key={f.path}>
                    <Typography.Text code>{f.path || '—'}</Typography.Text> {show(f.before)} → {show(f.after)}
                  </div>
                )),
            },
          ]}
        />
      )}
    </Space>
  );
}
