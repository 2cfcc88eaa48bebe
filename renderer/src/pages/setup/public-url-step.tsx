// Step 3: the address apps and browsers use to reach Gatehouse, prefilled with the one this browser used. Apps are
// configured with it (it is the OpenID issuer), so a change applies at the next start, never under running apps.
import { useRef, useState, type FormEvent } from 'react';
import { settingsApi, type InstanceSettings } from '../../api/settings';
import { Field } from '../../components/field';
import { Notice } from '../../components/notice';
import { SubmitButton } from '../../components/submit-button';
import { useSubmit } from '../../components/use-submit';
import { checkPublicUrl } from '../admin/settings/public-url-section';

export function PublicUrlStep({ onDone }: { onDone: (instance: InstanceSettings) => void }) {
  const [url, setUrl] = useState(window.location.origin);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const submit = useSubmit();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const problem = checkPublicUrl(url);
    setError(problem);
    if (problem) return input.current?.focus();
    const chosen = url.trim().replace(/\/+$/, '');
    const failure = await submit.run(async () => {
      // The address Gatehouse runs with already is not saved: then the config file and LAN mode keep deciding it
      // later (a saved address would win over them).
      const current = (await settingsApi.get()).instance;
      onDone(chosen === current.publicUrl ? current : await settingsApi.saveInstance({ publicUrl: chosen }));
    });
    if (failure?.field === 'publicUrl') {
      setError(failure.message);
      input.current?.focus();
    }
  }

  const formError = submit.error && submit.error.field !== 'publicUrl' ? submit.error.message : null;
  return (
    <>
      <p>
        Apps and browsers reach Gatehouse at this address: every app you connect is configured with it, and sign-in links point to it. Use the name
        people on your network type, like <code className="inline-code">https://login.example.com</code>, rather than an address that works only on this
        computer.
      </p>
      <p>A change applies after Gatehouse restarts.</p>
      {formError && <Notice kind="error">{formError}</Notice>}
      <form onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <Field ref={input} label="Public URL" name="publicUrl" type="url" inputMode="url" autoCapitalize="none" spellCheck={false} autoFocus value={url} onChange={(event) => setUrl(event.target.value)} error={error} hint="Filled in with the address this browser uses now." />
        <SubmitButton busy={submit.busy} busyLabel="Saving…">
          Save and finish
        </SubmitButton>
      </form>
    </>
  );
}
