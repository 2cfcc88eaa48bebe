// /admin/users — every user, searched and filtered (kept in the address), a page at a time, and "New user".
import { useState } from 'react';
import { usersApi, type UserStatusFilter } from '../../api/users';
import { useLive } from '../../api/live';
import { AdminShell } from '../../components/admin-shell';
import { EmptyState } from '../../components/empty-state';
import { LoadProblem } from '../../components/load-problem';
import { Loading } from '../../components/notice';
import { Pager, usePager } from '../../components/pager';
import { SearchBox } from '../../components/search-box';
import { useLoader } from '../../components/use-loader';
import { useQueryParams } from '../../components/use-query-params';
import { NewUserDialog } from './users/new-user-dialog';
import { UsersTable } from './users/users-table';

export const USERS_PAGE_SIZE = 25;

const STATUS_OPTIONS: Array<{ value: '' | UserStatusFilter; label: string }> = [
  { value: '', label: 'All users' },
  { value: 'active', label: 'Active' },
  { value: 'disabled', label: 'Disabled' },
  { value: 'admin', label: 'Admins' },
];

function isStatusFilter(value: string): value is UserStatusFilter {
  return value === 'active' || value === 'disabled' || value === 'admin';
}

export function UsersPage() {
  const [creating, setCreating] = useState(false);
  return (
    <AdminShell
      title="Users"
      section="users"
      actions={
        <button type="button" className="primary button-small" onClick={() => setCreating(true)}>
          New user
        </button>
      }
    >
      <UsersList />
      {creating && <NewUserDialog onClose={() => setCreating(false)} />}
    </AdminShell>
  );
}

function UsersList() {
  const [query, setQuery] = useQueryParams(['search', 'status'] as const);
  const status = isStatusFilter(query.status) ? query.status : undefined;
  const pager = usePager();
  const users = useLoader(() => usersApi.list({ search: query.search || undefined, status, cursor: pager.cursor, limit: USERS_PAGE_SIZE }), [query.search, status, pager.cursor]);
  useLive(['users'], () => users.reload(true));

  function filter(changes: { search?: string; status?: string }) {
    pager.reset();
    setQuery(changes);
  }

  const filtered = Boolean(query.search || status);
  return (
    <section aria-label="Users">
      <div className="toolbar">
        <SearchBox label="Search users" value={query.search} onSearch={(search) => filter({ search })} placeholder="Username, name or email" />
        <div className="field">
          <label htmlFor="users-status">Show</label>
          <select id="users-status" value={status ?? ''} onChange={(event) => filter({ status: event.target.value })}>
            {STATUS_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        {users.data && (
          <p className="toolbar-total" role="status">
            {/* A search stops counting at a limit (totalExact false): "20,000+ users". */}
            {users.data.total === 1 ? '1 user' : `${users.data.total.toLocaleString()}${users.data.totalExact ? '' : '+'} users`}
            {filtered ? ' match' : ''}
          </p>
        )}
      </div>
      {users.error && <LoadProblem error={users.error} onRetry={() => users.reload()} />}
      {!users.data ? (
        !users.error && <Loading>Loading users…</Loading>
      ) : users.data.items.length === 0 ? (
        <EmptyState title={filtered ? 'No user matches these filters.' : 'No users yet.'}>
          {filtered ? (
            <button type="button" className="secondary button-small" onClick={() => filter({ search: '', status: '' })}>
              Show all users
            </button>
          ) : (
            <p>Add the first one with “New user”.</p>
          )}
        </EmptyState>
      ) : (
        <div aria-busy={users.loading}>
          <UsersTable users={users.data.items} caption="Users" />
          <Pager pager={pager} nextCursor={users.data.nextCursor} label="Pages of users" />
        </div>
      )}
    </section>
  );
}
