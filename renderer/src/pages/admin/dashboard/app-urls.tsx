// The addresses to give applications and people, each with a copy button.
import type { StatusView } from '../../../api/status';
import { CopyButton } from '../../../components/copy-button';

const ROWS: Array<{ key: keyof StatusView['urls']; label: string; copy: string; hint: string }> = [
  { key: 'issuer', label: 'Issuer', copy: 'Copy issuer URL', hint: 'What OIDC apps ask for as “issuer” or “OpenID provider URL”.' },
  { key: 'discovery', label: 'Discovery', copy: 'Copy discovery URL', hint: 'Apps that read their settings from one URL take this one.' },
  { key: 'jwks', label: 'JWKS', copy: 'Copy JWKS URL', hint: 'The public keys that tokens are signed with.' },
  { key: 'controlUi', label: 'Control UI', copy: 'Copy control UI URL', hint: 'This page, for other admins.' },
  { key: 'portal', label: 'User portal', copy: 'Copy portal URL', hint: 'For everyone: their apps, sessions and password.' },
];

export function AppUrls({ urls }: { urls: StatusView['urls'] }) {
  return (
    <section className="card panel" aria-labelledby="urls-heading">
      <h2 id="urls-heading">Addresses</h2>
      <ul className="url-list">
        {ROWS.map((row) => (
          <li key={row.key} className="url-row">
            <div className="url-text">
              <span className="url-label">{row.label}</span>
              <code className="url-value" id={`url-${row.key}`}>
                {urls[row.key]}
              </code>
              <span className="hint">{row.hint}</span>
            </div>
            <CopyButton value={urls[row.key]} label={row.copy} targetId={`url-${row.key}`} />
          </li>
        ))}
      </ul>
    </section>
  );
}
