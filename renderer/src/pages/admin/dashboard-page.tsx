// Placeholder, replaced by the page itself.
import { AdminShell } from '../../components/admin-shell';

export function DashboardPage() {
  return <AdminShell title="Dashboard" section="dashboard"><p>Not built yet.</p></AdminShell>;
}
