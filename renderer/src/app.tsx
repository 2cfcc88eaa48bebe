// Picks the page for the address the browser loaded.
import { routeOf } from './routes';
import { HomePage } from './pages/home-page';
import { LoginPage } from './pages/login-page';
import { SetupPage } from './pages/setup-page';
import { ResetPage } from './pages/reset-page';
import { InteractionPage } from './pages/interaction/interaction-page';
import { ApiDocsPage } from './pages/api-docs-page';
import { DashboardPage } from './pages/admin/dashboard-page';
import { UsersPage } from './pages/admin/users-page';
import { UserPage } from './pages/admin/user-page';
import { GroupsPage } from './pages/admin/groups-page';
import { GroupPage } from './pages/admin/group-page';
import { ApplicationsPage } from './pages/admin/applications-page';
import { ApplicationPage } from './pages/admin/application-page';
import { SessionsPage } from './pages/admin/sessions-page';
import { EventsPage } from './pages/admin/events-page';
import { SettingsPage } from './pages/admin/settings-page';
import { TokensPage } from './pages/admin/tokens-page';
import { BackupsPage } from './pages/admin/backups-page';
import { NotFoundPage } from './pages/not-found-page';

export function App() {
  const route = routeOf(window.location);
  switch (route.page) {
    case 'home':
      return <HomePage />;
    case 'login':
      return <LoginPage next={route.next} />;
    case 'setup':
      return <SetupPage token={route.token} />;
    case 'reset':
      return <ResetPage token={route.token} />;
    case 'interaction':
      return <InteractionPage uid={route.uid} />;
    case 'api-docs':
      return <ApiDocsPage />;
    case 'admin-dashboard':
      return <DashboardPage />;
    case 'admin-users':
      return <UsersPage />;
    case 'admin-user':
      return <UserPage id={route.id} />;
    case 'admin-groups':
      return <GroupsPage />;
    case 'admin-group':
      return <GroupPage id={route.id} />;
    case 'admin-applications':
      return <ApplicationsPage />;
    case 'admin-application':
      return <ApplicationPage id={route.id} />;
    case 'admin-sessions':
      return <SessionsPage />;
    case 'admin-events':
      return <EventsPage />;
    case 'admin-settings':
      return <SettingsPage />;
    case 'admin-tokens':
      return <TokensPage />;
    case 'admin-backups':
      return <BackupsPage />;
    case 'not-found':
      return <NotFoundPage />;
  }
}
