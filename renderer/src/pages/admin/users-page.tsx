// Placeholder, replaced by the page itself.
import { AdminShell } from '../../components/admin-shell';

export function UsersPage() {
  return <AdminShell title="Users" section="users"><p>Not built yet.</p></AdminShell>;
}
