import { Alert, Button, Card, Form, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { api, ApiFailure } from '../api';
import { LanguageSwitch } from '../LanguageSwitch';
import { useLabels } from '../format';
import { useSession, type Session } from '../session';
import type { StaffRole } from '../types';

interface DevSignIn {
  roles: StaffRole[];
  needsDepartment: StaffRole[];
  departments: Array<{ code: string; name: string }>;
  ttlSeconds: number;
}

function DevSignInForm({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const [info, setInfo] = useState<DevSignIn | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ role: StaffRole; dept?: string }>();
  const role = Form.useWatch('role', form);

  useEffect(() => {
    api<DevSignIn>('/v1/console/dev-sign-in').then(setInfo, (err: unknown) =>
      setError(err instanceof ApiFailure ? err.message : String(err)),
    );
  }, []);

  const submit = async (values: { role: StaffRole; dept?: string }) => {
    setBusy(true);
    setError(null);
    try {
      const res = await api<{
        token: string;
        expiresAt: string;
        role: StaffRole;
        dept?: string;
        sub: string;
      }>('/v1/console/dev-token', {
        method: 'POST',
        body: { role: values.role, ...(values.dept && { dept: values.dept }) },
      });
      onSignedIn({ ...res, via: 'dev' });
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const needsDept = info?.needsDepartment.includes(role as StaffRole) ?? false;
  return (
    <>
      <Alert
        type="warning"
        showIcon
        title={t('signIn.devNoticeTitle')}
        description={t('signIn.devNotice', { hours: info ? info.ttlSeconds / 3600 : 2 })}
        style={{ marginBottom: 16 }}
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional">
        <Form.Item
          name="role"
          label={t('signIn.role')}
          rules={[{ required: true, message: t('signIn.pickRole') }]}
        >
          <Select
            placeholder={t('signIn.pickRole')}
            options={(info?.roles ?? []).map((r) => ({ value: r, label: labels.role(r) }))}
          />
        </Form.Item>
        {needsDept && (
          <Form.Item
            name="dept"
            label={t('signIn.department')}
            rules={[{ required: true, message: t('signIn.pickDepartment') }]}
          >
            <Select
              showSearch
              optionFilterProp="label"
              placeholder={t('signIn.pickDepartment')}
              options={(info?.departments ?? []).map((d) => ({
                value: d.code,
                label: `${d.name}（${d.code}）`,
              }))}
            />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" loading={busy} block disabled={!info}>
          {t('signIn.submit')}
        </Button>
      </Form>
    </>
  );
}

function OidcSignIn() {
  const { t } = useTranslation();
  const { config } = useSession();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    try {
      const { userManager } = await import('../oidc');
      const from = (location.state as { from?: string } | null)?.from ?? '/';
      await userManager(config.oidc!).signinRedirect({ state: { from } });
    } catch (err) {
      setError(String((err as Error).message ?? err));
    }
  };
  return (
    <>
      <Typography.Paragraph>{t('signIn.oidcNotice', { issuer: config.oidc!.issuer })}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Button type="primary" block onClick={() => void start()}>
        {t('signIn.oidcButton')}
      </Button>
    </>
  );
}

/** The first page: the embedded default's role picker, or the OpenID Connect provider's button. */
export function SignInPage() {
  const { t } = useTranslation();
  const { config, session, signIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  if (session) return <Navigate to="/" replace />;
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  return (
    <main className="center-page sign-in">
      <Card className="sign-in-card">
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
            <Typography.Title level={1} className="sign-in-title">
              {t('app.title')}
            </Typography.Title>
            <LanguageSwitch />
          </Space>
          <Typography.Title level={2} className="sign-in-subtitle">
            {t('signIn.title')}
          </Typography.Title>
          {config.signIn === 'dev' && (
            <DevSignInForm
              onSignedIn={(s) => {
                signIn(s);
                navigate(from, { replace: true });
              }}
            />
          )}
          {config.signIn === 'oidc' && <OidcSignIn />}
          {config.signIn === 'none' && <Alert type="info" showIcon title={t('signIn.none')} />}
          <Typography.Paragraph style={{ marginBottom: 0 }}>
            {t('signIn.petitionerHint')} <Link to="/track">{t('signIn.petitionerLink')}</Link>
          </Typography.Paragraph>
        </Space>
      </Card>
    </main>
  );
}
