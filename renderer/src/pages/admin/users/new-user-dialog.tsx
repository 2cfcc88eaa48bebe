// "New user": username, email, display name, an optional password, admin, and groups. The server's refusal of a
// field is shown under that field, which takes the focus; the new user's page opens when it is made.
import { useState, type FormEvent } from 'react';
import { usersApi, type CreateUserBody } from '../../../api/users';
import { Checkbox } from '../../../components/checkbox';
import { DialogActions } from '../../../components/dialog-actions';
import { Field } from '../../../components/field';
import { ModalDialog } from '../../../components/modal-dialog';
import { Notice } from '../../../components/notice';
import { useFieldErrors } from '../../../components/use-field-errors';
import { useSubmit } from '../../../components/use-submit';
import { GroupChecklist } from '../groups/group-checklist';

const FIELDS = ['username', 'email', 'displayName', 'password', 'groupIds'] as const;

export function NewUserDialog({ onClose }: { onClose: () => void }) {
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const [groupIds, setGroupIds] = useState<ReadonlySet<string>>(new Set());
  const problems = useFieldErrors(FIELDS);
  const { errors } = problems;
  const submit = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!username.trim()) return problems.fieldError('username', 'Enter a username: it is what the user signs in with.');
    problems.clear();
    const body: CreateUserBody = {
      username: username.trim(),
      ...(email.trim() ? { email: email.trim() } : {}),
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      ...(password ? { password } : {}),
      isAdmin,
      ...(groupIds.size > 0 ? { groupIds: [...groupIds] } : {}),
    };
    let createdId = '';
    const error = await submit.run(async () => {
      createdId = (await usersApi.create(body)).id;
    });
    if (error) return problems.show(error);
    window.location.assign(`/admin/users/${createdId}${password ? '' : '?new=1'}`);
  }

  return (
    <ModalDialog title="New user" onClose={onClose}>
      {problems.formError && <Notice kind="error">{problems.formError}</Notice>}
      <form className="new-user-form" onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <Field ref={problems.ref('username')} label="Username" name="username" autoComplete="off" spellCheck={false} value={username} onChange={(event) => setUsername(event.target.value)} error={errors.username} hint="What they sign in with. Letters, digits, dots, dashes and underscores." />
        <div className="field-grid">
          <Field ref={problems.ref('email')} label="Email" name="email" type="email" autoComplete="off" value={email} onChange={(event) => setEmail(event.target.value)} error={errors.email} hint="Optional; they can sign in with it." />
          <Field ref={problems.ref('displayName')} label="Display name" name="displayName" autoComplete="off" value={displayName} onChange={(event) => setDisplayName(event.target.value)} error={errors.displayName} hint="Optional; apps show it." />
        </div>
        <Field ref={problems.ref('password')} label="Password" name="password" type="password" autoComplete="new-password" value={password} onChange={(event) => setPassword(event.target.value)} error={errors.password} hint="Optional. Leave it empty and make a password-reset link on the next page, so they choose their own." />
        <Checkbox label="Administrator" checked={isAdmin} onChange={(event) => setIsAdmin(event.target.checked)} hint="Admins can open this control UI and change everything in it." />
        <fieldset className="fieldset">
          <legend>Groups</legend>
          {errors.groupIds && <p className="field-error">{errors.groupIds}</p>}
          <GroupChecklist selected={groupIds} onChange={setGroupIds} />
        </fieldset>
        <DialogActions onCancel={onClose} busy={submit.busy} label="Create user" busyLabel="Creating…" />
      </form>
    </ModalDialog>
  );
}
