import { Button, ConfigProvider, Layout, Menu, Space, Spin, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { Accounts } from './pages/Accounts';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { useI18n } from './i18n';
import { useSession } from './session';
import { SearchPage } from './pages/SearchPage';
import { AgencyPage } from './pages/AgencyPage';
import { LoginPage } from './pages/LoginPage';
import { RegulatorHome } from './pages/RegulatorHome';
import { RegulatorAgencyPage } from './pages/RegulatorAgencyPage';
import { CyclePage } from './pages/CyclePage';
import { AgencyHome } from './pages/AgencyHome';
import { AuditHome, AuditAgencyPage } from './pages/AuditPages';
import { VerifyPage } from './pages/VerifyPage';
import { PasswordPage } from './pages/PasswordPage';
import type { ReactNode } from 'react';

export function App() {
  const { lang, setLang, t } = useI18n();
  const { me, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');

  const items = [
    { key: '/', label: <Link to="/">{t('navSearch')}</Link> },
    ...(me && ['regulator', 'agency', 'admin'].includes(me.role)
      ? [{ key: '/work', label: <Link to="/work">{t('navWork')}</Link> }]
      : []),
    ...(me && ['reviewer', 'auditor', 'regulator', 'admin'].includes(me.role)
      ? [{ key: '/audit', label: <Link to="/audit">{t('navAudit')}</Link> }]
      : []),
    ...(me && ['auditor', 'admin'].includes(me.role)
      ? [{ key: '/verify', label: <Link to="/verify">{t('navVerify')}</Link> }]
      : []),
    ...(me?.role === 'admin'
      ? [{ key: '/accounts', label: <Link to="/accounts">{t('navAccounts')}</Link> }]
      : []),
  ];
  const selected = '/' + (location.pathname.split('/')[1] ?? '');

  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      // antd's lighter greys fall short of WCAG AA contrast (4.5:1): darker ones, checked by axe.
      theme={{
        token: {
          colorPrimary: '#0050b3',
          colorLink: '#0047a3',
          colorInfo: '#0050b3',
          colorError: '#cf1322',
          colorWarning: '#ad4e00',
          colorSuccess: '#237804',
          colorTextSecondary: '#434343',
          colorTextTertiary: '#595959',
          colorTextQuaternary: '#6e6e6e',
          colorTextPlaceholder: '#6e6e6e',
          colorTextDescription: '#595959',
        },
      }}
      button={{ autoInsertSpace: false }}
    >
      <a className="skip-link" href="#main">
        {lang === 'zh' ? '跳到正文' : 'Skip to content'}
      </a>
      <Layout style={{ minHeight: '100vh' }}>
        <header className="ledger-header">
          <h1>
            <Link className="brand" to="/">
              {t('appTitle')}
            </Link>
          </h1>
          <nav aria-label={lang === 'zh' ? '主导航' : 'Main'} style={{ flex: 1, minWidth: 0 }}>
            <Menu
              theme="dark"
              mode="horizontal"
              selectedKeys={[selected === '/agencies' ? '/' : selected]}
              items={items}
              style={{ background: 'transparent' }}
            />
          </nav>
          <Space>
            <Button size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
              {t('language')}
            </Button>
            {me ? (
              <>
                <Typography.Text style={{ color: '#fff' }} data-testid="signed-in-as">
                  {me.displayName ?? me.username}
                </Typography.Text>
                <Button size="small" onClick={() => void navigate('/password')}>
                  {t('changePassword')}
                </Button>
                <Button size="small" onClick={() => void signOut().then(() => navigate('/'))}>
                  {t('signOut')}
                </Button>
              </>
            ) : (
              <Button size="small" type="primary" onClick={() => void navigate('/login')}>
                {t('signIn')}
              </Button>
            )}
          </Space>
        </header>
        <main id="main" className="ledger-main">
          <Routes>
            <Route path="/" element={<SearchPage />} />
            <Route path="/agencies/:uscc" element={<AgencyPage />} />
            <Route path="/login" element={<LoginPage />} />
            <Route path="/password" element={<PasswordPage />} />
            <Route
              path="/work"
              element={
                <Signed roles={['regulator', 'agency', 'admin']}>
                  <WorkHome />
                </Signed>
              }
            />
            <Route
              path="/work/agencies/:uscc"
              element={
                <Signed roles={['regulator', 'admin']}>
                  <RegulatorAgencyPage />
                </Signed>
              }
            />
            <Route
              path="/work/cycles/:cycleId"
              element={
                <Signed roles={['regulator', 'reviewer', 'admin']}>
                  <CyclePage />
                </Signed>
              }
            />
            <Route
              path="/audit"
              element={
                <Signed roles={['reviewer', 'auditor', 'regulator', 'admin']}>
                  <AuditHome />
                </Signed>
              }
            />
            <Route
              path="/audit/:uscc"
              element={
                <Signed roles={['reviewer', 'auditor', 'regulator', 'admin']}>
                  <AuditAgencyPage />
                </Signed>
              }
            />
            <Route
              path="/verify"
              element={
                <Signed roles={['auditor', 'admin']}>
                  <VerifyPage />
                </Signed>
              }
            />
            <Route
              path="/accounts"
              element={
                <Signed roles={['admin']}>
                  <Typography.Title level={3}>{t('navAccounts')}</Typography.Title>
                  <Accounts />
                </Signed>
              }
            />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </main>
      </Layout>
    </ConfigProvider>
  );
}

function WorkHome() {
  const { me } = useSession();
  return me?.role === 'agency' ? <AgencyHome /> : <RegulatorHome />;
}

/** A page for signed-in roles: the sign-in page otherwise. */
function Signed({ roles, children }: { roles: string[]; children: ReactNode }) {
  const { me } = useSession();
  const location = useLocation();
  if (me === undefined) return <Spin />;
  if (me === null || !roles.includes(me.role))
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname)}`} replace />;
  return <>{children}</>;
}
