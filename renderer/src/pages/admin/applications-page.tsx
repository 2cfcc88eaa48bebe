// Placeholder, replaced by the page itself.
import { AdminShell } from '../../components/admin-shell';

export function ApplicationsPage() {
  return <AdminShell title="Applications" section="applications"><p>Not built yet.</p></AdminShell>;
}
