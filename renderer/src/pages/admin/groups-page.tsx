// Placeholder, replaced by the page itself.
import { AdminShell } from '../../components/admin-shell';

export function GroupsPage() {
  return <AdminShell title="Groups" section="groups"><p>Not built yet.</p></AdminShell>;
}
