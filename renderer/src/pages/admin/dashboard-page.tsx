// /admin — the dashboard: the instance and its database, the addresses apps use, counts, sign-ins over time, recent
// events and the last backup. Live: it refetches when status, events or sessions change.
import { useLive } from '../../api/live';
import { statusApi } from '../../api/status';
import { AdminShell } from '../../components/admin-shell';
import { LoadProblem } from '../../components/load-problem';
import { Loading } from '../../components/notice';
import { useLoader } from '../../components/use-loader';
import { AppUrls } from './dashboard/app-urls';
import { BackupState } from './dashboard/backup-state';
import { Counts } from './dashboard/counts';
import { LoginsChartSection } from './dashboard/logins-chart';
import { RecentEventsPanel } from './events/recent-events-panel';
import { StatusCards } from './dashboard/status-cards';

export function DashboardPage() {
  return (
    <AdminShell title="Dashboard" section="dashboard">
      <Dashboard />
    </AdminShell>
  );
}

function Dashboard() {
  const status = useLoader(() => statusApi.status(), []);
  useLive(['status', 'events', 'sessions'], () => status.reload(true));
  return (
    <>
      {status.error && <LoadProblem error={status.error} onRetry={() => status.reload()} />}
      {!status.data ? (
        !status.error && <Loading>Loading the status…</Loading>
      ) : (
        <>
          <Counts counts={status.data.counts} />
          <StatusCards status={status.data} />
        </>
      )}
      <div className="panel-columns panel-columns-wide">
        <LoginsChartSection />
        {status.data && <BackupState backups={status.data.backups} />}
      </div>
      <RecentEventsPanel query={{}} emptyTitle="Nothing has happened yet." link={{ href: '/admin/events', label: 'All events' }} />
      {status.data && <AppUrls urls={status.data.urls} />}
    </>
  );
}
