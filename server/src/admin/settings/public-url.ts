// The public URL an admin saved (Settings → Instance), read once at start: it is the OIDC issuer and the origin of
// the cookies and the same-origin checks, all fixed for the life of the process. Which one applies: http.publicUrl of
// the config file or environment (GATEHOUSE_HTTP_PUBLIC_URL), else the saved one, else LAN mode's, else host:port.
import type pg from 'pg';
import { PUBLIC_URL_KEY, SettingsRepo, StoredPublicUrl } from './repo.ts';

/** The saved public URL without a trailing slash; null when none was saved. */
export async function savedPublicUrl(db: Pick<pg.Pool, 'query'>): Promise<string | null> {
  const saved = await new SettingsRepo(db).read(PUBLIC_URL_KEY, StoredPublicUrl);
  return saved ? normalizePublicUrl(saved.publicUrl) : null;
}

/** Without trailing slashes, as the rest of Gatehouse joins paths to it. */
export function normalizePublicUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
