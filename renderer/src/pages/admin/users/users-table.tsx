// Users as a table: username (linked to their page), name, email, state, created; and, where given, an action on
// each (removing a member from a group).
import type { ReactNode } from 'react';
import type { UserSummary } from '../../../api/users';
import { RelativeTime } from '../../../components/relative-time';
import { UserBadges } from './user-badges';

export function UsersTable({ users, caption, actions }: { users: UserSummary[]; caption: string; actions?: (user: UserSummary) => ReactNode }) {
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            {actions && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <th scope="row">
                <a href={`/admin/users/${user.id}`}>{user.username}</a>
              </th>
              <td data-label="Name">{user.displayName ?? <span className="none">—</span>}</td>
              <td data-label="Email" className="wrap-anywhere">
                {user.email ?? <span className="none">—</span>}
              </td>
              <td data-label="Status">
                <UserBadges user={user} />
              </td>
              <td data-label="Created">
                <RelativeTime value={user.createdAt} />
              </td>
              {actions && <td className="row-actions">{actions(user)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
