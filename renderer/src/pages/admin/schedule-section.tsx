// The backup schedule: when, where to, how many to keep, and the passphrase scheduled backups use (never shown).
import { useRef, useState, type FormEvent, type RefObject } from 'react';
import { backupsApi, type ScheduleChange, type ScheduleView } from '../../api/backups';
import { Field } from '../../components/field';
import { Notice } from '../../components/notice';
import { SubmitButton } from '../../components/submit-button';
import { useSubmit } from '../../components/use-submit';
import { formatTime } from './format';
import { newPassphraseProblems, PASSPHRASE_HINT } from './passphrase';

type FieldName = 'cron' | 'timeZone' | 'destination' | 'keepDaily' | 'keepWeekly' | 'passphrase' | 'confirm';
type Values = Record<FieldName, string> & { enabled: boolean };
type Errors = Partial<Record<FieldName, string>>;

/**
 * The field a refusal of the API is about, from its message (server/src/backup/service.ts setSchedule, and Fastify's
 * "body/<field> …" validation messages); first match wins, so the time zone comes before the cron expression.
 */
const FIELD_OF_MESSAGE: Array<[RegExp, FieldName]> = [
  [/time ?zone/i, 'timeZone'],
  [/cron|schedule:/i, 'cron'],
  [/keepDaily|keep at least one/i, 'keepDaily'],
  [/keepWeekly/i, 'keepWeekly'],
  [/destination|cannot write to/i, 'destination'],
  [/passphrase/i, 'passphrase'],
];

export function fieldOfMessage(message: string): FieldName | null {
  return FIELD_OF_MESSAGE.find(([pattern]) => pattern.test(message))?.[1] ?? null;
}

const TIME_ZONES: readonly string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

function valuesOf(schedule: ScheduleView): Values {
  return {
    enabled: schedule.enabled,
    cron: schedule.cron,
    timeZone: schedule.timeZone,
    destination: schedule.destination,
    keepDaily: String(schedule.keepDaily),
    keepWeekly: String(schedule.keepWeekly),
    passphrase: '',
    confirm: '',
  };
}

function wholeNumber(text: string): number | null {
  return /^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : null;
}

export function ScheduleSection({ schedule, backupsDir, onSaved }: { schedule: ScheduleView; backupsDir: string; onSaved: (schedule: ScheduleView) => void }) {
  const [values, setValues] = useState<Values>(() => valuesOf(schedule));
  const [errors, setErrors] = useState<Errors>({});
  const [saved, setSaved] = useState(false);
  const refs: Record<FieldName, RefObject<HTMLInputElement | null>> = {
    cron: useRef(null),
    timeZone: useRef(null),
    destination: useRef(null),
    keepDaily: useRef(null),
    keepWeekly: useRef(null),
    passphrase: useRef(null),
    confirm: useRef(null),
  };
  const submit = useSubmit();
  const set = (name: FieldName) => (event: { target: { value: string } }) => {
    setSaved(false);
    setValues((current) => ({ ...current, [name]: event.target.value }));
  };

  function check(): Errors {
    const found: Errors = {};
    if (values.cron.trim() === '') found.cron = 'Enter a cron expression, like 30 2 * * * for every day at 02:30.';
    if (values.timeZone.trim() === '') found.timeZone = 'Enter a time zone, like Europe/Berlin or UTC.';
    if (values.destination.trim() !== '' && !values.destination.trim().startsWith('/')) found.destination = 'Enter an absolute folder path, like /mnt/nas/gatehouse, or leave it empty.';
    for (const name of ['keepDaily', 'keepWeekly'] as const) {
      const count = wholeNumber(values[name]);
      if (count === null || count > 1000) found[name] = 'Enter a whole number from 0 to 1000.';
    }
    if (values.passphrase !== '') Object.assign(found, newPassphraseProblems(values.passphrase, values.confirm));
    else if (values.enabled && !schedule.hasPassphrase) found.passphrase = 'Scheduled backups need a passphrase: set one.';
    return found;
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const found = check();
    setErrors(found);
    const first = (Object.keys(refs) as FieldName[]).find((name) => found[name]);
    if (first) return refs[first].current?.focus();
    const change: ScheduleChange = {
      enabled: values.enabled,
      cron: values.cron.trim(),
      timeZone: values.timeZone.trim(),
      destination: values.destination.trim(),
      keepDaily: wholeNumber(values.keepDaily)!,
      keepWeekly: wholeNumber(values.keepWeekly)!,
      ...(values.passphrase !== '' ? { passphrase: values.passphrase } : {}),
    };
    const error = await submit.run(async () => {
      const next = await backupsApi.saveSchedule(change);
      setValues(valuesOf(next));
      setSaved(true);
      onSaved(next);
    });
    const field = error && error.status === 400 ? fieldOfMessage(error.message) : null;
    if (error && field) {
      setErrors({ [field]: error.message });
      refs[field].current?.focus();
    }
  }

  const formError = submit.error && !(submit.error.status === 400 && fieldOfMessage(submit.error.message)) ? submit.error.message : null;
  const { lastRun } = schedule;
  return (
    <section className="card panel" aria-labelledby="schedule-heading">
      <h2 id="schedule-heading">Schedule</h2>
      <dl className="facts">
        <dt>Next run</dt>
        <dd>{schedule.enabled && schedule.nextRunAt ? <time dateTime={schedule.nextRunAt}>{formatTime(schedule.nextRunAt)}</time> : 'none: scheduled backups are off'}</dd>
        <dt>Last scheduled run</dt>
        <dd>
          {lastRun ? (
            <>
              <span className={`status status-${lastRun.status}`}>{lastRun.status}</span> <time dateTime={lastRun.startedAt}>{formatTime(lastRun.startedAt)}</time>
              {lastRun.error && <span className="run-error">{lastRun.error}</span>}
            </>
          ) : (
            'none yet'
          )}
        </dd>
      </dl>
      {saved && <Notice kind="success">Schedule saved.</Notice>}
      {formError && <Notice kind="error">{formError}</Notice>}
      <form onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
        <label className="checkbox">
          <input type="checkbox" name="enabled" checked={values.enabled} onChange={(event) => setValues((current) => ({ ...current, enabled: event.target.checked }))} />
          Back up on this schedule
        </label>
        <div className="field-grid">
          <Field ref={refs.cron} label="When (cron expression)" name="cron" spellCheck={false} autoCapitalize="none" value={values.cron} onChange={set('cron')} error={errors.cron} hint={`Minute hour day month weekday. Saved: ${schedule.description}.`} />
          <Field ref={refs.timeZone} label="Time zone" name="timeZone" list="backup-time-zones" spellCheck={false} autoCapitalize="none" value={values.timeZone} onChange={set('timeZone')} error={errors.timeZone} hint="The cron times are in this zone." />
          <Field ref={refs.keepDaily} label="Keep daily backups" name="keepDaily" type="number" inputMode="numeric" min={0} max={1000} value={values.keepDaily} onChange={set('keepDaily')} error={errors.keepDaily} hint="The newest backup of each of this many days." />
          <Field ref={refs.keepWeekly} label="Keep weekly backups" name="keepWeekly" type="number" inputMode="numeric" min={0} max={1000} value={values.keepWeekly} onChange={set('keepWeekly')} error={errors.keepWeekly} hint="The newest backup of each of this many weeks." />
        </div>
        <datalist id="backup-time-zones">
          {TIME_ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <Field ref={refs.destination} label="Destination folder" name="destination" spellCheck={false} autoCapitalize="none" placeholder={backupsDir} value={values.destination} onChange={set('destination')} error={errors.destination} hint={`An absolute path on the server. Empty: ${backupsDir}`} />
        <div className="form-narrow">
          <Field
            ref={refs.passphrase}
            label="Passphrase for scheduled backups"
            name="schedule-passphrase"
            type="password"
            autoComplete="new-password"
            value={values.passphrase}
            onChange={set('passphrase')}
            error={errors.passphrase}
            hint={schedule.hasPassphrase ? 'A passphrase is stored. Leave this empty to keep it, or type a new one to replace it.' : `None is stored yet. ${PASSPHRASE_HINT}`}
          />
          {values.passphrase !== '' && <Field ref={refs.confirm} label="Passphrase again" name="schedule-passphrase-confirm" type="password" autoComplete="new-password" value={values.confirm} onChange={set('confirm')} error={errors.confirm} />}
        </div>
        <SubmitButton busy={submit.busy} busyLabel="Saving…">
          Save schedule
        </SubmitButton>
      </form>
    </section>
  );
}
