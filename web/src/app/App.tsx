// The app shell: sign-in gate, the sidebar (pages, the signed-in user and workspace, sign out)
// and the page for the current URL. Each feature folder owns its pages; this file only routes.
import type { ReactNode } from 'react';
import { SignInPage } from '../features/auth/SignInPage';
import { CompaniesPage } from '../features/companies/CompaniesPage';
import { CompanyPage } from '../features/companies/CompanyPage';
import { ContactPage } from '../features/contacts/ContactPage';
import { ContactsPage } from '../features/contacts/ContactsPage';
import { NewContactPage } from '../features/contacts/NewContactPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { EmptyState, LoadingState } from '../ui/components';
import { Link, matchPath, navigate, useLocation } from './router';
import { useMe, useSession } from './session';

type Route = { pattern: string; render: (params: Record<string, string>) => ReactNode };
const ROUTES: Route[] = [
  { pattern: '/contacts', render: () => <ContactsPage /> },
  { pattern: '/contacts/new', render: () => <NewContactPage /> },
  { pattern: '/contacts/:id', render: (p) => <ContactPage id={p.id!} /> },
  { pattern: '/companies', render: () => <CompaniesPage /> },
  { pattern: '/companies/:id', render: (p) => <CompanyPage id={p.id!} /> },
  { pattern: '/settings', render: () => <SettingsPage section="fields" /> },
  { pattern: '/settings/:section', render: (p) => <SettingsPage section={p.section!} /> },
];

export function App() {
  const { state } = useSession();
  if (state.status === 'loading') return <LoadingState label="Starting Rally…" />;
  if (state.status === 'signed-out') return <SignInPage notice={state.error} />;
  return <Shell />;
}

const NAV = [
  { to: '/contacts', label: 'Contacts', icon: '◎' },
  { to: '/companies', label: 'Companies', icon: '▦' },
  { to: '/settings', label: 'Settings', icon: '⚙' },
];

function Shell() {
  const { path } = useLocation();
  const me = useMe();
  const { signOut } = useSession();
  if (path === '/' || path === '') {
    navigate('/contacts', { replace: true });
    return null;
  }
  let page: ReactNode = null;
  for (const r of ROUTES) {
    const params = matchPath(r.pattern, path);
    if (params) {
      page = r.render(params);
      break;
    }
  }
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand"><span className="brand-mark" aria-hidden="true">R</span><span className="label">Rally</span></div>
        {NAV.map((n) => (
          <Link key={n.to} to={n.to} className={`nav-link${path.startsWith(n.to) ? ' active' : ''}`} aria-current={path.startsWith(n.to) ? 'page' : undefined} title={n.label}>
            <span aria-hidden="true">{n.icon}</span><span className="label">{n.label}</span>
          </Link>
        ))}
        <div className="sidebar-foot">
          <div className="who" data-testid="current-user">{me.user.name || me.user.email}</div>
          <div className="ws" data-testid="current-workspace">{me.workspace.name} · {me.role}</div>
          <button className="btn small" onClick={() => void signOut()}>Sign out</button>
        </div>
      </nav>
      <main className="main">
        {page ?? (
          <div className="page">
            <EmptyState title="Page not found">
              <Link to="/contacts">Go to contacts</Link>
            </EmptyState>
          </div>
        )}
      </main>
    </div>
  );
}
