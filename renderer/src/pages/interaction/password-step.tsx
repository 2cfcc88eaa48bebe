// The password, for the name given at identification. A wrong password and an unknown name read the same.
import { useRef, useState, type FormEvent } from 'react';
import type { InteractionView } from '../../api/flow';
import { Field } from '../../components/field';
import { SubmitButton } from '../../components/submit-button';
import { useSubmit } from '../../components/use-submit';
import { CancelButton } from './identify-step';
import type { Act } from './interaction-page';

export function PasswordStep({ view, act }: { view: Extract<InteractionView, { step: 'password' }>; act: Act }) {
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState(false);
  const [missing, setMissing] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const submit = useSubmit();
  const restart = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (password === '') {
      setMissing(true);
      input.current?.focus();
      return;
    }
    setMissing(false);
    if (await submit.run(() => act('password', { password }))) {
      // Wrong or throttled: an empty field to type into again, focused, with the reason right below it.
      setPassword('');
      input.current?.focus();
    }
  }

  const error = missing ? 'Enter your password.' : (submit.error?.message ?? restart.error?.message ?? null);
  return (
    <>
      <p className="identity">
        <span>
          Signing in as <strong>{view.login}</strong>
        </span>
        <button type="button" className="link" disabled={restart.busy} onClick={() => void restart.run(() => act('restart'))}>
          Use another account
        </button>
      </p>
      <form onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        {/* For password managers: the account this password belongs to. */}
        <input className="visually-hidden" type="text" name="username" autoComplete="username" value={view.login} readOnly tabIndex={-1} aria-hidden="true" />
        <Field
          ref={input}
          label="Password"
          name="password"
          type={shown ? 'text' : 'password'}
          autoComplete="current-password"
          required
          autoFocus
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={error}
        />
        <label className="checkbox">
          <input type="checkbox" checked={shown} onChange={(event) => setShown(event.target.checked)} />
          Show password
        </label>
        <SubmitButton busy={submit.busy} busyLabel="Signing in…">
          Sign in
        </SubmitButton>
      </form>
      <CancelButton act={act} />
    </>
  );
}
