// Step 2: the instance's name, which the sign-in pages and the portal show (Settings → Branding changes it later).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { brandingApi, settingsApi } from '../../api/settings';
import { Field } from '../../components/field';
import { Loading, Notice } from '../../components/notice';
import { SubmitButton } from '../../components/submit-button';
import { useSubmit } from '../../components/use-submit';
import { checkInstanceName } from '../admin/settings/branding-section';

export function InstanceNameStep({ onDone }: { onDone: () => void }) {
  const [name, setName] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const submit = useSubmit();
  useEffect(() => {
    brandingApi.get().then(
      (branding) => setName(branding.instanceName),
      () => setName('Gatehouse'),
    );
  }, []);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const problem = checkInstanceName(name ?? '');
    setError(problem);
    if (problem) return input.current?.focus();
    const failure = await submit.run(async () => {
      await settingsApi.saveBranding({ instanceName: name!.trim() });
      onDone();
    });
    if (failure?.field === 'instanceName') {
      setError(failure.message);
      input.current?.focus();
    }
  }

  if (name === null) return <Loading />;
  const formError = submit.error && submit.error.field !== 'instanceName' ? submit.error.message : null;
  return (
    <>
      <Notice kind="success">Your admin account is ready, and you are signed in.</Notice>
      <p>People see this name when they sign in, and on their account page. You can change it, and add a logo, later in Settings.</p>
      {formError && <Notice kind="error">{formError}</Notice>}
      <form onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <Field ref={input} label="Instance name" name="instanceName" maxLength={60} autoFocus value={name} onChange={(event) => setName(event.target.value)} error={error} hint="For example your team’s or company’s name, like “Acme sign-in”." />
        <SubmitButton busy={submit.busy} busyLabel="Saving…">
          Save and continue
        </SubmitButton>
      </form>
    </>
  );
}
