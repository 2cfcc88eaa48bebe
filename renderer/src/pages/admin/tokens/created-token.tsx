// A token just made: the secret, once, and how to use it — a curl command the admin can paste as it is.
import type { CreatedToken } from '../../../api/tokens';
import { CodeBlock } from '../applications/code-block';
import { SecretOnce } from '../applications/secret-once';

/** A list each area's read scope allows, for the example command. */
const READ_PATH: Record<string, string> = {
  status: '/api/v1/status',
  users: '/api/v1/users',
  groups: '/api/v1/groups',
  applications: '/api/v1/applications',
  sessions: '/api/v1/sessions',
  events: '/api/v1/events',
  settings: '/api/v1/settings',
  backups: '/api/v1/backups',
};

/** A command that lists something the token may read (the first area, in the order above), or null if it reads nothing. */
export function exampleCommand(created: CreatedToken, origin: string): string | null {
  const area = Object.keys(READ_PATH).find((candidate) => created.token.scopes.includes(`${candidate}:read` as CreatedToken['token']['scopes'][number]));
  return area ? `curl -H "Authorization: Bearer ${created.secret}" ${origin}${READ_PATH[area]}` : null;
}

export function CreatedTokenPanel({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  const command = exampleCommand(created, window.location.origin);
  return (
    <SecretOnce title={`Token “${created.token.name}” created`} label="API token" secret={created.secret}>
      <p>
        Send it in the <code className="inline-code">Authorization</code> header of each request: <code className="inline-code">Authorization: Bearer gh_…</code>. The{' '}
        <a className="link" href="/api/docs">
          API reference
        </a>{' '}
        lists what each scope allows.
      </p>
      {command && (
        <>
          <p className="code-caption">For example:</p>
          <CodeBlock text={command} label="example command" />
        </>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </SecretOnce>
  );
}
