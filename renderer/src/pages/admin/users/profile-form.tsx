// A user's details: email, display name, email verified, admin. Only what changed is sent; a refusal is shown
// under its field, or above the form when it concerns the user as a whole (the last admin, yourself).
// While nothing is being edited, the form follows the user as the server has them (a live update).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { usersApi, type UpdateUserBody, type UserDetail } from '../../../api/users';
import { Checkbox } from '../../../components/checkbox';
import { Field } from '../../../components/field';
import { Notice } from '../../../components/notice';
import { useFieldErrors } from '../../../components/use-field-errors';
import { useSubmit } from '../../../components/use-submit';

const FIELDS = ['email', 'displayName', 'emailVerified', 'isAdmin'] as const;

interface Values {
  email: string;
  displayName: string;
  emailVerified: boolean;
  isAdmin: boolean;
}

function valuesOf(user: UserDetail): Values {
  return { email: user.email ?? '', displayName: user.displayName ?? '', emailVerified: user.emailVerified, isAdmin: user.isAdmin };
}

function changesBetween(user: UserDetail, values: Values): UpdateUserBody {
  const changes: UpdateUserBody = {};
  const email = values.email.trim() || null;
  const displayName = values.displayName.trim() || null;
  if (email !== user.email) changes.email = email;
  if (displayName !== user.displayName) changes.displayName = displayName;
  if (values.emailVerified !== user.emailVerified) changes.emailVerified = values.emailVerified;
  if (values.isAdmin !== user.isAdmin) changes.isAdmin = values.isAdmin;
  return changes;
}

export function ProfileForm({ user, isSelf, onSaved }: { user: UserDetail; isSelf: boolean; onSaved: (user: UserDetail) => void }) {
  const [values, setValues] = useState(() => valuesOf(user));
  const [saved, setSaved] = useState(false);
  const problems = useFieldErrors(FIELDS);
  const { errors } = problems;
  const submit = useSubmit();
  const changes = changesBetween(user, values);
  const dirty = Object.keys(changes).length > 0;

  // Someone else's change arrives: show it, unless this form holds edits of its own.
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  useEffect(() => {
    if (!dirtyRef.current) setValues(valuesOf(user));
  }, [user]);

  function set<K extends keyof Values>(key: K, value: Values[K]) {
    setValues((current) => ({ ...current, [key]: value }));
    // The refusal was about the old value: it goes once the field is changed.
    problems.clearField(key);
    setSaved(false);
  }

  function undo() {
    setValues(valuesOf(user));
    problems.clear();
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    problems.clear();
    setSaved(false);
    if (!dirty) return;
    const error = await submit.run(async () => {
      const answer = await usersApi.update(user.id, changes);
      onSaved(answer);
      setValues(valuesOf(answer));
    });
    if (error) return problems.show(error);
    setSaved(true);
  }

  return (
    <section className="card panel" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Details</h2>
      {problems.formError && <Notice kind="error">{problems.formError}</Notice>}
      {saved && !dirty && <Notice kind="success">Saved.</Notice>}
      <form onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <div className="field-grid">
          <Field ref={problems.ref('email')} label="Email" name="email" type="email" autoComplete="off" value={values.email} onChange={(event) => set('email', event.target.value)} error={errors.email} />
          <Field ref={problems.ref('displayName')} label="Display name" name="displayName" autoComplete="off" value={values.displayName} onChange={(event) => set('displayName', event.target.value)} error={errors.displayName} />
        </div>
        <Checkbox label="Email address verified" checked={values.emailVerified} onChange={(event) => set('emailVerified', event.target.checked)} hint="Apps see this as email_verified." />
        {errors.emailVerified && <p className="field-error">{errors.emailVerified}</p>}
        <Checkbox
          label="Administrator"
          checked={values.isAdmin}
          onChange={(event) => set('isAdmin', event.target.checked)}
          hint={isSelf ? 'This is you: another admin has to take admin rights away from you.' : 'Admins can open this control UI and change everything in it.'}
        />
        {errors.isAdmin && <p className="field-error">{errors.isAdmin}</p>}
        <div className="actions">
          <button type="submit" className="primary" disabled={submit.busy || !dirty}>
            {submit.busy ? 'Saving…' : 'Save details'}
          </button>
          {dirty && (
            <button type="button" className="secondary" onClick={undo}>
              Undo changes
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
