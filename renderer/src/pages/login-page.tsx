// /login?next=… — signing in to Gatehouse itself (the portal, the control UI), with the instance's name and logo.
// A wrong password and an unknown account read the same; too many attempts say when to try again.
// Signing in to an app goes through /interaction/:uid instead; this page looks the same on purpose.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { flowApi, type SessionView } from '../api/flow';
import { signInApi } from '../api/me';
import { Field } from '../components/field';
import { Notice } from '../components/notice';
import { SubmitButton } from '../components/submit-button';
import { useSubmit } from '../components/use-submit';
import { BrandedLayout } from './portal/branding';

/** "in 5 minutes", "in 40 seconds": when a throttled sign-in may be tried again. */
export function retryText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export function LoginPage({ next }: { next: string }) {
  const [session, setSession] = useState<SessionView | null>(null);
  const [another, setAnother] = useState(false);
  useEffect(() => {
    flowApi.session().then(setSession, () => setSession({ signedIn: false }));
  }, []);

  if (session?.signedIn && !another) {
    return (
      <BrandedLayout title="Sign in">
        <p className="identity">
          <span>
            You are signed in as <strong>{session.user.displayName ?? session.user.username}</strong>
          </span>
          <button type="button" className="link" onClick={() => setAnother(true)}>
            Use another account
          </button>
        </p>
        <div className="actions">
          <a className="primary button-link" href={next}>
            Continue
          </a>
        </div>
      </BrandedLayout>
    );
  }
  return (
    <BrandedLayout title="Sign in">
      <LoginForm next={next} />
    </BrandedLayout>
  );
}

function LoginForm({ next }: { next: string }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState(false);
  const [missing, setMissing] = useState<{ login?: string; password?: string }>({});
  const loginInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const submit = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found = {
      ...(login.trim() === '' ? { login: 'Enter your username or email address.' } : {}),
      ...(password === '' ? { password: 'Enter your password.' } : {}),
    };
    setMissing(found);
    if (found.login) return loginInput.current?.focus();
    if (found.password) return passwordInput.current?.focus();
    const failure = await submit.run(async () => {
      const done = await signInApi.signIn({ login: login.trim(), password, next });
      window.location.assign(done.redirectTo);
    });
    if (!failure) return;
    // Wrong or throttled: an empty password field to type into again, focused, with the reason beside it.
    setPassword('');
    if (failure.field === 'login') loginInput.current?.focus();
    else passwordInput.current?.focus();
  }

  const error = submit.error;
  const throttled = error?.status === 429;
  const loginError = missing.login ?? (error?.field === 'login' ? error.message : null);
  const passwordError = missing.password ?? (error && !throttled && error.field !== 'login' && error.status !== 0 && error.status < 500 ? error.message : null);
  const formError = error && (throttled || error.status === 0 || error.status >= 500) ? error : null;
  return (
    <>
      {formError && (
        <Notice kind="error">
          {formError.message}
          {throttled && formError.retryAfterSeconds !== null && !/try again in/i.test(formError.message) && <> Try again in {retryText(formError.retryAfterSeconds)}.</>}
        </Notice>
      )}
      <form onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <Field ref={loginInput} label="Username or email" name="username" autoComplete="username" autoCapitalize="none" autoCorrect="off" spellCheck={false} required autoFocus value={login} onChange={(event) => setLogin(event.target.value)} error={loginError} />
        <Field ref={passwordInput} label="Password" name="password" type={shown ? 'text' : 'password'} autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} error={passwordError} />
        <label className="checkbox">
          <input type="checkbox" checked={shown} onChange={(event) => setShown(event.target.checked)} />
          Show password
        </label>
        <SubmitButton busy={submit.busy} busyLabel="Signing in…">
          Sign in
        </SubmitButton>
      </form>
      <p className="fine-print">Forgot your password? Ask your admin for a reset link.</p>
    </>
  );
}
