// /reset?token=… — a new password through a link an admin made (Users → send/print a reset link). The link works
// once and expires; after the new password is set the person is signed in and lands on their account page.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/flow';
import { signInApi, type ResetView } from '../api/me';
import { Field } from '../components/field';
import { Loading, Notice } from '../components/notice';
import { SubmitButton } from '../components/submit-button';
import { useSubmit } from '../components/use-submit';
import { BrandedLayout } from './portal/branding';

type State = { state: 'loading' } | ResetView | { state: 'unreachable'; message: string };

/** Refusals that mean the link itself no longer works. */
const DEAD_LINK = new Set(['reset_link_invalid']);

export function ResetPage({ token }: { token: string | null }) {
  const [view, setView] = useState<State>(token ? { state: 'loading' } : { state: 'invalid_link' });
  useEffect(() => {
    if (!token) return;
    signInApi.resetState(token).then(setView, (error: unknown) =>
      setView(error instanceof ApiError && error.status < 500 && error.status !== 0 ? { state: 'invalid_link' } : { state: 'unreachable', message: error instanceof ApiError ? error.message : 'Gatehouse cannot be reached.' }),
    );
  }, [token]);

  switch (view.state) {
    case 'loading':
      return (
        <BrandedLayout title="Choose a new password">
          <Loading />
        </BrandedLayout>
      );
    case 'unreachable':
      return (
        <BrandedLayout title="Choose a new password">
          <Notice kind="error">{view.message} Reload this page to try again.</Notice>
        </BrandedLayout>
      );
    case 'invalid_link':
      return (
        <BrandedLayout title="This link does not work">
          <p>The password reset link is incomplete, has expired, or was used already. Each link works once.</p>
          <p>Ask your admin for a new link. If you know your password, sign in instead.</p>
          <div className="actions">
            <a className="secondary button-link" href="/login">
              Sign in
            </a>
          </div>
        </BrandedLayout>
      );
    case 'open':
      return <ResetForm token={token!} username={view.username} passwordMinLength={view.passwordMinLength} onDeadLink={() => setView({ state: 'invalid_link' })} />;
  }
}

function ResetForm({ token, username, passwordMinLength, onDeadLink }: { token: string; username: string; passwordMinLength: number; onDeadLink: () => void }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ password?: string; confirm?: string }>({});
  const passwordRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);
  const submit = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if ([...password].length < passwordMinLength) {
      setErrors({ password: `Use at least ${passwordMinLength} characters.` });
      return passwordRef.current?.focus();
    }
    if (confirm !== password) {
      setErrors({ confirm: 'The two passwords are not the same.' });
      return confirmRef.current?.focus();
    }
    setErrors({});
    const failure = await submit.run(async () => {
      const done = await signInApi.reset({ token, password });
      window.location.assign(done.redirectTo);
    });
    if (!failure) return;
    if (DEAD_LINK.has(failure.code)) return onDeadLink();
    // The password policy's refusals (too short, the username) belong to the new password.
    if (failure.status === 400 && (failure.field === 'password' || failure.field === null)) {
      setErrors({ password: failure.message });
      passwordRef.current?.focus();
    }
  }

  const formError = submit.error && !(submit.error.status === 400 && (submit.error.field === 'password' || submit.error.field === null)) ? submit.error.message : null;
  return (
    <BrandedLayout title="Choose a new password">
      <p className="identity">
        <span>
          For <strong>{username}</strong>
        </span>
      </p>
      {formError && <Notice kind="error">{formError}</Notice>}
      <form onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        {/* For password managers: the account this password belongs to. */}
        <input className="visually-hidden" type="text" name="username" autoComplete="username" value={username} readOnly tabIndex={-1} aria-hidden="true" />
        <Field ref={passwordRef} label="New password" name="new-password" type="password" autoComplete="new-password" required autoFocus value={password} onChange={(event) => setPassword(event.target.value)} error={errors.password} hint={`At least ${passwordMinLength} characters. A long phrase you use nowhere else is best.`} />
        <Field ref={confirmRef} label="New password again" name="confirm-password" type="password" autoComplete="new-password" required value={confirm} onChange={(event) => setConfirm(event.target.value)} error={errors.confirm} />
        <SubmitButton busy={submit.busy} busyLabel="Saving…">
          Set password and sign in
        </SubmitButton>
      </form>
    </BrandedLayout>
  );
}
