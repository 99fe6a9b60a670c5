import { Button, Input, Layout, Menu, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { ROLE_PAGES } from './AppRoutes';
import { DepartmentsProvider } from './departments';
import { LanguageSwitch } from './LanguageSwitch';
import { useLabels } from './format';
import { useStaff, useSession } from './session';

/** The frame of every staff page: the role's menu, who is signed in, the language switch, open-by-id. */
export default function StaffLayout() {
  const { t } = useTranslation();
  const labels = useLabels();
  const session = useStaff();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const pages = ROLE_PAGES[session.role];
  const selected = pages.find((p) => location.pathname === `/${p}`) ?? '';
  return (
    <DepartmentsProvider token={session.token}>
      <Layout className="staff-layout">
        <Layout.Header className="app-header">
          <Link to="/" className="app-title">
            {t('app.title')}
          </Link>
          <Space size="middle" wrap>
            <Input.Search
              aria-label={t('common.openById')}
              placeholder={t('common.openById')}
              allowClear
              size="small"
              style={{ width: 240 }}
              onSearch={(v) => v.trim() && navigate(`/petitions/${encodeURIComponent(v.trim())}`)}
            />
            <LanguageSwitch />
            <Typography.Text className="header-user" data-testid="signed-in-as">
              {labels.role(session.role)}
              {session.dept ? ` · ${session.dept}` : ''}
              {session.name ? ` · ${session.name}` : ''}
            </Typography.Text>
            <Button size="small" onClick={signOut}>
              {t('common.signOut')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout>
          <Layout.Sider width={200} theme="light" breakpoint="md" collapsedWidth={0} className="no-print">
            <nav aria-label={t('common.navigation')}>
              <Menu
                mode="inline"
                selectedKeys={[selected]}
                items={pages.map((p) => ({ key: p, label: <Link to={`/${p}`}>{t(`nav.${p}`)}</Link> }))}
              />
            </nav>
          </Layout.Sider>
          <Layout.Content className="app-content">
            <main>
              <Outlet />
            </main>
          </Layout.Content>
        </Layout>
      </Layout>
    </DepartmentsProvider>
  );
}
