import { Alert, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useSession } from '../session';

/** Where the OpenID Connect provider sends the browser back: exchanges the code (PKCE) and signs in. */
export default function OidcCallback() {
  const { t } = useTranslation();
  const { config, signIn } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const done = useRef(false);
  useEffect(() => {
    if (done.current || !config.oidc) return;
    done.current = true;
    void (async () => {
      try {
        const { userManager, sessionOf } = await import('../oidc');
        const user = await userManager(config.oidc!).signinRedirectCallback();
        signIn(sessionOf(user, config.oidc!));
        const from = (user.state as { from?: string } | undefined)?.from ?? '/';
        navigate(from, { replace: true });
      } catch (err) {
        setError(String((err as Error).message ?? err));
      }
    })();
  }, [config, signIn, navigate]);
  return (
    <main className="center-page">
      {error ? (
        <Alert
          type="error"
          showIcon
          title={t('signIn.oidcFailed')}
          description={
            <>
              {error} <Link to="/signin">{t('signIn.again')}</Link>
            </>
          }
        />
      ) : (
        <Spin aria-label={t('common.loading')} />
      )}
    </main>
  );
}
