import { Alert, Button, Skeleton, Space, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { api, ApiFailure } from '../api';
import { PetitionDetails } from '../components/PetitionDetails';
import { useStaff } from '../session';
import type { Petition } from '../types';

/** A petition for staff who may see it (404 from the API otherwise). */
export default function PetitionPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const session = useStaff();
  const [petition, setPetition] = useState<Petition | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    setError(null);
    api<Petition>(`/v1/petitions/${encodeURIComponent(id)}`, { token: session.token }).then(
      setPetition,
      (err: unknown) => setError(err instanceof ApiFailure ? err.message : String(err)),
    );
  }, [id, session.token]);
  useEffect(load, [load]);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={1} className="page-title">
          {t('petition.title')} <span className="petition-id">{id}</span>
        </Typography.Title>
        <Space className="no-print">
          <Button onClick={load}>{t('common.refresh')}</Button>
          <Button onClick={() => window.print()}>{t('petition.printPage')}</Button>
        </Space>
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      {!petition && !error && <Skeleton active />}
      {petition && (
        <PetitionDetails petition={petition} caller={{ token: session.token }} onChange={setPetition} />
      )}
    </Space>
  );
}
