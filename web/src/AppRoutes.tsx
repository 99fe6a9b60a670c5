import { Spin } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useSession } from './session';
import { SignInPage } from './pages/SignInPage';
import type { StaffRole } from './types';

const StaffLayout = lazy(() => import('./StaffLayout'));
const OidcCallback = lazy(() => import('./pages/OidcCallback'));
const TrackPage = lazy(() => import('./pages/TrackPage'));
const DashboardPage = lazy(() => import('./pages/DashboardPage'));
const OverduePage = lazy(() => import('./pages/OverduePage'));
const AtRiskPage = lazy(() => import('./pages/AtRiskPage'));
const RatesPage = lazy(() => import('./pages/RatesPage'));
const ReportPage = lazy(() => import('./pages/ReportPage'));
const PetitionsPage = lazy(() => import('./pages/PetitionsPage'));
const PetitionPage = lazy(() => import('./pages/PetitionPage'));
const IntakePage = lazy(() => import('./pages/IntakePage'));
const WorklistPage = lazy(() => import('./pages/WorklistPage'));
const DefinitionsPage = lazy(() => import('./pages/DefinitionsPage'));
const EditorPage = lazy(() => import('./pages/EditorPage'));

/** Which pages each role has (the menu in StaffLayout shows the same). */
export const ROLE_PAGES: Record<StaffRole, readonly string[]> = {
  supervisor: ['dashboard', 'overdue', 'at-risk', 'rates', 'report', 'petitions'],
  registrar: ['intake', 'petitions'],
  department: ['worklist'],
  superior: ['worklist'],
  designer: ['definitions', 'editor'],
  admin: [
    'dashboard',
    'overdue',
    'at-risk',
    'rates',
    'report',
    'petitions',
    'intake',
    'definitions',
    'editor',
  ],
};

function Loading() {
  const { t } = useTranslation();
  return (
    <div className="center-page">
      <Spin aria-label={t('common.loading')} />
    </div>
  );
}

function RequireStaff({ page, children }: { page?: string; children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (!session)
    return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  if (page && !ROLE_PAGES[session.role].includes(page)) return <Navigate to="/" replace />;
  return <>{children}</>;
}

function Home() {
  const { session } = useSession();
  if (!session) return <Navigate to="/signin" replace />;
  return <Navigate to={`/${ROLE_PAGES[session.role][0]}`} replace />;
}

export function AppRoutes() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="/" element={<Home />} />
        <Route path="/signin" element={<SignInPage />} />
        <Route path="/callback" element={<OidcCallback />} />
        <Route path="/track" element={<TrackPage />} />
        <Route
          element={
            <RequireStaff>
              <StaffLayout />
            </RequireStaff>
          }
        >
          {(
            [
              ['dashboard', <DashboardPage />],
              ['overdue', <OverduePage />],
              ['at-risk', <AtRiskPage />],
              ['rates', <RatesPage />],
              ['report', <ReportPage />],
              ['petitions', <PetitionsPage />],
              ['intake', <IntakePage />],
              ['worklist', <WorklistPage />],
              ['definitions', <DefinitionsPage />],
              ['editor', <EditorPage />],
            ] as const
          ).map(([page, element]) => (
            <Route
              key={page}
              path={`/${page}`}
              element={<RequireStaff page={page}>{element}</RequireStaff>}
            />
          ))}
          <Route path="/petitions/:id" element={<PetitionPage />} />
        </Route>
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Suspense>
  );
}
