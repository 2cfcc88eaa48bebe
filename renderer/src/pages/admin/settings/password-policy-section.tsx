// What a new password must be: long enough, and not the username (NIST SP 800-63B: length, not composition rules).
import type { PasswordPolicy } from '../../../api/settings';
import { settingsApi } from '../../../api/settings';
import { Field } from '../../../components/field';
import { SettingsSection } from './settings-section';
import { useSectionForm, wholeNumber, type Errors } from './use-section-form';

type Form = { minLength: string; disallowUsername: boolean };

export function PasswordPolicySection({ policy, onSaved }: { policy: PasswordPolicy; onSaved: (policy: PasswordPolicy) => void }) {
  const form = useSectionForm<Form>({ minLength: String(policy.minLength), disallowUsername: policy.disallowUsername });
  const { values, errors, change } = form;

  function check(current: Form): Errors<Form> {
    const length = wholeNumber(current.minLength);
    return length === null || length < 8 || length > 64 ? { minLength: 'Enter a length from 8 to 64 characters.' } : {};
  }

  return (
    <SettingsSection
      id="password-policy"
      title="Password policy"
      saveLabel="Save password policy"
      intro={<p>Checked whenever a password is set or changed. Existing passwords keep working.</p>}
      formRef={form.formRef}
      onSubmit={form.onSubmit(check, async (current) => onSaved(await settingsApi.savePasswordPolicy({ minLength: wholeNumber(current.minLength)!, disallowUsername: current.disallowUsername })))}
      busy={form.busy}
      saved={form.saved}
      formError={form.formError}
    >
      <div className="form-narrow">
        <Field label="Minimum length (characters)" name="minLength" type="number" inputMode="numeric" min={8} max={64} value={values.minLength} onChange={(event) => change('minLength', event.target.value)} error={errors.minLength} hint="Length is what makes a password strong; 12 or more is a good choice." />
      </div>
      <label className="checkbox">
        <input type="checkbox" name="disallowUsername" checked={values.disallowUsername} onChange={(event) => change('disallowUsername', event.target.checked)} aria-invalid={errors.disallowUsername ? true : undefined} />
        Refuse a password that is the username or email address
      </label>
      {errors.disallowUsername && <p className="field-error">{errors.disallowUsername}</p>}
    </SettingsSection>
  );
}
