// /admin/groups — every group with its member count, searched (kept in the address), a page at a time; "New group".
import { useState } from 'react';
import { groupsApi } from '../../api/groups';
import { useLive } from '../../api/live';
import { AdminShell } from '../../components/admin-shell';
import { EmptyState } from '../../components/empty-state';
import { LoadProblem } from '../../components/load-problem';
import { Loading } from '../../components/notice';
import { Pager, usePager } from '../../components/pager';
import { RelativeTime } from '../../components/relative-time';
import { SearchBox } from '../../components/search-box';
import { useLoader } from '../../components/use-loader';
import { useQueryParams } from '../../components/use-query-params';
import { NewGroupDialog } from './groups/new-group-dialog';

const PAGE_SIZE = 25;

export function GroupsPage() {
  const [creating, setCreating] = useState(false);
  return (
    <AdminShell
      title="Groups"
      section="groups"
      actions={
        <button type="button" className="primary button-small" onClick={() => setCreating(true)}>
          New group
        </button>
      }
    >
      <GroupsList onCreate={() => setCreating(true)} />
      {creating && <NewGroupDialog onClose={() => setCreating(false)} />}
    </AdminShell>
  );
}

function GroupsList({ onCreate }: { onCreate: () => void }) {
  const [query, setQuery] = useQueryParams(['search'] as const);
  const pager = usePager();
  const groups = useLoader(() => groupsApi.list({ search: query.search || undefined, cursor: pager.cursor, limit: PAGE_SIZE }), [query.search, pager.cursor]);
  useLive(['groups'], () => groups.reload(true));

  function search(text: string) {
    pager.reset();
    setQuery({ search: text });
  }

  return (
    <section aria-label="Groups">
      <div className="toolbar">
        <SearchBox label="Search groups" value={query.search} onSearch={search} placeholder="Part of a name" />
        {groups.data && (
          <p className="toolbar-total" role="status">
            {groups.data.total === 1 ? '1 group' : `${groups.data.total.toLocaleString()} groups`}
            {query.search ? ' match' : ''}
          </p>
        )}
      </div>
      {groups.error && <LoadProblem error={groups.error} onRetry={() => groups.reload()} />}
      {!groups.data ? (
        !groups.error && <Loading>Loading groups…</Loading>
      ) : groups.data.items.length === 0 ? (
        query.search ? (
          <EmptyState title={`No group matches “${query.search}”.`}>
            <button type="button" className="secondary button-small" onClick={() => search('')}>
              Show all groups
            </button>
          </EmptyState>
        ) : (
          <EmptyState title="No groups yet.">
            <p>Groups gather users; apps receive a user’s groups and can give rights by them.</p>
            <button type="button" className="primary button-small" onClick={onCreate}>
              Make the first group
            </button>
          </EmptyState>
        )
      ) : (
        <div aria-busy={groups.loading}>
          <div className="table-scroll">
            <table className="data-table">
              <caption className="visually-hidden">Groups</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Description</th>
                  <th scope="col" className="numeric">
                    Members
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {groups.data.items.map((group) => (
                  <tr key={group.id}>
                    <th scope="row">
                      <a href={`/admin/groups/${group.id}`}>{group.name}</a>
                    </th>
                    <td data-label="Description">{group.description ?? <span className="none">—</span>}</td>
                    <td data-label="Members" className="numeric">
                      {group.memberCount.toLocaleString()}
                    </td>
                    <td data-label="Created">
                      <RelativeTime value={group.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pager={pager} nextCursor={groups.data.nextCursor} label="Pages of groups" />
        </div>
      )}
    </section>
  );
}
