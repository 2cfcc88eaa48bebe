// Whether the user may sign in: disable (asks first: it ends their sessions), enable, and delete (asks for the
// username). The server refuses to disable or delete the last admin, or yourself; its reason is shown in the dialog.
import { useState } from 'react';
import { usersApi, type UserDetail } from '../../../api/users';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { Notice } from '../../../components/notice';
import { RelativeTime } from '../../../components/relative-time';
import { useSubmit } from '../../../components/use-submit';
import { DeleteUserDialog } from './delete-user-dialog';

export function AccountSection({ user, isSelf, onChanged }: { user: UserDetail; isSelf: boolean; onChanged: (user: UserDetail) => void }) {
  const [asking, setAsking] = useState<'disable' | 'delete' | null>(null);
  const enable = useSubmit();

  return (
    <section className="card panel" aria-labelledby="account-heading">
      <h2 id="account-heading">Account</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd>{user.isActive ? 'Active: can sign in.' : 'Disabled: cannot sign in; apps cannot refresh their tokens.'}</dd>
        <dt>Password</dt>
        <dd>
          {user.hasPassword ? (
            user.passwordChangedAt ? (
              <>
                Set, changed <RelativeTime value={user.passwordChangedAt} />
              </>
            ) : (
              'Set'
            )
          ) : (
            'None yet: make a password-reset link below so they can choose one.'
          )}
        </dd>
        <dt>Created</dt>
        <dd>
          <RelativeTime value={user.createdAt} />
        </dd>
        <dt>Last changed</dt>
        <dd>
          <RelativeTime value={user.updatedAt} />
        </dd>
      </dl>
      {enable.error && <Notice kind="error">{enable.error.message}</Notice>}
      {isSelf && <p className="hint">This is your own account: another admin has to disable or delete it.</p>}
      <div className="actions">
        {user.isActive ? (
          <button type="button" className="secondary danger-outline" onClick={() => setAsking('disable')}>
            Disable user
          </button>
        ) : (
          <button type="button" className="secondary" disabled={enable.busy} onClick={() => void enable.run(async () => onChanged(await usersApi.update(user.id, { isActive: true })))}>
            {enable.busy ? 'Enabling…' : 'Enable user'}
          </button>
        )}
        <button type="button" className="danger" onClick={() => setAsking('delete')}>
          Delete user
        </button>
      </div>
      {asking === 'disable' && (
        <ConfirmDialog title={`Disable ${user.username}?`} confirmLabel="Disable user" onConfirm={async () => onChanged(await usersApi.update(user.id, { isActive: false }))} onClose={() => setAsking(null)}>
          <p>
            <strong>{user.username}</strong> will not be able to sign in, their sessions end now, and apps can no longer refresh their tokens. You can
            enable the account again later.
          </p>
        </ConfirmDialog>
      )}
      {asking === 'delete' && <DeleteUserDialog user={user} onClose={() => setAsking(null)} onDeleted={() => window.location.assign('/admin/users')} />}
    </section>
  );
}
