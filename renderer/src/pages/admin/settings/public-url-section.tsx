// The address apps and browsers use to reach Gatehouse (the OIDC issuer). Saved here, it applies at the next start:
// every app's settings name it, so it never changes under running apps.
import { settingsApi, type InstanceSettings } from '../../../api/settings';
import { Field } from '../../../components/field';
import { Notice } from '../../../components/notice';
import { SettingsSection } from './settings-section';
import { useSectionForm, type Errors } from './use-section-form';

type Form = { publicUrl: string };

/** The server's own pattern (InstanceBody): http or https, a host, an optional path, no query or fragment. */
const PUBLIC_URL = /^https?:\/\/[^/?#]+(\/[^?#]*)?$/;

export function checkPublicUrl(url: string): string | null {
  const trimmed = url.trim();
  if (!PUBLIC_URL.test(trimmed)) return 'Enter an address starting with https:// or http://, like https://login.example.com, without ? or #.';
  if (trimmed.length > 200) return 'Use at most 200 characters.';
  return null;
}

export function PublicUrlSection({ instance, onSaved }: { instance: InstanceSettings; onSaved: (instance: InstanceSettings) => void }) {
  const form = useSectionForm<Form>({ publicUrl: instance.savedPublicUrl ?? instance.publicUrl });
  const check = (current: Form): Errors<Form> => {
    const problem = checkPublicUrl(current.publicUrl);
    return problem ? { publicUrl: problem } : {};
  };
  return (
    <SettingsSection
      id="public-url"
      title="Public URL"
      saveLabel="Save public URL"
      intro={
        <>
          <p>
            The address apps and browsers use to reach Gatehouse. Apps are configured with it (it is the OpenID issuer), so change it only with them.
            Now running at <code className="inline-code">{instance.publicUrl}</code>.
          </p>
          {instance.setByConfig && <Notice kind="info">The config file or a command-line flag sets the public URL, and wins over the one saved here.</Notice>}
          {instance.restartNeeded && instance.savedPublicUrl && (
            <Notice kind="info">
              <strong>Restart needed.</strong> Gatehouse uses <code className="inline-code">{instance.savedPublicUrl}</code> after its next start; until then apps keep using{' '}
              <code className="inline-code">{instance.publicUrl}</code>.
            </Notice>
          )}
        </>
      }
      formRef={form.formRef}
      onSubmit={form.onSubmit(check, async (current) => onSaved(await settingsApi.saveInstance({ publicUrl: current.publicUrl.trim().replace(/\/+$/, '') })))}
      busy={form.busy}
      saved={form.saved}
      formError={form.formError}
    >
      <div className="form-narrow">
        <Field label="Public URL" name="publicUrl" type="url" inputMode="url" autoCapitalize="none" spellCheck={false} value={form.values.publicUrl} onChange={(event) => form.change('publicUrl', event.target.value)} error={form.errors.publicUrl} hint="Applies after a restart of Gatehouse." />
      </div>
    </SettingsSection>
  );
}
