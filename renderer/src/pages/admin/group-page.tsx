// /admin/groups/:id — one group: its name and description, its members (add, remove), and deleting it.
import { useEffect, useState } from 'react';
import { groupsApi } from '../../api/groups';
import { useLive } from '../../api/live';
import { AdminShell } from '../../components/admin-shell';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { LoadProblem } from '../../components/load-problem';
import { Loading, Notice } from '../../components/notice';
import { RelativeTime } from '../../components/relative-time';
import { useLoader } from '../../components/use-loader';
import { GroupDetailsForm } from './groups/group-details-form';
import { GroupMembersSection } from './groups/group-members-section';

export function GroupPage({ id }: { id: string }) {
  const [title, setTitle] = useState('Group');
  return (
    <AdminShell title={title} section="groups">
      <GroupDetails id={id} onTitle={setTitle} />
    </AdminShell>
  );
}

function GroupDetails({ id, onTitle }: { id: string; onTitle: (title: string) => void }) {
  const group = useLoader(() => groupsApi.get(id), [id]);
  useLive(['groups', 'users'], () => group.reload(true));
  const [deleting, setDeleting] = useState(false);
  const name = group.data?.name;
  useEffect(() => {
    if (name) onTitle(name);
  }, [name, onTitle]);

  if (group.error?.status === 404) {
    return (
      <>
        <Notice kind="error">This group does not exist (any more): it may have been deleted.</Notice>
        <p>
          <a href="/admin/groups">Back to the groups</a>
        </p>
      </>
    );
  }
  if (!group.data) return group.error ? <LoadProblem error={group.error} onRetry={() => group.reload()} /> : <Loading>Loading the group…</Loading>;

  const shown = group.data;
  return (
    <>
      <p className="breadcrumbs">
        <a href="/admin/groups">Groups</a> <span aria-hidden="true">›</span> {shown.name}
      </p>
      <p className="lead">
        {shown.description ? `${shown.description}. ` : ''}Created <RelativeTime value={shown.createdAt} />.
      </p>
      {group.error && <LoadProblem error={group.error} onRetry={() => group.reload()} />}
      <GroupDetailsForm group={shown} onSaved={group.setData} />
      <GroupMembersSection group={shown} />
      <section className="card panel" aria-labelledby="delete-group-heading">
        <h2 id="delete-group-heading">Delete the group</h2>
        <p>Its members keep their accounts; apps stop seeing this group in their groups claim.</p>
        <div className="actions">
          <button type="button" className="danger" onClick={() => setDeleting(true)}>
            Delete group
          </button>
        </div>
      </section>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${shown.name}?`}
          confirmLabel="Delete group"
          onConfirm={() => groupsApi.remove(shown.id)}
          onClose={(confirmed) => {
            setDeleting(false);
            if (confirmed) window.location.assign('/admin/groups');
          }}
        >
          <p>
            {shown.name} and its {shown.memberCount === 1 ? 'one membership' : `${shown.memberCount} memberships`} are deleted. The users stay. This
            cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
