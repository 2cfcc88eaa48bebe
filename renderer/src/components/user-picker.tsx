// Finds a user by part of their name and picks one: a search field, then the matching users as buttons.
// Used to filter a list by user and to add a member to a group.
import { useRef, useState } from 'react';
import { usersApi, type UserSummary } from '../api/users';
import { SearchBox } from './search-box';
import { useLoader } from './use-loader';
import { Notice } from './notice';

const SHOWN = 8;

export interface UserPickerProps {
  label: string;
  hint?: string;
  onPick: (user: UserSummary) => void;
  /** The label of each result's button, e.g. (user) => `Add ${user.username}`; defaults to the username. */
  actionLabel?: (user: UserSummary) => string;
  /** Users not to offer (already members). */
  exclude?: ReadonlySet<string>;
  autoFocus?: boolean;
}

export function UserPicker({ label, hint, onPick, actionLabel, exclude, autoFocus }: UserPickerProps) {
  const [search, setSearch] = useState('');
  const found = useLoader(() => (search ? usersApi.list({ search, limit: SHOWN + (exclude?.size ?? 0) }) : Promise.resolve(null)), [search]);
  const users = (found.data?.items ?? []).filter((user) => !exclude?.has(user.id)).slice(0, SHOWN);
  const inputRef = useRef<HTMLInputElement>(null);

  function pick(user: UserSummary) {
    onPick(user);
    // Ready for the next one: the list goes, and the focus returns to the search field rather than to nowhere.
    setSearch('');
    inputRef.current?.focus();
  }
  return (
    <div className="user-picker">
      <SearchBox label={label} hint={hint} value={search} onSearch={setSearch} placeholder="Username, name or email" autoFocus={autoFocus} inputRef={inputRef} />
      {found.error && <Notice kind="error">{found.error.message}</Notice>}
      {search && found.data && (
        <div aria-live="polite">
          {users.length === 0 ? (
            <p className="picker-none">{found.data.items.length > 0 ? `Everyone who matches “${search}” is already here.` : `No user matches “${search}”.`}</p>
          ) : (
            <ul className="picker-results" aria-label="Matching users">
              {users.map((user) => (
                <li key={user.id}>
                  <button type="button" className="picker-result" onClick={() => pick(user)} aria-label={actionLabel ? actionLabel(user) : undefined}>
                    <span className="picker-name">{user.username}</span>
                    {(user.displayName || user.email) && <span className="picker-detail">{[user.displayName, user.email].filter(Boolean).join(' · ')}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
