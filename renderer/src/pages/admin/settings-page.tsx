// /admin/settings — session lifetimes, password policy, branding (name, logo), the public URL and LAN mode. Each
// section saves on its own; changes made elsewhere (another admin, the CLI) show up live.
import { useRef } from 'react';
import { useLive } from '../../api/live';
import { settingsApi, type SettingsView } from '../../api/settings';
import { AdminShell } from '../../components/admin-shell';
import { LoadProblem } from '../../components/load-problem';
import { Loading, Notice } from '../../components/notice';
import { useLoader } from '../../components/use-loader';
import { BrandingSection } from './settings/branding-section';
import { LanSection } from './settings/lan-section';
import { PasswordPolicySection } from './settings/password-policy-section';
import { PublicUrlSection } from './settings/public-url-section';
import { SessionsSection } from './settings/sessions-section';

export function SettingsPage() {
  const { data: view, error: failure, reload, setData } = useLoader(() => settingsApi.get(), []);
  useLive(['settings'], () => reload(true));
  // Each section's save answers its own part; the others stay as they are now (two saves in a row keep both).
  const latest = useRef(view);
  latest.current = view;

  if (!view) {
    return (
      <AdminShell title="Settings" section="settings">
        {failure ? <LoadProblem error={failure} onRetry={() => reload()} /> : <Loading />}
      </AdminShell>
    );
  }
  const saved = <K extends keyof SettingsView>(key: K) => (value: SettingsView[K]) => setData({ ...latest.current!, [key]: value });
  return (
    <AdminShell title="Settings" section="settings">
      {failure && <Notice kind="error">{failure.message}</Notice>}
      <SessionsSection sessions={view.sessions} onSaved={saved('sessions')} />
      <PasswordPolicySection policy={view.passwordPolicy} onSaved={saved('passwordPolicy')} />
      <BrandingSection branding={view.branding} onSaved={saved('branding')} />
      <PublicUrlSection instance={view.instance} onSaved={saved('instance')} />
      <LanSection />
    </AdminShell>
  );
}
