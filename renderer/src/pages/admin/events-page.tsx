// Placeholder, replaced by the page itself.
import { AdminShell } from '../../components/admin-shell';

export function EventsPage() {
  return <AdminShell title="Events" section="events"><p>Not built yet.</p></AdminShell>;
}
