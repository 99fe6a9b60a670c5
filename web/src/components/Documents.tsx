import { Button, Empty, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLabels } from '../format';
import type { Petition } from '../types';

/** Prints one document alone, as it is served on paper (styles.css `@media print`). */
function printDocument(id: string): void {
  const el = document.getElementById(`doc-${id}`);
  if (!el) return;
  document.body.classList.add('printing-document');
  el.classList.add('print-target');
  const done = () => {
    document.body.classList.remove('printing-document');
    el.classList.remove('print-target');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
}

/** The petition's documents as printable pages. */
export function Documents({ petition }: { petition: Pick<Petition, 'documents' | 'id'> }) {
  const { t } = useTranslation();
  const labels = useLabels();
  if (petition.documents.length === 0) return <Empty description={t('petition.noDocuments')} />;
  return (
    <div className="documents">
      {petition.documents.map((d) => (
        <article key={d.id} id={`doc-${d.id}`} className="paper" aria-label={d.title}>
          <div className="paper-actions no-print">
            <Button size="small" onClick={() => printDocument(d.id)}>
              {t('petition.print')}
            </Button>
          </div>
          <Typography.Title level={3} className="paper-title">
            {d.title}
          </Typography.Title>
          <div className="paper-text">{d.text}</div>
          <Typography.Paragraph className="paper-meta">
            {t('petition.documentNo')}：{d.id} · {labels.dateTime(d.generatedAt)}
          </Typography.Paragraph>
        </article>
      ))}
    </div>
  );
}
