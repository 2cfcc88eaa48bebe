// "New group": a name and a description; the new group's page opens when it is made.
import { useState, type FormEvent } from 'react';
import { groupsApi } from '../../../api/groups';
import { DialogActions } from '../../../components/dialog-actions';
import { ModalDialog } from '../../../components/modal-dialog';
import { Notice } from '../../../components/notice';
import { useFieldErrors } from '../../../components/use-field-errors';
import { useSubmit } from '../../../components/use-submit';
import { GROUP_FIELDS, GroupFormFields, NAME_MISSING } from './group-form-fields';

export function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const problems = useFieldErrors(GROUP_FIELDS);
  const submit = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return problems.fieldError('name', NAME_MISSING);
    problems.clear();
    let createdId = '';
    const error = await submit.run(async () => {
      createdId = (await groupsApi.create({ name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) })).id;
    });
    if (error) return problems.show(error);
    window.location.assign(`/admin/groups/${createdId}`);
  }

  return (
    <ModalDialog title="New group" onClose={onClose}>
      {problems.formError && <Notice kind="error">{problems.formError}</Notice>}
      <form onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <GroupFormFields name={name} description={description} onName={setName} onDescription={setDescription} problems={problems} />
        <DialogActions onCancel={onClose} busy={submit.busy} label="Create group" busyLabel="Creating…" />
      </form>
    </ModalDialog>
  );
}
