// Deleting for good asks for the thing's name to be typed: a slip of the mouse cannot do it (GitHub's pattern for
// deleting a repository). Generic: could be shared.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ModalDialog } from '../../../components/modal-dialog';
import { Notice } from '../../../components/notice';
import { useSubmit } from '../../../components/use-submit';

export function TypedConfirmDialog({ title, name, confirmLabel, children, onConfirm, onClose }: { title: string; name: string; confirmLabel: string; children: ReactNode; onConfirm: () => Promise<unknown>; onClose: (confirmed: boolean) => void }) {
  const [typed, setTyped] = useState('');
  const id = useId();
  const submit = useSubmit();
  const matches = typed.trim() === name;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!matches) return;
    if (!(await submit.run(onConfirm))) onClose(true);
  }

  return (
    <ModalDialog title={title} onClose={() => onClose(false)}>
      <form onSubmit={onSubmit} noValidate>
        <div className="confirm-body">{children}</div>
        <div className="field">
          <label htmlFor={id}>
            Type <strong className="typed-name">{name}</strong> to confirm
          </label>
          <input id={id} value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" spellCheck={false} autoCapitalize="none" autoFocus />
        </div>
        {submit.error && <Notice kind="error">{submit.error.message}</Notice>}
        <div className="actions">
          <button type="button" className="secondary" onClick={() => onClose(false)}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={!matches || submit.busy}>
            {submit.busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
