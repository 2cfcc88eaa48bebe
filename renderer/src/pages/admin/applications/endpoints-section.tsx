// What an app's settings ask for, each ready to copy: the client ID and the provider's URLs (OIDC Discovery 1.0 §3).
import type { ApplicationDetail } from '../../../api/applications';
import { CopyButton } from '../../../components/copy-button';

export function EndpointsSection({ application }: { application: ApplicationDetail }) {
  const { endpoints } = application;
  const rows: Array<{ label: string; value: string; hint?: string }> = [
    { label: 'Client ID', value: application.id },
    { label: 'Issuer', value: endpoints.issuer },
    { label: 'Discovery URL', value: endpoints.discovery, hint: 'Apps that ask for one URL (“OpenID configuration”, “auto-discovery”) need only this.' },
    { label: 'Authorization URL', value: endpoints.authorization },
    { label: 'Token URL', value: endpoints.token },
    { label: 'Userinfo URL', value: endpoints.userinfo },
    { label: 'JWKS URL', value: endpoints.jwks },
    { label: 'End-session (logout) URL', value: endpoints.endSession },
    { label: 'Introspection URL', value: endpoints.introspection },
    { label: 'Revocation URL', value: endpoints.revocation },
  ];
  return (
    <section className="card panel" aria-labelledby="endpoints-heading">
      <h2 id="endpoints-heading">Settings for the app</h2>
      <p>Copy these into the app’s OpenID Connect (or “generic OAuth”) settings.</p>
      <dl className="copy-list">
        {rows.map((row, index) => (
          <div className="copy-row" key={row.label}>
            <dt id={`endpoint-${index}`}>{row.label}</dt>
            <dd>
              <code className="copy-value" id={`endpoint-${index}-value`}>
                {row.value}
              </code>
              {row.hint && <span className="hint copy-hint">{row.hint}</span>}
            </dd>
            <dd className="copy-action">
              <CopyButton value={row.value} label={`Copy ${row.label}`} targetId={`endpoint-${index}-value`} />
            </dd>
          </div>
        ))}
        <div className="copy-row">
          <dt>Client secret</dt>
          <dd>{application.isPublic ? 'None: a public client proves itself with PKCE instead.' : 'Shown once, when the application was created. Rotate it below if it was lost.'}</dd>
        </div>
      </dl>
    </section>
  );
}
