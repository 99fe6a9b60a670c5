import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiFailure } from '../api';
import { PetitionDetails } from '../components/PetitionDetails';
import { LanguageSwitch } from '../LanguageSwitch';
import type { Petition } from '../types';

/**
 * The petitioner's public page: petition id plus access code (sent as X-Access-Code, kept in memory only) shows the
 * progress, deadlines and documents, with the identity masked, and the petitioner's own actions.
 */
export default function TrackPage() {
  const { t } = useTranslation();
  const [caller, setCaller] = useState<{ id: string; accessCode: string } | null>(null);
  const [petition, setPetition] = useState<Petition | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const lookUp = async (values: { id: string; accessCode: string }) => {
    setBusy(true);
    setError(null);
    const id = values.id.trim();
    const accessCode = values.accessCode.trim();
    try {
      setPetition(await api<Petition>(`/v1/petitions/${encodeURIComponent(id)}`, { accessCode }));
      setCaller({ id, accessCode });
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="public-page">
      <header className="app-header public-header">
        <Link to="/" className="app-title">
          {t('app.title')}
        </Link>
        <LanguageSwitch />
      </header>
      <main className="public-main">
        <Typography.Title level={1} className="page-title">
          {t('track.title')}
        </Typography.Title>
        {!petition ? (
          <Card className="track-card">
            <Typography.Paragraph>{t('track.intro')}</Typography.Paragraph>
            <Form layout="vertical" onFinish={lookUp} requiredMark="optional">
              <Form.Item
                name="id"
                label={t('track.id')}
                rules={[{ required: true, message: t('track.idRequired') }]}
              >
                <Input autoComplete="off" placeholder="XF20260301…" />
              </Form.Item>
              <Form.Item
                name="accessCode"
                label={t('track.accessCode')}
                rules={[{ required: true, message: t('track.codeRequired') }]}
              >
                <Input.Password autoComplete="off" placeholder="XXXX-XXXX-XXXX-XXXX-XXXX" />
              </Form.Item>
              {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
              <Button type="primary" htmlType="submit" loading={busy}>
                {t('track.submit')}
              </Button>
            </Form>
          </Card>
        ) : (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Space wrap className="no-print">
              <Typography.Text>
                {t('petition.title')} <strong className="petition-id">{petition.id}</strong>
              </Typography.Text>
              <Button onClick={() => caller && void lookUp(caller)}>{t('common.refresh')}</Button>
              <Button
                onClick={() => {
                  setPetition(null);
                  setCaller(null);
                }}
              >
                {t('track.leave')}
              </Button>
            </Space>
            <PetitionDetails
              petition={petition}
              caller={{ accessCode: caller!.accessCode }}
              onChange={setPetition}
            />
          </Space>
        )}
      </main>
    </div>
  );
}
