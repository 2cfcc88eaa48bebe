// A new API token: its name, what it may do, and how long it lasts.
import { useRef, useState, type FormEvent } from 'react';
import { tokensApi, type AdminScope, type CreatedToken } from '../../../api/tokens';
import { Field } from '../../../components/field';
import { Notice } from '../../../components/notice';
import { useSubmit } from '../../../components/use-submit';
import { ScopeGrid } from './scope-grid';

type FieldName = 'name' | 'scopes' | 'expiresInDays';

export function NewTokenForm({ available, onCreated, onCancel }: { available: readonly AdminScope[]; onCreated: (created: CreatedToken) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<AdminScope[]>([]);
  const [days, setDays] = useState('30');
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const submit = useSubmit();

  /** A field's error goes once it is edited. */
  const edited = (field: FieldName) => setErrors((current) => (current[field] ? { ...current, [field]: undefined } : current));
  const focusFirstError = () => window.requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found: Partial<Record<FieldName, string>> = {};
    if (name.trim() === '') found.name = 'Name the token after what uses it, like “backup script”.';
    if (scopes.length === 0) found.scopes = 'Choose at least one scope.';
    const expiresInDays = /^\d{1,3}$/.test(days.trim()) ? Number(days.trim()) : NaN;
    if (!(expiresInDays >= 1 && expiresInDays <= 365)) found.expiresInDays = 'Enter a number of days from 1 to 365.';
    setErrors(found);
    if (Object.keys(found).length > 0) return focusFirstError();
    const failure = await submit.run(async () => onCreated(await tokensApi.create({ name: name.trim(), scopes, expiresInDays })));
    const field = failure?.field?.split('.')[0];
    if (field === 'name' || field === 'scopes' || field === 'expiresInDays') {
      setErrors({ [field]: failure!.message });
      focusFirstError();
    }
  }

  const formError = submit.error && !['name', 'scopes', 'expiresInDays'].includes(submit.error.field?.split('.')[0] ?? '') ? submit.error.message : null;
  return (
    <section className="card panel" aria-labelledby="new-token-heading">
      <h2 id="new-token-heading">New API token</h2>
      {formError && <Notice kind="error">{formError}</Notice>}
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <div className="field-grid">
          <Field label="Name" name="token-name" value={name} onChange={(event) => {
            setName(event.target.value);
            edited('name');
          }} error={errors.name} hint="Say what uses it, so you know what breaks when you revoke it." autoComplete="off" autoFocus />
          <Field label="Expires after (days)" name="expires-in-days" type="number" inputMode="numeric" min={1} max={365} value={days} onChange={(event) => {
            setDays(event.target.value);
            edited('expiresInDays');
          }} error={errors.expiresInDays} hint="From 1 to 365 days. Make a new token before it ends." />
        </div>
        <ScopeGrid
          available={available}
          selected={scopes}
          onChange={(chosen) => {
            setScopes(chosen);
            edited('scopes');
          }}
          error={errors.scopes}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={submit.busy}>
            {submit.busy ? 'Creating…' : 'Create token'}
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
