// The API tokens: what each may do, who made it, when it ends and when it was last used; revoke one (asks first).
import { useState } from 'react';
import { tokensApi, type TokenView } from '../../../api/tokens';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { StatusBadge } from '../../../components/status-badge';
import { AbsoluteTime, RelativeTime } from '../../../components/relative-time';
import { scopeLabel } from './scope-grid';

export function TokensTable({ tokens, now }: { tokens: TokenView[]; now: number }) {
  const [revoking, setRevoking] = useState<TokenView | null>(null);
  return (
    <>
      <div className="table-scroll">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created by</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => {
              const expired = Date.parse(token.expiresAt) <= now;
              return (
                <tr key={token.id}>
                  <th scope="row">{token.name}</th>
                  <td data-label="Scopes">
                    <ul className="scope-chips" aria-label={`Scopes of ${token.name}`}>
                      {token.scopes.map((scope) => (
                        <li key={scope} className="scope-chip">
                          {scopeLabel(scope)}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label="Created by">{token.createdBy ?? <span className="muted">a deleted admin</span>}</td>
                  <td data-label="Created">
                    <RelativeTime value={token.createdAt} />
                  </td>
                  <td data-label="Expires">
                    <AbsoluteTime value={token.expiresAt} />
                    {expired && (
                      <>
                        {' '}
                        <StatusBadge tone="danger">Expired</StatusBadge>
                      </>
                    )}
                  </td>
                  <td data-label="Last used">{token.lastUsedAt ? <RelativeTime value={token.lastUsedAt} /> : <span className="muted">Never</span>}</td>
                  <td className="row-actions">
                    <button type="button" className="secondary button-small" onClick={() => setRevoking(token)} aria-label={`Revoke ${token.name}`}>
                      Revoke
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {revoking && (
        <ConfirmDialog title={`Revoke “${revoking.name}”?`} confirmLabel="Revoke token" onConfirm={() => tokensApi.revoke(revoking.id)} onClose={() => setRevoking(null)}>
          <p>Whatever uses this token is refused from now on. This cannot be undone; you can make a new token.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
