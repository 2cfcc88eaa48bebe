// Picks the page for the address the browser loaded.
import { routeOf } from './routes';
import { HomePage } from './pages/home-page';
import { SetupPage } from './pages/setup-page';
import { InteractionPage } from './pages/interaction/interaction-page';
import { BackupsPage } from './pages/admin/backups-page';
import { NotFoundPage } from './pages/not-found-page';

export function App() {
  const route = routeOf(window.location);
  switch (route.page) {
    case 'home':
      return <HomePage />;
    case 'setup':
      return <SetupPage token={route.token} />;
    case 'interaction':
      return <InteractionPage uid={route.uid} />;
    case 'admin-backups':
      return <BackupsPage />;
    case 'not-found':
      return <NotFoundPage />;
  }
}
