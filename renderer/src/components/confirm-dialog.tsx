// Asks before a destructive action (revoke, delete, disable): says what happens, offers Cancel first, and runs the
// action only on the red button. A failure is shown in the dialog, which stays open so nothing is lost.
import type { ReactNode } from 'react';
import { ModalDialog } from './modal-dialog';
import { Notice } from './notice';
import { useSubmit } from './use-submit';

export interface ConfirmDialogProps {
  title: string;
  /** What will happen, in plain words. */
  children: ReactNode;
  /** The red button's label, naming the action ("Revoke session"). */
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  /** Called after onConfirm succeeded, or on Cancel / Escape. */
  onClose: (confirmed: boolean) => void;
}

export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const submit = useSubmit();
  async function confirm() {
    const error = await submit.run(onConfirm);
    if (!error) onClose(true);
  }
  return (
    <ModalDialog title={title} onClose={() => onClose(false)}>
      <div className="confirm-body">{children}</div>
      {submit.error && <Notice kind="error">{submit.error.message}</Notice>}
      <div className="actions">
        <button type="button" className="secondary" onClick={() => onClose(false)} autoFocus>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => void confirm()} disabled={submit.busy}>
          {submit.busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </ModalDialog>
  );
}
