// The fields of an OIDC application: where the app may send people back to, whether it can keep a secret, and
// (advanced, folded away) which OAuth grants it may use.
import type { GrantType } from '../../../api/applications';
import { Field } from '../../../components/field';
import type { FormErrors, OidcValues } from './application-form';
import { UriListField } from './uri-list-field';

const GRANTS: Array<{ grant: GrantType; label: string; hint: string }> = [
  { grant: 'authorization_code', label: 'Authorization code', hint: 'People sign in through the browser. Almost every app uses this.' },
  { grant: 'refresh_token', label: 'Refresh token', hint: 'The app stays signed in without asking again, while the person’s session lasts.' },
  { grant: 'client_credentials', label: 'Client credentials', hint: 'The app acts as itself, with no person (a service or a script). Not for public clients.' },
  { grant: 'urn:ietf:params:oauth:grant-type:device_code', label: 'Device code', hint: 'For TVs and command-line tools: the person signs in on another device with a short code.' },
];

function rowErrors(errors: FormErrors, list: string): { rows: Record<number, string>; list?: string } {
  const rows: Record<number, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const match = new RegExp(`^${list}\\.(\\d+)$`).exec(field);
    if (match) rows[Number(match[1])] = message;
  }
  return { rows, list: errors[list] };
}

export function OidcFields({ mode, values, errors, onChange }: { mode: 'create' | 'edit'; values: OidcValues; errors: FormErrors; onChange: (next: Partial<OidcValues>) => void }) {
  const toggleGrant = (grant: GrantType, on: boolean) =>
    onChange({ grantTypes: on ? [...values.grantTypes, grant] : values.grantTypes.filter((current) => current !== grant) });
  return (
    <>
      <UriListField
        legend="Redirect URIs"
        hint="Where Gatehouse may send people back to after they sign in. The app’s documentation names it (often …/login/generic_oauth or …/callback). Matched exactly."
        itemName="Redirect URI"
        placeholder="https://app.example.com/callback"
        values={values.redirectUris}
        onChange={(redirectUris) => onChange({ redirectUris })}
        errors={rowErrors(errors, 'redirectUris')}
      />
      <UriListField
        legend="Post-logout redirect URIs (optional)"
        hint="Where the app may send people after they sign out of Gatehouse through it."
        itemName="Post-logout redirect URI"
        placeholder="https://app.example.com/"
        values={values.postLogoutRedirectUris}
        onChange={(postLogoutRedirectUris) => onChange({ postLogoutRedirectUris })}
        errors={rowErrors(errors, 'postLogoutRedirectUris')}
      />
      <div className={errors.isPublic ? 'field field-invalid' : 'field'}>
        <label className="checkbox checkbox-top">
          <input
            type="checkbox"
            name="isPublic"
            checked={values.isPublic}
            disabled={mode === 'edit'}
            onChange={(event) => onChange({ isPublic: event.target.checked })}
            aria-describedby="public-client-hint"
            aria-invalid={errors.isPublic ? true : undefined}
          />
          <span>Public client (no secret)</span>
        </label>
        <p className="hint checkbox-hint" id="public-client-hint">
          For apps that cannot keep a secret: single-page apps running in the browser, and mobile or desktop apps. They must use PKCE, which
          Gatehouse requires of them. {mode === 'edit' ? 'This cannot be changed after the application is created.' : 'Leave it off for apps with a server (Grafana, Gitea, Nextcloud): they get a client secret.'}
        </p>
        {errors.isPublic && <p className="field-error">{errors.isPublic}</p>}
      </div>
      <div className="field-grid">
        <Field label="Launch URL (optional)" name="launchUrl" type="url" inputMode="url" autoCapitalize="none" spellCheck={false} placeholder="https://app.example.com/" value={values.launchUrl} onChange={(event) => onChange({ launchUrl: event.target.value })} error={errors.launchUrl} hint="Where the “My apps” page opens the app. Without one, the app is not listed there." />
        <Field label="Logo URL (optional)" name="logoUri" type="url" inputMode="url" autoCapitalize="none" spellCheck={false} placeholder="https://app.example.com/logo.png" value={values.logoUri} onChange={(event) => onChange({ logoUri: event.target.value })} error={errors.logoUri} hint="An https image, shown on the sign-in page and in “My apps”." />
      </div>
      <details className="advanced" open={Boolean(errors.grantTypes || errors.allowHttpRedirectUris || errors.isResourceServer) || undefined}>
        <summary>Advanced: grant types and exceptions</summary>
        <fieldset className={errors.grantTypes ? 'grant-types field-invalid' : 'grant-types'} aria-describedby={errors.grantTypes ? 'grant-types-error' : undefined}>
          <legend>Grant types</legend>
          {GRANTS.map(({ grant, label, hint }) => (
            <label key={grant} className="checkbox checkbox-top">
              <input type="checkbox" checked={values.grantTypes.includes(grant)} onChange={(event) => toggleGrant(grant, event.target.checked)} aria-invalid={errors.grantTypes ? true : undefined} />
              <span>
                {label}
                <span className="hint checkbox-inline-hint">{hint}</span>
              </span>
            </label>
          ))}
          {errors.grantTypes && (
            <p className="field-error" id="grant-types-error">
              {errors.grantTypes}
            </p>
          )}
        </fieldset>
        <label className="checkbox checkbox-top">
          <input type="checkbox" checked={values.allowHttpRedirectUris} onChange={(event) => onChange({ allowHttpRedirectUris: event.target.checked })} aria-invalid={errors.allowHttpRedirectUris ? true : undefined} />
          <span>
            Allow plain http redirect URIs on the LAN
            <span className="hint checkbox-inline-hint">Without https, sign-ins to this app can be read on the network. http://localhost is always allowed.</span>
          </span>
        </label>
        <label className="checkbox checkbox-top">
          <input type="checkbox" checked={values.isResourceServer} onChange={(event) => onChange({ isResourceServer: event.target.checked })} aria-invalid={errors.isResourceServer ? true : undefined} />
          <span>
            Resource server
            <span className="hint checkbox-inline-hint">An API that checks access tokens issued to other apps (token introspection).</span>
          </span>
        </label>
      </details>
    </>
  );
}
