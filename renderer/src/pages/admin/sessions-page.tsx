// Placeholder, replaced by the page itself.
import { AdminShell } from '../../components/admin-shell';

export function SessionsPage() {
  return <AdminShell title="Sessions" section="sessions"><p>Not built yet.</p></AdminShell>;
}
