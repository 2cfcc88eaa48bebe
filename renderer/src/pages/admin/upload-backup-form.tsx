// Upload a backup file made elsewhere (another machine, a copy kept offline); it then shows in the list.
import { useId, useRef, useState, type FormEvent } from 'react';
import { backupsApi, type UploadedBackup } from '../../api/backups';
import { Notice } from '../../components/notice';
import { useSubmit } from '../../components/use-submit';
import { formatBytes } from './format';

export function UploadBackupForm({ onUploaded }: { onUploaded: () => void }) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [missing, setMissing] = useState(false);
  const [uploaded, setUploaded] = useState<UploadedBackup | null>(null);
  const submit = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const file = input.current?.files?.[0];
    setMissing(!file);
    setUploaded(null);
    if (!file) return input.current?.focus();
    const error = await submit.run(async () => setUploaded(await backupsApi.upload(file)));
    if (error) return;
    input.current!.value = '';
    onUploaded();
  }

  return (
    <form className="upload-form" onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
      <h3>Upload a backup</h3>
      {submit.error && <Notice kind="error">{submit.error.message}</Notice>}
      {uploaded && (
        <Notice kind="success">
          Uploaded as <strong className="file-name">{uploaded.name}</strong> ({formatBytes(uploaded.size)}).
        </Notice>
      )}
      <div className={missing ? 'field field-invalid' : 'field'}>
        <label htmlFor={inputId}>Backup file (.ghbk)</label>
        <div className="upload-row">
          <input ref={input} id={inputId} type="file" accept=".ghbk" aria-invalid={missing || undefined} aria-describedby={missing ? `${inputId}-error` : undefined} onChange={() => setMissing(false)} />
          <button type="submit" className="secondary" disabled={submit.busy}>
            {submit.busy ? 'Uploading…' : 'Upload'}
          </button>
        </div>
        {missing && (
          <p className="field-error" id={`${inputId}-error`}>
            Choose a backup file first.
          </p>
        )}
      </div>
    </form>
  );
}
