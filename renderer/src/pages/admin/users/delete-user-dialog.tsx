// Deleting a user cannot be undone, so the dialog asks for their username to be typed before the red button works.
import { useState, type FormEvent } from 'react';
import { usersApi, type UserDetail } from '../../../api/users';
import { DialogActions } from '../../../components/dialog-actions';
import { Field } from '../../../components/field';
import { ModalDialog } from '../../../components/modal-dialog';
import { Notice } from '../../../components/notice';
import { useSubmit } from '../../../components/use-submit';

export function DeleteUserDialog({ user, onClose, onDeleted }: { user: UserDetail; onClose: () => void; onDeleted: () => void }) {
  const [typed, setTyped] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const submit = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (typed.trim() !== user.username) {
      setMismatch(true);
      return;
    }
    const error = await submit.run(() => usersApi.remove(user.id));
    if (!error) onDeleted();
  }

  return (
    <ModalDialog title={`Delete ${user.username}`} onClose={onClose}>
      <div className="confirm-body">
        <p>
          This deletes <strong>{user.username}</strong> for good: their sessions end at once, apps can no longer refresh their tokens, and their
          group memberships go. Their past events stay in the log.
        </p>
        <p>To keep the account but stop its use, disable it instead.</p>
      </div>
      {submit.error && <Notice kind="error">{submit.error.message}</Notice>}
      <form onSubmit={onSubmit} noValidate>
        <Field
          label={`Type ${user.username} to confirm`}
          name="confirm-username"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onChange={(event) => {
            setTyped(event.target.value);
            setMismatch(false);
          }}
          error={mismatch ? `Type the username exactly: ${user.username}` : null}
          autoFocus
        />
        <DialogActions onCancel={onClose} busy={submit.busy} label="Delete user" busyLabel="Deleting…" danger />
      </form>
    </ModalDialog>
  );
}
