// The buttons at the foot of a dialog's form: Cancel, then the submit button, which says what runs while it does.
export function DialogActions({ onCancel, busy, label, busyLabel, danger = false }: { onCancel: () => void; busy: boolean; label: string; busyLabel: string; danger?: boolean }) {
  return (
    <div className="actions">
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}
