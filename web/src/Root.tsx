import { App as AntApp, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter } from 'react-router-dom';
import { ApiFailure } from './api';
import { AppRoutes } from './AppRoutes';
import { loadConsoleConfig, SessionProvider, type ConsoleConfig } from './session';

/** Locale of Ant Design and dayjs follows the language switch; the console's configuration is read once. */
export function Root() {
  const { t, i18n } = useTranslation();
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [error, setError] = useState<string | null>(null);
  const zh = i18n.language !== 'en';
  dayjs.locale(zh ? 'zh-cn' : 'en');

  useEffect(() => {
    loadConsoleConfig().then(setConfig, (err: unknown) =>
      setError(err instanceof ApiFailure ? err.message : String(err)),
    );
  }, []);

  return (
    <ConfigProvider
      locale={zh ? zhCN : enUS}
      theme={{
        // Darker than Ant Design's defaults where those fall below WCAG AA contrast (4.5:1) on white or light tints.
        token: {
          colorPrimary: '#b5281c',
          colorInfo: '#0958d9',
          colorLink: '#0958d9',
          colorError: '#cf1322',
          colorWarning: '#ad6800',
          colorSuccess: '#237804',
          colorTextSecondary: 'rgba(0,0,0,0.68)',
          colorTextTertiary: 'rgba(0,0,0,0.62)',
          colorTextDescription: 'rgba(0,0,0,0.62)',
          colorTextQuaternary: 'rgba(0,0,0,0.56)',
          colorTextPlaceholder: 'rgba(0,0,0,0.56)',
          borderRadius: 4,
        },
      }}
    >
      <AntApp>
        {error ? (
          <main>
            <Result status="error" title={t('common.configFailed')} subTitle={error} />
          </main>
        ) : !config ? (
          <main className="center-page">
            <Spin aria-label={t('common.loading')} />
          </main>
        ) : (
          <SessionProvider config={config}>
            <BrowserRouter basename="/console">
              <AppRoutes />
            </BrowserRouter>
          </SessionProvider>
        )}
      </AntApp>
    </ConfigProvider>
  );
}
