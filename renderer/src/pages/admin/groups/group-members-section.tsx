// A group's members, searched and a page at a time; add one by finding them, remove one after asking.
import { useState } from 'react';
import { groupsApi, type GroupView } from '../../../api/groups';
import { useLive } from '../../../api/live';
import type { UserSummary } from '../../../api/users';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { LoadProblem } from '../../../components/load-problem';
import { Loading, Notice } from '../../../components/notice';
import { Pager, usePager } from '../../../components/pager';
import { SearchBox } from '../../../components/search-box';
import { useLoader } from '../../../components/use-loader';
import { useSubmit } from '../../../components/use-submit';
import { UserPicker } from '../../../components/user-picker';
import { UsersTable } from '../users/users-table';

const PAGE_SIZE = 25;

export function GroupMembersSection({ group }: { group: GroupView }) {
  const [search, setSearch] = useState('');
  const pager = usePager();
  const members = useLoader(() => groupsApi.members(group.id, { search: search || undefined, cursor: pager.cursor, limit: PAGE_SIZE }), [group.id, search, pager.cursor]);
  useLive(['users', 'groups'], () => members.reload(true));
  const [removing, setRemoving] = useState<UserSummary | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const add = useSubmit();

  async function addMember(user: UserSummary) {
    setAdded(null);
    const error = await add.run(() => groupsApi.addMember(group.id, user.id));
    if (!error) {
      setAdded(user.username);
      members.reload(true);
    }
  }

  const shownIds = new Set(members.data?.items.map((user) => user.id) ?? []);
  return (
    <section className="card panel" aria-labelledby="members-heading">
      <h2 id="members-heading">Members ({group.memberCount.toLocaleString()})</h2>
      <div className="add-member">
        <UserPicker label="Add a member" hint="Find a user by username, name or email, then choose them." onPick={(user) => void addMember(user)} actionLabel={(user) => `Add ${user.username} to ${group.name}`} exclude={shownIds} />
        {add.error && <Notice kind="error">{add.error.message}</Notice>}
        {added && <Notice kind="success">{added} is now a member.</Notice>}
      </div>
      <div className="toolbar">
        <SearchBox
          label="Search members"
          value={search}
          onSearch={(text) => {
            pager.reset();
            setSearch(text);
          }}
        />
      </div>
      {members.error && <LoadProblem error={members.error} onRetry={() => members.reload()} />}
      {!members.data ? (
        !members.error && <Loading>Loading members…</Loading>
      ) : members.data.items.length === 0 ? (
        <EmptyState title={search ? `No member matches “${search}”.` : `${group.name} has no members yet.`}>{!search && <p>Add one with the search above.</p>}</EmptyState>
      ) : (
        <div aria-busy={members.loading}>
          <UsersTable
            users={members.data.items}
            caption={`Members of ${group.name}`}
            actions={(user) => (
              <button type="button" className="secondary button-small" aria-label={`Remove ${user.username} from ${group.name}`} onClick={() => setRemoving(user)}>
                Remove
              </button>
            )}
          />
          <Pager pager={pager} nextCursor={members.data.nextCursor} label={`Pages of ${group.name}’s members`} />
        </div>
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.username} from ${group.name}?`}
          confirmLabel="Remove from group"
          onConfirm={() => groupsApi.removeMember(group.id, removing.id)}
          onClose={(confirmed) => {
            setRemoving(null);
            if (confirmed) members.reload(true);
          }}
        >
          <p>
            Apps will no longer see {group.name} among {removing.username}’s groups, from their next sign-in or token refresh. Their account is not
            changed otherwise.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
