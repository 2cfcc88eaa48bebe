// The check of a new backup passphrase, before it is sent: long enough, and typed the same twice.
import { MIN_PASSPHRASE_LENGTH } from '../../api/backups';

export const PASSPHRASE_HINT = `At least ${MIN_PASSPHRASE_LENGTH} characters; a few random words work well. Keep it somewhere other than this machine: without it, nobody can open the backup, not even you.`;

export function newPassphraseProblems(passphrase: string, confirm: string): { passphrase?: string; confirm?: string } {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) return { passphrase: `Use at least ${MIN_PASSPHRASE_LENGTH} characters.` };
  if (confirm !== passphrase) return { confirm: 'The two passphrases are not the same.' };
  return {};
}
