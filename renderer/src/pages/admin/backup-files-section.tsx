// The backup files on the server: download, verify or restore each; upload one from elsewhere.
import { useState, type ReactNode } from 'react';
import { backupsApi, type BackupFile, type BackupRun } from '../../api/backups';
import { FileActionDialog, type FileAction } from './file-action-dialog';
import { UploadBackupForm } from './upload-backup-form';
import { formatBytes, formatTime } from './format';

export function BackupFilesSection(props: {
  files: BackupFile[];
  backupsDir: string;
  busy: boolean;
  status: ReactNode;
  onStarted: (run: BackupRun) => void;
  onUploaded: () => void;
}) {
  const { files, backupsDir, busy, status, onStarted, onUploaded } = props;
  const [action, setAction] = useState<FileAction | null>(null);

  return (
    <section className="card panel" aria-labelledby="backup-files-heading">
      <h2 id="backup-files-heading">Backup files</h2>
      <p className="hint">
        In <span className="file-name">{backupsDir}</span>
        {' '}and the schedule’s destination folder, newest first.
      </p>
      {status}
      {files.length === 0 ? (
        <p className="empty">No backups yet. Back up now, or upload a backup file below.</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">Backup files</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
              <th scope="col" className="numeric">
                Size
              </th>
              <th scope="col">App version</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {files.map((file) => (
              <tr key={file.name}>
                <th scope="row" className="file-name" data-label="Name">
                  {file.name}
                  {file.problem && <span className="file-problem">{file.problem}</span>}
                </th>
                <td data-label="Created">{file.createdAt ? <time dateTime={file.createdAt}>{formatTime(file.createdAt)}</time> : 'unknown'}</td>
                <td data-label="Size" className="numeric">
                  {formatBytes(file.size)}
                </td>
                <td data-label="App version">{file.appVersion ?? 'unknown'}</td>
                <td className="row-actions">
                  <a className="secondary button-small" href={backupsApi.downloadUrl(file.name)} download={file.name} aria-label={`Download ${file.name}`}>
                    Download
                  </a>
                  <button type="button" className="secondary button-small" disabled={busy || file.problem !== null} aria-label={`Verify ${file.name}`} onClick={() => setAction({ kind: 'verify', file })}>
                    Verify
                  </button>
                  <button type="button" className="secondary button-small danger-text" disabled={busy || file.problem !== null} aria-label={`Restore ${file.name}`} onClick={() => setAction({ kind: 'restore', file })}>
                    Restore
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <UploadBackupForm onUploaded={onUploaded} />
      {action && (
        <FileActionDialog
          action={action}
          onClose={() => setAction(null)}
          onStarted={(run) => {
            setAction(null);
            onStarted(run);
          }}
        />
      )}
    </section>
  );
}
