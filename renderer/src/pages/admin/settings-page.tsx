// Placeholder, replaced by the page itself.
import { AdminShell } from '../../components/admin-shell';

export function SettingsPage() {
  return <AdminShell title="Settings" section="settings"><p>Not built yet.</p></AdminShell>;
}
