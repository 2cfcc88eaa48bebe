// Step 1: the first admin, created with the one-time link Gatehouse prints when it starts without one.
// The server signs them in, so the next steps can use the admin API.
import { useRef, useState, type FormEvent } from 'react';
import { flowApi, type SetupState } from '../../api/flow';
import { Field } from '../../components/field';
import { Notice } from '../../components/notice';
import { SubmitButton } from '../../components/submit-button';
import { useSubmit } from '../../components/use-submit';

type FieldName = 'username' | 'email' | 'password' | 'confirm';

/** Which field each refusal of the API belongs next to. */
const FIELD_OF: Record<string, FieldName> = {
  invalid_username: 'username',
  username_taken: 'username',
  invalid_email: 'email',
  email_taken: 'email',
  password_too_short: 'password',
  password_too_long: 'password',
};

export function AdminStep({ token, passwordMinLength, onState, onDone }: { token: string; passwordMinLength: number; onState: (state: SetupState) => void; onDone: () => void }) {
  const [values, setValues] = useState<Record<FieldName, string>>({ username: '', email: '', password: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const refs = { username: useRef<HTMLInputElement>(null), email: useRef<HTMLInputElement>(null), password: useRef<HTMLInputElement>(null), confirm: useRef<HTMLInputElement>(null) };
  const submit = useSubmit();

  const set = (name: FieldName) => (event: { target: { value: string } }) => setValues((current) => ({ ...current, [name]: event.target.value }));

  function check(): Partial<Record<FieldName, string>> {
    const found: Partial<Record<FieldName, string>> = {};
    if (values.username.trim() === '') found.username = 'Choose a username.';
    if (!/^[^@\s]+@[^@\s]+$/.test(values.email.trim())) found.email = 'Enter an email address, like admin@example.com.';
    if ([...values.password].length < passwordMinLength) found.password = `Use at least ${passwordMinLength} characters.`;
    else if (values.confirm !== values.password) found.confirm = 'The two passwords are not the same.';
    return found;
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found = check();
    setErrors(found);
    const first = (Object.keys(refs) as FieldName[]).find((name) => found[name]);
    if (first) {
      refs[first].current?.focus();
      return;
    }
    const error = await submit.run(async () => {
      // The server signs the new admin in; the wizard goes on with the instance's name.
      await flowApi.completeSetup({ token, username: values.username.trim(), email: values.email.trim(), password: values.password });
      onDone();
    });
    if (!error) return;
    if (error.code === 'setup_closed') return onState('closed');
    if (error.code === 'setup_link_invalid') return onState('invalid_link');
    const field = FIELD_OF[error.code];
    if (field) {
      setErrors({ [field]: error.message });
      refs[field].current?.focus();
    }
  }

  // A refusal that belongs to no field shows above the form.
  const formError = submit.error && !FIELD_OF[submit.error.code] ? submit.error.message : null;
  return (
    <>
      <p>This account manages Gatehouse: its users, groups and applications. Gatehouse has no default password; you choose it now.</p>
      {formError && <Notice kind="error">{formError}</Notice>}
      <form onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <Field ref={refs.username} label="Username" name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required autoFocus value={values.username} onChange={set('username')} error={errors.username} hint="Letters, digits, dots, dashes, underscores or @." />
        <Field ref={refs.email} label="Email" name="email" type="email" autoComplete="email" required value={values.email} onChange={set('email')} error={errors.email} />
        <Field ref={refs.password} label="Password" name="new-password" type="password" autoComplete="new-password" required value={values.password} onChange={set('password')} error={errors.password} hint={`At least ${passwordMinLength} characters. A long phrase you use nowhere else is best.`} />
        <Field ref={refs.confirm} label="Password again" name="confirm-password" type="password" autoComplete="new-password" required value={values.confirm} onChange={set('confirm')} error={errors.confirm} />
        <SubmitButton busy={submit.busy} busyLabel="Creating…">
          Create admin and sign in
        </SubmitButton>
      </form>
    </>
  );
}
