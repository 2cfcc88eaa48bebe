// How long a sign-in lasts: at most N hours after signing in, and M minutes after it was last used.
import type { SessionSettings } from '../../../api/settings';
import { settingsApi } from '../../../api/settings';
import { Field } from '../../../components/field';
import { SettingsSection } from './settings-section';
import { useSectionForm, wholeNumber, type Errors } from './use-section-form';

type Form = { absoluteLifetimeHours: string; idleLifetimeMinutes: string };

export function SessionsSection({ sessions, onSaved }: { sessions: SessionSettings; onSaved: (sessions: SessionSettings) => void }) {
  const form = useSectionForm<Form>({ absoluteLifetimeHours: String(sessions.absoluteLifetimeHours), idleLifetimeMinutes: String(sessions.idleLifetimeMinutes) });
  const { values, errors, change } = form;

  function check(current: Form): Errors<Form> {
    const found: Errors<Form> = {};
    const hours = wholeNumber(current.absoluteLifetimeHours);
    const minutes = wholeNumber(current.idleLifetimeMinutes);
    if (hours === null || hours < 1 || hours > 2160) found.absoluteLifetimeHours = 'Enter a whole number of hours from 1 to 2160 (90 days).';
    if (minutes === null || minutes < 5 || minutes > 129600) found.idleLifetimeMinutes = 'Enter a whole number of minutes from 5 to 129600 (90 days).';
    else if (hours !== null && minutes > hours * 60) found.idleLifetimeMinutes = `The idle limit cannot be longer than the whole session (${hours * 60} minutes).`;
    return found;
  }

  return (
    <SettingsSection
      id="sessions"
      title="Sessions"
      saveLabel="Save sessions"
      intro={<p>How long people stay signed in to Gatehouse. A change applies to new sign-ins and to sessions as they are next used.</p>}
      formRef={form.formRef}
      onSubmit={form.onSubmit(check, async (current) =>
        onSaved(await settingsApi.saveSessions({ absoluteLifetimeHours: wholeNumber(current.absoluteLifetimeHours)!, idleLifetimeMinutes: wholeNumber(current.idleLifetimeMinutes)! })),
      )}
      busy={form.busy}
      saved={form.saved}
      formError={form.formError}
    >
      <div className="field-grid">
        <Field label="Session lifetime (hours)" name="absoluteLifetimeHours" type="number" inputMode="numeric" min={1} max={2160} value={values.absoluteLifetimeHours} onChange={(event) => change('absoluteLifetimeHours', event.target.value)} error={errors.absoluteLifetimeHours} hint="A session ends this long after signing in, however active. 168 hours is a week." />
        <Field label="Idle timeout (minutes)" name="idleLifetimeMinutes" type="number" inputMode="numeric" min={5} max={129600} value={values.idleLifetimeMinutes} onChange={(event) => change('idleLifetimeMinutes', event.target.value)} error={errors.idleLifetimeMinutes} hint="…or this long after it was last used. 1440 minutes is a day." />
      </div>
    </SettingsSection>
  );
}
