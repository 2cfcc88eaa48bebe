// /admin/applications/:id — one application: what to copy into the app (client ID, URLs, ready-made settings),
// its settings to edit, and disable / rotate secret / delete. Follows changes made elsewhere live.
import { useEffect, useRef, useState } from 'react';
import { applicationsApi, type ApplicationDetail } from '../../api/applications';
import { useLive } from '../../api/live';
import { AdminShell } from '../../components/admin-shell';
import { StatusBadge } from '../../components/status-badge';
import { useLoader } from '../../components/use-loader';
import { LoadProblem } from '../../components/load-problem';
import { Loading, Notice } from '../../components/notice';
import { ApplicationForm, valuesOf } from './applications/application-form';
import { EndpointsSection } from './applications/endpoints-section';
import { ManageSection } from './applications/manage-section';
import { SecretOnce } from './applications/secret-once';
import { SnippetsSection } from './applications/snippets-section';
import { AppLogo } from '../portal/app-logo';

export function ApplicationPage({ id }: { id: string }) {
  const { data: application, error: failure, reload, setData } = useLoader(() => applicationsApi.get(id), [id]);
  useLive(['applications'], () => reload(true));
  // The edit form keeps what is typed while live updates arrive; it starts again from the server's values after a
  // change made elsewhere on this page (an added redirect URI), so saving it cannot undo that change.
  const [formGeneration, setFormGeneration] = useState(0);
  const [rotatedSecret, setRotatedSecret] = useState<string | null>(null);
  const secretRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (rotatedSecret) secretRef.current?.scrollIntoView({ block: 'start' });
  }, [rotatedSecret]);

  if (failure?.status === 404) {
    return (
      <AdminShell title="Application not found" section="applications">
        <Notice kind="info">There is no application with the client ID “{id}”. It may have been deleted.</Notice>
        <p>
          <a className="link" href="/admin/applications">
            All applications
          </a>
        </p>
      </AdminShell>
    );
  }
  if (!application) {
    return (
      <AdminShell title="Application" section="applications">
        {failure ? <LoadProblem error={failure} onRetry={() => reload()} /> : <Loading />}
      </AdminShell>
    );
  }

  const changed = (updated: ApplicationDetail) => setData(updated);
  const changedHere = (updated: ApplicationDetail) => {
    setData(updated);
    setFormGeneration((generation) => generation + 1);
  };
  return (
    <AdminShell title={application.name} section="applications">
      <p className="breadcrumbs">
        <a className="link" href="/admin/applications">
          ← All applications
        </a>
      </p>
      {failure && <Notice kind="error">{failure.message}</Notice>}
      <div className="app-heading">
        <AppLogo name={application.name} logoUri={application.logoUri} />
        <p>
          OpenID Connect application · {application.isPublic ? 'public client (PKCE, no secret)' : 'confidential client (with a secret)'} ·{' '}
          <StatusBadge tone={application.isEnabled ? 'success' : 'danger'}>{application.isEnabled ? 'Enabled' : 'Disabled'}</StatusBadge>
        </p>
      </div>
      {!application.isEnabled && <Notice kind="error">This application is disabled: nobody can sign in to it.</Notice>}
      {rotatedSecret && (
        <div ref={secretRef}>
          <SecretOnce title="New client secret" label="Client secret" secret={rotatedSecret}>
            <p>The old secret no longer works. Put this one in {application.name}’s settings.</p>
            <button type="button" className="secondary button-small" onClick={() => setRotatedSecret(null)}>
              I have copied it
            </button>
          </SecretOnce>
        </div>
      )}
      <EndpointsSection application={application} />
      <SnippetsSection application={application} onAddRedirectUri={async (uri) => changedHere(await applicationsApi.update(id, { redirectUris: [...application.redirectUris, uri] }))} />
      <section className="card panel" aria-labelledby="edit-heading">
        <h2 id="edit-heading">Edit</h2>
        <ApplicationForm
          key={formGeneration}
          mode="edit"
          initial={valuesOf(application)}
          submitLabel="Save changes"
          busyLabel="Saving…"
          onSave={async (values) => {
            changed(
              await applicationsApi.update(id, {
                name: values.name,
                redirectUris: values.redirectUris,
                postLogoutRedirectUris: values.postLogoutRedirectUris,
                grantTypes: values.grantTypes,
                allowHttpRedirectUris: values.allowHttpRedirectUris,
                isResourceServer: values.isResourceServer,
                launchUrl: values.launchUrl,
                logoUri: values.logoUri,
              }),
            );
          }}
        />
      </section>
      <ManageSection
        application={application}
        onChanged={changedHere}
        onRotated={setRotatedSecret}
      />
    </AdminShell>
  );
}
