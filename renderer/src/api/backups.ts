// Typed calls to the backup API (server/src/backup/index.ts), for the control UI's Backups page.
// The shapes come from server/src/backup/schemas.ts, which imports nothing (the renderer has no Node).
import { ApiError } from './flow';

import type { BackupRun, BackupsView, ScheduleChange, ScheduleView, UploadedBackup } from '../../../server/src/backup/schemas';

export type { BackupRun, BackupsView, ScheduleChange, ScheduleView, UploadedBackup, RunKind } from '../../../server/src/backup/schemas';
export type BackupFile = BackupsView['files'][number];
export { MIN_PASSPHRASE_LENGTH } from '../../../server/src/backup/schemas';

type Body = { json: unknown } | { raw: Blob };

async function request<T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: Body): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body && 'json' in body) headers['content-type'] = 'application/json';
  if (body && 'raw' in body) headers['content-type'] = 'application/octet-stream';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : 'json' in body ? JSON.stringify(body.json) : body.raw,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Gatehouse cannot be reached. Check your connection and try again.');
  }
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) return payload as T;
  const refusal = (payload ?? {}) as { error?: string; message?: string };
  throw new ApiError(response.status, refusal.error ?? 'unexpected_error', refusal.message ?? `Gatehouse answered HTTP ${response.status}. Try again.`);
}

export const backupsApi = {
  overview: () => request<BackupsView>('GET', '/api/v1/backups'),
  run: (id: string) => request<BackupRun>('GET', `/api/v1/backups/runs/${encodeURIComponent(id)}`),
  backUp: (passphrase: string) => request<BackupRun>('POST', '/api/v1/backups', { json: { passphrase } }),
  verify: (file: string, passphrase: string) => request<BackupRun>('POST', '/api/v1/backups/verify', { json: { file, passphrase } }),
  restore: (file: string, passphrase: string) => request<BackupRun>('POST', '/api/v1/backups/restore', { json: { file, passphrase } }),
  saveSchedule: (change: ScheduleChange) => request<ScheduleView>('PUT', '/api/v1/backups/schedule', { json: change }),
  upload: (file: Blob) => request<UploadedBackup>('POST', '/api/v1/backups/upload', { raw: file }),
  downloadUrl: (name: string) => `/api/v1/backups/files/${encodeURIComponent(name)}`,
};
