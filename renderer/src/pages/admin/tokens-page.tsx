// /admin/tokens — API tokens for scripts and tools: make one (shown once), see them all, revoke one.
// Only a signed-in admin manages tokens (a token never makes another); the list follows changes live.
import { useState } from 'react';
import { useLive } from '../../api/live';
import { tokensApi, type CreatedToken } from '../../api/tokens';
import { AdminShell } from '../../components/admin-shell';
import { LoadProblem } from '../../components/load-problem';
import { Loading } from '../../components/notice';
import { useLoader } from '../../components/use-loader';
import { CreatedTokenPanel } from './tokens/created-token';
import { NewTokenForm } from './tokens/new-token-form';
import { TokensTable } from './tokens/tokens-table';

export function TokensPage() {
  const { data, error: failure, reload } = useLoader(() => tokensApi.list(), []);
  useLive(['tokens'], () => reload(true));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);

  return (
    <AdminShell
      title="API tokens"
      section="tokens"
      actions={
        !creating &&
        !created && (
          <button type="button" className="primary" onClick={() => setCreating(true)} disabled={!data}>
            New token
          </button>
        )
      }
    >
      <p className="lead">
        Tokens let scripts and tools use the{' '}
        <a className="link" href="/api/docs">
          admin API
        </a>{' '}
        without signing in. Each has scopes that limit what it may do, and an expiry date.
      </p>
      {created && (
        <CreatedTokenPanel
          created={created}
          onDone={() => {
            setCreated(null);
            reload();
          }}
        />
      )}
      {creating && data && (
        <NewTokenForm
          available={data.scopes}
          onCreated={(token) => {
            setCreating(false);
            setCreated(token);
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      {failure && <LoadProblem error={failure} onRetry={() => reload()} />}
      {!data ? (
        !failure && <Loading />
      ) : data.items.length === 0 ? (
        <p className="empty">No API tokens yet. Make one with “New token”.</p>
      ) : (
        <TokensTable tokens={data.items} now={Date.now()} />
      )}
    </AdminShell>
  );
}
