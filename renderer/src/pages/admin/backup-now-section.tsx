// "Back up now": a passphrase typed twice, then the backup's progress and the file it wrote.
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { backupsApi, type BackupRun } from '../../api/backups';
import { Field } from '../../components/field';
import { Notice } from '../../components/notice';
import { SubmitButton } from '../../components/submit-button';
import { useSubmit } from '../../components/use-submit';
import { newPassphraseProblems, PASSPHRASE_HINT } from './passphrase';

export function BackupNowSection({ busy, onStarted, status }: { busy: boolean; onStarted: (run: BackupRun) => void; status: ReactNode }) {
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ passphrase?: string; confirm?: string }>({});
  const passphraseRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);
  const submit = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found = newPassphraseProblems(passphrase, confirm);
    setErrors(found);
    if (found.passphrase) return passphraseRef.current?.focus();
    if (found.confirm) return confirmRef.current?.focus();
    const error = await submit.run(async () => onStarted(await backupsApi.backUp(passphrase)));
    if (!error) {
      setPassphrase('');
      setConfirm('');
    } else if (error.code === 'backup_passphrase_weak') {
      setErrors({ passphrase: error.message });
      passphraseRef.current?.focus();
    }
  }

  const formError = submit.error && submit.error.code !== 'backup_passphrase_weak' ? submit.error.message : null;
  return (
    <section className="card panel" aria-labelledby="backup-now-heading">
      <h2 id="backup-now-heading">Back up now</h2>
      <p>
        A backup holds all of Gatehouse’s data (users, groups, applications, sessions, settings, signing keys) in one file, encrypted with the
        passphrase you choose here.
      </p>
      {formError && <Notice kind="error">{formError}</Notice>}
      <form className="form-narrow" onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <Field ref={passphraseRef} label="Backup passphrase" name="backup-passphrase" type="password" autoComplete="new-password" value={passphrase} onChange={(event) => setPassphrase(event.target.value)} error={errors.passphrase} hint={PASSPHRASE_HINT} />
        <Field ref={confirmRef} label="Passphrase again" name="backup-passphrase-confirm" type="password" autoComplete="new-password" value={confirm} onChange={(event) => setConfirm(event.target.value)} error={errors.confirm} />
        <SubmitButton busy={submit.busy || busy} busyLabel={submit.busy ? 'Starting…' : 'A run is in progress…'}>
          Back up now
        </SubmitButton>
      </form>
      {status}
    </section>
  );
}
