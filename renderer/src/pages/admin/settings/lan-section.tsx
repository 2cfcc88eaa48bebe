// LAN mode on the Settings page: how it runs now (LanStatus), and the LAN settings for the next start. They change
// the OpenID issuer, so a save applies after a restart; what the config file or a flag sets is shown, not editable.
import { useLive } from '../../../api/live';
import { LAN_HOSTNAME_PATTERN, LAN_HOSTNAME_RULE, lanApi, type LanPreferences, type LanView } from '../../../api/lan';
import { Checkbox } from '../../../components/checkbox';
import { Field } from '../../../components/field';
import { LoadProblem } from '../../../components/load-problem';
import { Loading, Notice } from '../../../components/notice';
import { useLoader } from '../../../components/use-loader';
import { LanStatus } from './lan-status';
import { SettingsSection } from './settings-section';
import { useSectionForm, wholeNumber, type Errors } from './use-section-form';

const TITLE = 'LAN (HTTPS on your network)';
const HOSTNAME = new RegExp(LAN_HOSTNAME_PATTERN);
const SET_BY_CONFIG = 'Set by the config file or a command-line flag, which wins over this page: change it there.';

type Form = { enabled: boolean; hostname: string; port: string; allowAdmin: boolean };

/** The host name as the server wants it: no spaces around, lower case. */
const cleanHostname = (text: string) => text.trim().toLowerCase();

/** The server's own rules (LanPreferences), for the fields this page decides. */
function checkLan(current: Form, setByConfig: LanView['setByConfig']): Errors<Form> {
  const found: Errors<Form> = {};
  if (!setByConfig.hostname && !HOSTNAME.test(cleanHostname(current.hostname))) found.hostname = `Enter ${LAN_HOSTNAME_RULE}.`;
  const port = wholeNumber(current.port);
  if (!setByConfig.port && (port === null || port < 1 || port > 65535)) found.port = 'Enter a port from 1 to 65535 (9443 by default).';
  return found;
}

export function LanSection() {
  const { data: view, error, reload, setData } = useLoader(() => lanApi.get(), []);
  // settings.changed (another admin, the API) reaches the Settings page's topic.
  useLive(['settings'], () => reload(true));
  if (!view) {
    return (
      <section className="card panel" aria-labelledby="lan-heading">
        <h2 id="lan-heading">{TITLE}</h2>
        {error ? <LoadProblem error={error} onRetry={() => reload()} /> : <Loading />}
      </section>
    );
  }
  return <LanForm view={view} onSaved={setData} />;
}

function LanForm({ view, onSaved }: { view: LanView; onSaved: (view: LanView) => void }) {
  const { nextStart, setByConfig } = view;
  const form = useSectionForm<Form>({ enabled: nextStart.enabled, hostname: nextStart.hostname, port: String(nextStart.port), allowAdmin: nextStart.allowAdmin });
  const { values, errors, change } = form;

  /** Only what this page decides: the fields the config sets are left out, so nothing of the config is saved here. */
  function body(current: Form): LanPreferences {
    return {
      ...(setByConfig.enabled ? {} : { enabled: current.enabled }),
      ...(setByConfig.hostname ? {} : { hostname: cleanHostname(current.hostname) }),
      ...(setByConfig.port ? {} : { port: wholeNumber(current.port)! }),
      ...(setByConfig.allowAdmin ? {} : { allowAdmin: current.allowAdmin }),
    };
  }

  return (
    <SettingsSection
      id="lan"
      title={TITLE}
      saveLabel="Save LAN settings"
      intro={
        <>
          <p>
            Serves Gatehouse to the phones and laptops of your network over HTTPS, with a certificate from Gatehouse’s own certificate authority (CA). Install the CA’s certificate once
            on each device: browsers then trust Gatehouse, and passkeys work there.
          </p>
          <LanStatus view={view} />
          <h3 className="lan-form-heading">Settings for the next start</h3>
          {view.restartNeeded && (
            <Notice kind="info">
              <strong>Restart needed.</strong> The LAN settings saved here apply after Gatehouse restarts. In LAN mode the LAN address is the OpenID issuer apps use,
              unless a public URL is set above.
            </Notice>
          )}
        </>
      }
      formRef={form.formRef}
      onSubmit={form.onSubmit((current) => checkLan(current, setByConfig), async (current) => onSaved(await lanApi.save(body(current))))}
      busy={form.busy}
      saved={form.saved}
      formError={form.formError}
    >
      <Checkbox
        name="enabled"
        label="Turn on LAN mode"
        checked={values.enabled}
        disabled={setByConfig.enabled}
        onChange={(event) => change('enabled', event.target.checked)}
        hint={setByConfig.enabled ? SET_BY_CONFIG : 'Also serve Gatehouse over HTTPS on this machine’s network addresses.'}
      />
      {errors.enabled && <p className="field-error">{errors.enabled}</p>}
      <div className="field-grid lan-fields">
        <Field
          label="Host name"
          name="hostname"
          autoCapitalize="none"
          spellCheck={false}
          value={values.hostname}
          readOnly={setByConfig.hostname}
          onChange={(event) => change('hostname', event.target.value)}
          error={errors.hostname}
          hint={setByConfig.hostname ? SET_BY_CONFIG : 'What devices open (gatehouse.local by default). Choose it once: passkeys belong to this name.'}
        />
        <Field
          label="Port"
          name="port"
          type="number"
          inputMode="numeric"
          min={1}
          max={65535}
          value={values.port}
          readOnly={setByConfig.port}
          onChange={(event) => change('port', event.target.value)}
          error={errors.port}
          hint={setByConfig.port ? SET_BY_CONFIG : 'The HTTPS port on the LAN (9443 by default; 443 leaves it out of the address).'}
        />
      </div>
      <Checkbox
        name="allowAdmin"
        label="Allow the admin pages on the LAN"
        checked={values.allowAdmin}
        disabled={setByConfig.allowAdmin}
        onChange={(event) => change('allowAdmin', event.target.checked)}
        hint={setByConfig.allowAdmin ? SET_BY_CONFIG : 'Off keeps the control UI on this machine. On, anyone on your network can reach its sign-in page.'}
      />
      {errors.allowAdmin && <p className="field-error">{errors.allowAdmin}</p>}
    </SettingsSection>
  );
}
