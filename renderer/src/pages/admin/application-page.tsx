// Placeholder, replaced by the page itself.
import { AdminShell } from '../../components/admin-shell';

export function ApplicationPage({ id }: { id: string }) {
  return <AdminShell title="Application" section="applications"><p>Not built yet: {id}</p></AdminShell>;
}
