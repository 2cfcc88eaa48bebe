// A form's submit button: disabled, and saying what is happening, while the submission runs.
export function SubmitButton({ busy, busyLabel, children }: { busy: boolean; busyLabel: string; children: string }) {
  return (
    <div className="actions">
      <button type="submit" className="primary" disabled={busy}>
        {busy ? busyLabel : children}
      </button>
    </div>
  );
}
