// What may end an application's use: disable (or enable again), a new client secret, delete. Each asks first.
import { useState } from 'react';
import { applicationsApi, type ApplicationDetail } from '../../../api/applications';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { TypedConfirmDialog } from './delete-dialog';

type Asking = 'toggle' | 'rotate' | 'delete' | null;

export function ManageSection({ application, onChanged, onRotated }: { application: ApplicationDetail; onChanged: (application: ApplicationDetail) => void; onRotated: (secret: string) => void }) {
  const [asking, setAsking] = useState<Asking>(null);
  const { id, name, isEnabled } = application;
  return (
    <section className="card panel" aria-labelledby="manage-heading">
      <h2 id="manage-heading">Disable, rotate or delete</h2>
      <div className="manage-rows">
        <div className="manage-row">
          <div>
            <h3>{isEnabled ? 'Disable the application' : 'Enable the application'}</h3>
            <p>{isEnabled ? 'Nobody can sign in to it while it is disabled, and the tokens it holds stop working. Its settings are kept.' : 'It is disabled: nobody can sign in to it. Enabling it lets people sign in again.'}</p>
          </div>
          <button type="button" className={isEnabled ? 'secondary' : 'primary'} onClick={() => setAsking('toggle')}>
            {isEnabled ? 'Disable…' : 'Enable…'}
          </button>
        </div>
        {!application.isPublic && (
          <div className="manage-row">
            <div>
              <h3>Rotate the client secret</h3>
              <p>The current secret stops working at once; the app cannot sign anyone in until it has the new one.</p>
            </div>
            <button type="button" className="secondary" onClick={() => setAsking('rotate')}>
              Rotate secret…
            </button>
          </div>
        )}
        <div className="manage-row">
          <div>
            <h3>Delete the application</h3>
            <p>Its settings, sign-ins and the consents people gave it are removed for good.</p>
          </div>
          <button type="button" className="danger" onClick={() => setAsking('delete')}>
            Delete…
          </button>
        </div>
      </div>
      {asking === 'toggle' && (
        <ConfirmDialog
          title={isEnabled ? `Disable ${name}?` : `Enable ${name}?`}
          confirmLabel={isEnabled ? 'Disable application' : 'Enable application'}
          onConfirm={async () => onChanged(await applicationsApi.update(id, { isEnabled: !isEnabled }))}
          onClose={() => setAsking(null)}
        >
          {isEnabled ? <p>People signed in to {name} through Gatehouse lose access when their tokens are next checked, and nobody can sign in to it until it is enabled again.</p> : <p>People can sign in to {name} again.</p>}
        </ConfirmDialog>
      )}
      {asking === 'rotate' && (
        <ConfirmDialog title={`New client secret for ${name}?`} confirmLabel="Rotate secret" onConfirm={async () => onRotated((await applicationsApi.rotateSecret(id)).clientSecret)} onClose={() => setAsking(null)}>
          <p>The current secret stops working now. The new one is shown once; put it in {name}’s settings.</p>
        </ConfirmDialog>
      )}
      {asking === 'delete' && (
        <TypedConfirmDialog
          title={`Delete ${name}?`}
          name={name}
          confirmLabel="Delete application"
          onConfirm={async () => {
            await applicationsApi.remove(id);
            window.location.assign('/admin/applications');
          }}
          onClose={() => setAsking(null)}
        >
          <p>This cannot be undone. People can no longer sign in to {name} with Gatehouse.</p>
        </TypedConfirmDialog>
      )}
    </section>
  );
}
