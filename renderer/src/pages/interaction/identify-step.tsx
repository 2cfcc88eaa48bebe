// Identification: the username or email only. Whether it exists is never said here (or later).
import { useRef, useState, type FormEvent } from 'react';
import type { InteractionView } from '../../api/flow';
import { Field } from '../../components/field';
import { Notice } from '../../components/notice';
import { SubmitButton } from '../../components/submit-button';
import { useSubmit } from '../../components/use-submit';
import type { Act } from './interaction-page';

export function IdentifyStep({ view, act }: { view: Extract<InteractionView, { step: 'identify' }>; act: Act }) {
  const [login, setLogin] = useState(view.login ?? '');
  const [missing, setMissing] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const submit = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (login.trim() === '') {
      setMissing(true);
      input.current?.focus();
      return;
    }
    setMissing(false);
    if (await submit.run(() => act('identify', { login: login.trim() }))) input.current?.focus();
  }

  const fieldError = missing ? 'Enter your username or email address.' : submit.error?.code === 'login_required' ? submit.error.message : null;
  const formError = submit.error && submit.error.code !== 'login_required' ? submit.error.message : null;
  return (
    <>
      {formError && <Notice kind="error">{formError}</Notice>}
      <form onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <Field
          ref={input}
          label="Username or email"
          name="username"
          type="text"
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          required
          autoFocus
          value={login}
          onChange={(event) => setLogin(event.target.value)}
          error={fieldError}
        />
        <SubmitButton busy={submit.busy} busyLabel="Continuing…">
          Continue
        </SubmitButton>
      </form>
      <CancelButton act={act} />
    </>
  );
}

/** Gives up on signing in; the application is told access was denied. */
export function CancelButton({ act }: { act: Act }) {
  const submit = useSubmit();
  return (
    <>
      {submit.error && <Notice kind="error">{submit.error.message}</Notice>}
      <p className="secondary-actions">
        <button type="button" className="link" disabled={submit.busy} onClick={() => void submit.run(() => act('cancel'))}>
          Cancel and return to the application
        </button>
      </p>
    </>
  );
}
