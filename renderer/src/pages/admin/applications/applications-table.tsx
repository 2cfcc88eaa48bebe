// The applications as a table (one block per application on a phone): name with logo, client ID, kind, state.
import type { ApplicationSummary } from '../../../api/applications';
import { StatusBadge } from '../../../components/status-badge';
import { AppLogo } from '../../portal/app-logo';
import { RelativeTime } from '../../../components/relative-time';

const TYPE_LABEL: Record<ApplicationSummary['type'], string> = { oidc: 'OIDC' };

export function ApplicationsTable({ items }: { items: ApplicationSummary[] }) {
  return (
    <div className="table-scroll">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Client ID</th>
            <th scope="col">Type</th>
            <th scope="col">Client</th>
            <th scope="col">State</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {items.map((application) => (
            <tr key={application.id}>
              <th scope="row">
                <a className="app-name-link" href={`/admin/applications/${encodeURIComponent(application.id)}`}>
                  <AppLogo name={application.name} logoUri={application.logoUri} size="small" />
                  <span>{application.name}</span>
                </a>
              </th>
              <td data-label="Client ID">
                <code className="inline-code">{application.id}</code>
              </td>
              <td data-label="Type">{TYPE_LABEL[application.type]}</td>
              <td data-label="Client">{application.isPublic ? 'Public (PKCE)' : 'Confidential'}</td>
              <td data-label="State">
                <StatusBadge tone={application.isEnabled ? 'success' : 'neutral'}>{application.isEnabled ? 'Enabled' : 'Disabled'}</StatusBadge>
              </td>
              <td data-label="Created">
                <RelativeTime value={application.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
