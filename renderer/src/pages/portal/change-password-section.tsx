// "Change password": the current one (proves it is really them), the new one twice. The server checks the policy;
// its refusal appears next to the field it concerns. Other sessions of the account are signed out.
import { useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../api/flow';
import { meApi } from '../../api/me';
import { Field } from '../../components/field';
import { Notice } from '../../components/notice';
import { SubmitButton } from '../../components/submit-button';
import { useSubmit } from '../../components/use-submit';

type FieldName = 'currentPassword' | 'newPassword' | 'confirm';

/** Which field a refusal belongs to: the one it names, else by its code. */
function fieldOf(error: ApiError): FieldName | null {
  const named = error.field?.split('.')[0];
  if (named === 'currentPassword' || named === 'newPassword') return named;
  if (/current|wrong_password|invalid_credentials/.test(error.code)) return 'currentPassword';
  if (/^password_/.test(error.code)) return 'newPassword';
  return null;
}

export function ChangePasswordSection({ username, onChanged }: { username: string; onChanged: () => void }) {
  const [values, setValues] = useState<Record<FieldName, string>>({ currentPassword: '', newPassword: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [done, setDone] = useState<string | null>(null);
  const refs = { currentPassword: useRef<HTMLInputElement>(null), newPassword: useRef<HTMLInputElement>(null), confirm: useRef<HTMLInputElement>(null) };
  const submit = useSubmit();
  const set = (name: FieldName) => (event: { target: { value: string } }) => setValues((current) => ({ ...current, [name]: event.target.value }));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    const found: Partial<Record<FieldName, string>> = {};
    if (values.currentPassword === '') found.currentPassword = 'Enter the password you use now.';
    if (values.newPassword === '') found.newPassword = 'Choose a new password.';
    else if (values.confirm !== values.newPassword) found.confirm = 'The two new passwords are not the same.';
    setErrors(found);
    const first = (['currentPassword', 'newPassword', 'confirm'] as const).find((name) => found[name]);
    if (first) return refs[first].current?.focus();

    let others = 0;
    const failure = await submit.run(async () => {
      others = (await meApi.changePassword({ currentPassword: values.currentPassword, newPassword: values.newPassword })).otherSessionsRevoked;
    });
    if (!failure) {
      setValues({ currentPassword: '', newPassword: '', confirm: '' });
      setDone(others === 0 ? 'Your password was changed.' : `Your password was changed, and your ${others === 1 ? 'other session was' : `${others} other sessions were`} signed out.`);
      onChanged();
      return;
    }
    const field = fieldOf(failure);
    if (field) {
      setErrors({ [field]: failure.message });
      if (field === 'currentPassword') setValues((current) => ({ ...current, currentPassword: '' }));
      refs[field].current?.focus();
    }
  }

  const formError = submit.error && !fieldOf(submit.error) ? submit.error.message : null;
  return (
    <section className="card panel" aria-labelledby="change-password-heading">
      <h2 id="change-password-heading">Change password</h2>
      <p>Your other sessions are signed out when the password changes; this one stays.</p>
      {done && <Notice kind="success">{done}</Notice>}
      {formError && <Notice kind="error">{formError}</Notice>}
      <form className="form-narrow" onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <input className="visually-hidden" type="text" name="username" autoComplete="username" value={username} readOnly tabIndex={-1} aria-hidden="true" />
        <Field ref={refs.currentPassword} label="Current password" name="current-password" type="password" autoComplete="current-password" value={values.currentPassword} onChange={set('currentPassword')} error={errors.currentPassword} />
        <Field ref={refs.newPassword} label="New password" name="new-password" type="password" autoComplete="new-password" value={values.newPassword} onChange={set('newPassword')} error={errors.newPassword} hint="A long phrase you use nowhere else is best." />
        <Field ref={refs.confirm} label="New password again" name="confirm-password" type="password" autoComplete="new-password" value={values.confirm} onChange={set('confirm')} error={errors.confirm} />
        <SubmitButton busy={submit.busy} busyLabel="Changing…">
          Change password
        </SubmitButton>
      </form>
    </section>
  );
}
