// Placeholder, replaced by the page itself.
import { AdminShell } from '../../components/admin-shell';

export function TokensPage() {
  return <AdminShell title="API tokens" section="tokens"><p>Not built yet.</p></AdminShell>;
}
