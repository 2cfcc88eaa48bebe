// Ready-made settings for common apps (Grafana, Gitea, Nextcloud, any other): where they go, the text to paste, and
// the redirect URI the app will use, with a button to add it when the application does not list it yet.
import { useState } from 'react';
import type { ApplicationDetail, ConfigSnippet } from '../../../api/applications';
import { Notice } from '../../../components/notice';
import { useSubmit } from '../../../components/use-submit';
import { CodeBlock } from './code-block';
import { Tabs } from './tabs';

export function SnippetsSection({ application, onAddRedirectUri }: { application: ApplicationDetail; onAddRedirectUri: (uri: string) => Promise<unknown> }) {
  const [selected, setSelected] = useState(application.snippets[0]?.id ?? 'generic');
  const snippet = application.snippets.find((candidate) => candidate.id === selected) ?? application.snippets[0];
  return (
    <section className="card panel" aria-labelledby="snippets-heading">
      <h2 id="snippets-heading">Ready-made settings</h2>
      {snippet ? (
        <>
          <p>Settings for common apps, with this application’s client ID and URLs filled in. Put the client secret where the text says.</p>
          <Tabs label="Apps" items={application.snippets.map((item) => ({ id: item.id, label: item.title }))} selected={snippet.id} onSelect={(id) => setSelected(id as ConfigSnippet['id'])}>
            <SnippetPanel key={snippet.id} snippet={snippet} redirectUris={application.redirectUris} onAddRedirectUri={onAddRedirectUri} />
          </Tabs>
        </>
      ) : (
        <p className="empty">No ready-made settings for this kind of application.</p>
      )}
    </section>
  );
}

function SnippetPanel({ snippet, redirectUris, onAddRedirectUri }: { snippet: ConfigSnippet; redirectUris: string[]; onAddRedirectUri: (uri: string) => Promise<unknown> }) {
  const add = useSubmit();
  const hint = snippet.redirectUriHint;
  return (
    <>
      <p className="snippet-where">
        <strong>Where it goes:</strong> {snippet.where}
      </p>
      <CodeBlock text={snippet.text} label={`${snippet.title} settings`} />
      {hint &&
        (redirectUris.includes(hint) ? (
          <p className="snippet-redirect ok-text">
            ✓ The redirect URI it uses, <code className="inline-code">{hint}</code>, is allowed.
          </p>
        ) : (
          <Notice kind="info">
            <p>
              {snippet.title} will send people back to <code className="inline-code">{hint}</code>, which this application does not allow yet.
            </p>
            {add.error && <p className="danger-text">{add.error.message}</p>}
            <button type="button" className="secondary button-small" disabled={add.busy} onClick={() => void add.run(() => onAddRedirectUri(hint))}>
              {add.busy ? 'Adding…' : 'Add this redirect URI'}
            </button>
          </Notice>
        ))}
    </>
  );
}
