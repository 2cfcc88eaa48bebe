// Verify or restore one backup file: asks for its passphrase, and, for a restore, a typed confirmation, because a
// restore replaces every piece of current data.
import { useRef, useState, type FormEvent } from 'react';
import { backupsApi, type BackupFile, type BackupRun } from '../../api/backups';
import { Field } from '../../components/field';
import { ModalDialog } from '../../components/modal-dialog';
import { Notice } from '../../components/notice';
import { useSubmit } from '../../components/use-submit';
import { formatTime } from './format';

export type FileAction = { kind: 'verify' | 'restore'; file: BackupFile };

const CONFIRM_WORD = 'RESTORE';

/** Refusals that are about the passphrase, shown under its field. */
const PASSPHRASE_CODES = new Set(['passphrase_missing', 'passphrase_too_long']);

export function FileActionDialog({ action, onStarted, onClose }: { action: FileAction; onStarted: (run: BackupRun) => void; onClose: () => void }) {
  const { kind, file } = action;
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [errors, setErrors] = useState<{ passphrase?: string; confirmation?: string }>({});
  const passphraseRef = useRef<HTMLInputElement>(null);
  const confirmationRef = useRef<HTMLInputElement>(null);
  const submit = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found: typeof errors = {};
    if (passphrase === '') found.passphrase = 'Enter the passphrase the backup was made with.';
    if (kind === 'restore' && confirmation.trim() !== CONFIRM_WORD) found.confirmation = `Type ${CONFIRM_WORD} to confirm that the current data is replaced.`;
    setErrors(found);
    if (found.passphrase) return passphraseRef.current?.focus();
    if (found.confirmation) return confirmationRef.current?.focus();
    const error = await submit.run(async () => onStarted(await (kind === 'verify' ? backupsApi.verify(file.name, passphrase) : backupsApi.restore(file.name, passphrase))));
    if (error && PASSPHRASE_CODES.has(error.code)) {
      setErrors({ passphrase: error.message });
      passphraseRef.current?.focus();
    }
  }

  const formError = submit.error && !PASSPHRASE_CODES.has(submit.error.code) ? submit.error.message : null;
  return (
    <ModalDialog title={kind === 'verify' ? 'Verify a backup' : 'Restore a backup'} onClose={onClose}>
      <p>
        <strong className="file-name">{file.name}</strong>
        {file.createdAt && <>, made {formatTime(file.createdAt)}</>}
      </p>
      {kind === 'verify' ? (
        <p>Gatehouse opens the backup, loads it beside the live data and compares every table. The live data is not changed.</p>
      ) : (
        <Notice kind="error">
          <strong>All current data will be replaced</strong> by the backup’s: users, groups, applications, sessions and settings. Whatever changed since
          the backup was made is lost. Make a backup first if you may want it back.
        </Notice>
      )}
      {formError && <Notice kind="error">{formError}</Notice>}
      <form onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <Field ref={passphraseRef} label="Backup passphrase" name="passphrase" type="password" autoComplete="off" autoFocus value={passphrase} onChange={(event) => setPassphrase(event.target.value)} error={errors.passphrase} />
        {kind === 'restore' && (
          <Field ref={confirmationRef} label={`Type ${CONFIRM_WORD} to confirm`} name="confirmation" autoComplete="off" autoCapitalize="characters" spellCheck={false} value={confirmation} onChange={(event) => setConfirmation(event.target.value)} error={errors.confirmation} />
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={kind === 'restore' ? 'danger' : 'primary'} disabled={submit.busy}>
            {submit.busy ? 'Starting…' : kind === 'verify' ? 'Verify' : 'Replace all data'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
