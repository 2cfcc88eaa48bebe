// /admin/applications — the applications people sign in to through Gatehouse: search, page through, create one.
// A new confidential application's client secret is shown here once, then the admin goes on to its page.
import { useState } from 'react';
import { applicationsApi, type CreatedApplication } from '../../api/applications';
import { useLive } from '../../api/live';
import { AdminShell } from '../../components/admin-shell';
import { EmptyState } from '../../components/empty-state';
import { LoadProblem } from '../../components/load-problem';
import { Loading } from '../../components/notice';
import { Pager, usePager } from '../../components/pager';
import { SearchBox } from '../../components/search-box';
import { useLoader } from '../../components/use-loader';
import { ApplicationForm, NEW_OIDC_VALUES } from './applications/application-form';
import { ApplicationsTable } from './applications/applications-table';
import { SecretOnce } from './applications/secret-once';

export const applicationUrl = (id: string) => `/admin/applications/${encodeURIComponent(id)}`;

export function ApplicationsPage() {
  const [mode, setMode] = useState<'list' | 'create'>('list');
  const [created, setCreated] = useState<CreatedApplication | null>(null);

  if (created?.clientSecret) {
    return (
      <AdminShell title="Application created" section="applications">
        <SecretOnce title={`${created.application.name} is ready`} label="Client secret" secret={created.clientSecret}>
          <p>
            Paste it into the app’s settings with the client ID <code className="inline-code">{created.application.id}</code>. The application’s page has
            everything else the app needs: its URLs and ready-made settings.
          </p>
          <div className="actions">
            <a className="primary button-link" href={applicationUrl(created.application.id)}>
              I have copied it: go to the application
            </a>
          </div>
        </SecretOnce>
      </AdminShell>
    );
  }

  return (
    <AdminShell
      title={mode === 'create' ? 'New application' : 'Applications'}
      section="applications"
      actions={
        mode === 'list' && (
          <button type="button" className="primary" onClick={() => setMode('create')}>
            New application
          </button>
        )
      }
    >
      {mode === 'create' ? (
        <section className="card panel" aria-label="New application">
          <ApplicationForm
            mode="create"
            initial={NEW_OIDC_VALUES}
            submitLabel="Create application"
            busyLabel="Creating…"
            onCancel={() => setMode('list')}
            onSave={async (values) => {
              const answer = await applicationsApi.create({
                type: 'oidc',
                name: values.name,
                redirectUris: values.redirectUris,
                postLogoutRedirectUris: values.postLogoutRedirectUris,
                isPublic: values.isPublic,
                grantTypes: values.grantTypes,
                allowHttpRedirectUris: values.allowHttpRedirectUris,
                isResourceServer: values.isResourceServer,
                ...(values.launchUrl ? { launchUrl: values.launchUrl } : {}),
                ...(values.logoUri ? { logoUri: values.logoUri } : {}),
              });
              // A public client has no secret to show: straight to its page.
              if (answer.clientSecret) setCreated(answer);
              else window.location.assign(applicationUrl(answer.application.id));
            }}
          />
        </section>
      ) : (
        <ApplicationList />
      )}
    </AdminShell>
  );
}

function ApplicationList() {
  const [query, setQuery] = useState('');
  return (
    <>
      <p className="lead">Each application that signs people in through Gatehouse: Grafana, Gitea, Nextcloud, your own.</p>
      <div className="search-row">
        <SearchBox label="Search applications" value={query} onSearch={setQuery} placeholder="Part of the name" />
      </div>
      {/* A new search starts again at its first page. */}
      <ApplicationResults key={query} query={query} />
    </>
  );
}

function ApplicationResults({ query }: { query: string }) {
  const pager = usePager();
  const { cursor } = pager;
  const { data: page, error: failure, reload } = useLoader(() => applicationsApi.list({ search: query || undefined, cursor }), [query, cursor]);
  useLive(['applications'], () => reload(true));

  if (!page) return failure ? <LoadProblem error={failure} onRetry={() => reload()} /> : <Loading />;
  return (
    <>
      {failure && <LoadProblem error={failure} onRetry={() => reload()} />}
      {page.items.length === 0 ? (
        query ? (
          <EmptyState title={`No application matches “${query}”.`}>Check the spelling, or search for a shorter part of the name.</EmptyState>
        ) : (
          <EmptyState title="No applications yet.">Add the first with “New application”: Gatehouse then shows the settings to paste into it.</EmptyState>
        )
      ) : (
        <>
          <ApplicationsTable items={page.items} />
          <Pager pager={pager} nextCursor={page.nextCursor} label="Pages of applications" />
        </>
      )}
    </>
  );
}
