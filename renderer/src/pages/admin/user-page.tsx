// Placeholder, replaced by the page itself.
import { AdminShell } from '../../components/admin-shell';

export function UserPage({ id }: { id: string }) {
  return <AdminShell title="User" section="users"><p>Not built yet: {id}</p></AdminShell>;
}
