// The groups a user is in: ticked in the list of groups, saved together (the server replaces the set).
import { useEffect, useRef, useState } from 'react';
import { usersApi, type UserDetail } from '../../../api/users';
import { Notice } from '../../../components/notice';
import { useSubmit } from '../../../components/use-submit';
import { GroupChecklist } from '../groups/group-checklist';

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((id) => b.has(id));
}

export function UserGroupsSection({ user, onSaved }: { user: UserDetail; onSaved: (user: UserDetail) => void }) {
  const current = new Set(user.groups.map((group) => group.id));
  const [selected, setSelected] = useState<ReadonlySet<string>>(current);
  const [saved, setSaved] = useState(false);
  const submit = useSubmit();
  const dirty = !sameSet(selected, current);
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const groupKey = user.groups.map((group) => group.id).sort().join(',');

  // A change made elsewhere shows here, unless this list holds unsaved ticks.
  useEffect(() => {
    if (!dirtyRef.current) setSelected(new Set(groupKey ? groupKey.split(',') : []));
  }, [groupKey]);

  async function save() {
    setSaved(false);
    const error = await submit.run(async () => onSaved(await usersApi.setGroups(user.id, [...selected])));
    if (!error) setSaved(true);
  }

  return (
    <section className="card panel" aria-labelledby="groups-heading">
      <h2 id="groups-heading">Groups</h2>
      <p className="panel-lead">
        {user.groups.length === 0 ? (
          `${user.username} is in no group.`
        ) : (
          <>
            {user.username} is in{' '}
            {user.groups.map((group, index) => (
              <span key={group.id}>
                {index > 0 && (index === user.groups.length - 1 ? ' and ' : ', ')}
                <a href={`/admin/groups/${group.id}`}>{group.name}</a>
              </span>
            ))}
            . Apps receive these in the groups claim.
          </>
        )}
      </p>
      {submit.error && <Notice kind="error">{submit.error.message}</Notice>}
      {saved && !dirty && <Notice kind="success">Groups saved.</Notice>}
      <fieldset className="fieldset">
        <legend>Member of</legend>
        <GroupChecklist
          selected={selected}
          onChange={(next) => {
            setSelected(next);
            setSaved(false);
          }}
        />
      </fieldset>
      <div className="actions">
        <button type="button" className="primary" disabled={submit.busy || !dirty} onClick={() => void save()}>
          {submit.busy ? 'Saving…' : 'Save groups'}
        </button>
        {dirty && (
          <button type="button" className="secondary" onClick={() => setSelected(current)}>
            Undo changes
          </button>
        )}
      </div>
    </section>
  );
}
