// The instance's name and logo, shown on the sign-in pages and the user portal.
import { settingsApi, type Branding } from '../../../api/settings';
import { Field } from '../../../components/field';
import { LogoUpload } from './logo-upload';
import { SettingsSection } from './settings-section';
import { useSectionForm, type Errors } from './use-section-form';

type Form = { instanceName: string };

export function checkInstanceName(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Enter a name, like “Acme sign-in”.';
  if ([...trimmed].length > 60) return 'Use at most 60 characters.';
  return null;
}

export function BrandingSection({ branding, onSaved }: { branding: Branding; onSaved: (branding: Branding) => void }) {
  const form = useSectionForm<Form>({ instanceName: branding.instanceName });
  const check = (current: Form): Errors<Form> => {
    const problem = checkInstanceName(current.instanceName);
    return problem ? { instanceName: problem } : {};
  };
  return (
    <SettingsSection
      id="branding"
      title="Branding"
      saveLabel="Save branding"
      intro={<p>The name and logo people see when they sign in, and on their account page.</p>}
      formRef={form.formRef}
      onSubmit={form.onSubmit(check, async (current) => onSaved(await settingsApi.saveBranding({ instanceName: current.instanceName.trim() })))}
      busy={form.busy}
      saved={form.saved}
      formError={form.formError}
      after={<LogoUpload branding={branding} onChanged={onSaved} />}
    >
      <div className="form-narrow">
        <Field label="Instance name" name="instanceName" maxLength={60} value={form.values.instanceName} onChange={(event) => form.change('instanceName', event.target.value)} error={form.errors.instanceName} hint="For example your team’s or company’s name." />
      </div>
    </SettingsSection>
  );
}
