// Placeholder, replaced by the page itself.
import { AdminShell } from '../../components/admin-shell';

export function GroupPage({ id }: { id: string }) {
  return <AdminShell title="Group" section="groups"><p>Not built yet: {id}</p></AdminShell>;
}
