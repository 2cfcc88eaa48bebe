// "My apps": the applications this person can open, as cards that open each app's launch URL.
import { meApi } from '../../api/me';
import { EmptyState } from '../../components/empty-state';
import { LoadProblem } from '../../components/load-problem';
import { Loading } from '../../components/notice';
import { useLoader } from '../../components/use-loader';
import { AppLogo } from './app-logo';

export function MyAppsSection() {
  const { data, error: failure, reload } = useLoader(() => meApi.apps(), []);
  return (
    <section className="card panel" aria-labelledby="my-apps-heading">
      <h2 id="my-apps-heading">My apps</h2>
      {failure ? (
        <LoadProblem error={failure} onRetry={() => reload()} />
      ) : !data ? (
        <Loading />
      ) : data.items.length === 0 ? (
        <EmptyState title="No apps to open yet.">Apps appear here when your admin adds them with a launch address.</EmptyState>
      ) : (
        <ul className="app-grid">
          {data.items.map((app) => (
            <li key={app.id}>
              <a className="app-card" href={app.launchUrl}>
                <AppLogo name={app.name} logoUri={app.logoUri} />
                <span className="app-card-name">{app.name}</span>
                <span className="app-card-host">{hostOf(app.launchUrl)}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
