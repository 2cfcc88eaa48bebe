// "Password-reset link": Gatehouse sends no mail, so it makes a one-time link that the admin hands over (copied
// into a message, or printed). The link is shown only here, once.
import { useEffect, useState } from 'react';
import { usersApi, type PasswordResetLink, type UserDetail } from '../../../api/users';
import { CopyButton } from '../../../components/copy-button';
import { Notice } from '../../../components/notice';
import { AbsoluteTime, RelativeTime } from '../../../components/relative-time';
import { useSubmit } from '../../../components/use-submit';

const PRINTING_CLASS = 'printing-reset-link';

function printLink() {
  // The print style sheet shows only the link's sheet while this class is on <body>.
  document.body.classList.add(PRINTING_CLASS);
  window.print();
}

export function ResetLinkSection({ user, suggest }: { user: UserDetail; suggest: boolean }) {
  const [link, setLink] = useState<PasswordResetLink | null>(null);
  const submit = useSubmit();
  useEffect(() => {
    const done = () => document.body.classList.remove(PRINTING_CLASS);
    window.addEventListener('afterprint', done);
    return () => window.removeEventListener('afterprint', done);
  }, []);

  return (
    <section className="card panel" aria-labelledby="reset-heading">
      <h2 id="reset-heading">Password-reset link</h2>
      {suggest && !user.hasPassword && !link && (
        <Notice kind="info">{user.username} has no password yet. Make a link and give it to them, so they can choose one.</Notice>
      )}
      <p>
        Gatehouse sends no email. Make a link here and give it to {user.username} yourself: paste it into a chat message or print it. Anyone with
        the link can set the password, once, until it expires.
      </p>
      {submit.error && <Notice kind="error">{submit.error.message}</Notice>}
      {link && (
        <div className="reset-link" aria-live="polite">
          <div className="reset-link-sheet">
            <p className="reset-link-title">
              Password-reset link for <strong>{user.username}</strong>
            </p>
            <p className="reset-link-url file-name" id="reset-link-url">
              {link.url}
            </p>
            <p className="reset-link-expiry">
              Works once, until <AbsoluteTime value={link.expiresAt} /> (<RelativeTime value={link.expiresAt} />).
            </p>
          </div>
          <div className="actions">
            <CopyButton value={link.url} label="Copy link" targetId="reset-link-url" />
            <button type="button" className="secondary button-small" onClick={printLink}>
              Print
            </button>
          </div>
        </div>
      )}
      <div className="actions">
        <button type="button" className={link ? 'secondary' : 'primary'} disabled={submit.busy} onClick={() => void submit.run(async () => setLink(await usersApi.passwordResetLink(user.id)))}>
          {submit.busy ? 'Making a link…' : link ? 'Make a new link' : 'Make a password-reset link'}
        </button>
      </div>
      {link && <p className="hint">The link is shown only now. If it is lost, make a new one.</p>}
    </section>
  );
}
