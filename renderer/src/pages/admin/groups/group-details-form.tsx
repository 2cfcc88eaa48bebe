// A group's name and description, saved together; a refusal (a taken name) shows under its field. While nothing is
// being edited, the form follows the group as the server has it (a live update).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { groupsApi, type GroupView, type UpdateGroupBody } from '../../../api/groups';
import { Notice } from '../../../components/notice';
import { useFieldErrors } from '../../../components/use-field-errors';
import { useSubmit } from '../../../components/use-submit';
import { GROUP_FIELDS, GroupFormFields, NAME_MISSING } from './group-form-fields';

export function GroupDetailsForm({ group, onSaved }: { group: GroupView; onSaved: (group: GroupView) => void }) {
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description ?? '');
  const [saved, setSaved] = useState(false);
  const problems = useFieldErrors(GROUP_FIELDS);
  const submit = useSubmit();

  const changes: UpdateGroupBody = {};
  if (name.trim() !== group.name) changes.name = name.trim();
  if ((description.trim() || null) !== group.description) changes.description = description.trim() || null;
  const dirty = Object.keys(changes).length > 0;
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  useEffect(() => {
    if (dirtyRef.current) return;
    setName(group.name);
    setDescription(group.description ?? '');
  }, [group.name, group.description]);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    if (!name.trim()) return problems.fieldError('name', NAME_MISSING);
    problems.clear();
    if (!dirty) return;
    const error = await submit.run(async () => onSaved(await groupsApi.update(group.id, changes)));
    if (error) return problems.show(error);
    setSaved(true);
  }

  function edit(set: (value: string) => void) {
    return (value: string) => {
      set(value);
      setSaved(false);
    };
  }

  return (
    <section className="card panel" aria-labelledby="group-details-heading">
      <h2 id="group-details-heading">Details</h2>
      {problems.formError && <Notice kind="error">{problems.formError}</Notice>}
      {saved && !dirty && <Notice kind="success">Saved.</Notice>}
      <form className="form-narrow" onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <GroupFormFields name={name} description={description} onName={edit(setName)} onDescription={edit(setDescription)} problems={problems} />
        <div className="actions">
          <button type="submit" className="primary" disabled={submit.busy || !dirty}>
            {submit.busy ? 'Saving…' : 'Save details'}
          </button>
        </div>
      </form>
    </section>
  );
}
