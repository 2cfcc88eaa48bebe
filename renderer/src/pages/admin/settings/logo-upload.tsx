// The instance's logo: the one in use (from /branding/logo), a file to replace it (PNG, JPEG or WebP, at most
// 256 KiB, checked here before it is sent and again by the server), and removing it (asks first).
// The pages' CSP allows images from our own origin only, so the preview is of the stored logo, after upload.
import { useId, useRef, useState, type FormEvent } from 'react';
import { settingsApi, type Branding } from '../../../api/settings';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { useSubmit } from '../../../components/use-submit';

/** The same limits as the server's (server/src/admin/settings/schemas.ts LOGO_MAX_BYTES, LOGO_TYPES). */
const LOGO_MAX_BYTES = 256 * 1024;
const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

export function LogoUpload({ branding, onChanged }: { branding: Branding; onChanged: (branding: Branding) => void }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string>('');
  const [removing, setRemoving] = useState(false);
  const upload = useSubmit();

  function choose(chosen: File | null) {
    setDone('');
    setFile(chosen);
    if (!chosen) return setError(null);
    if (!LOGO_TYPES.includes(chosen.type)) setError('Choose a PNG, JPEG or WebP image (SVG is not accepted: it can carry scripts).');
    else if (chosen.size > LOGO_MAX_BYTES) setError(`This file is ${Math.ceil(chosen.size / 1024)} KiB; the logo can be at most 256 KiB. Make it smaller (256 × 256 pixels is plenty).`);
    else setError(null);
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!file) {
      setError('Choose an image file first.');
      return input.current?.focus();
    }
    if (error) return input.current?.focus();
    const failure = await upload.run(async () => onChanged(await settingsApi.uploadLogo(file)));
    if (failure) {
      setError(failure.message);
      input.current?.focus();
      return;
    }
    setFile(null);
    if (input.current) input.current.value = '';
    setDone('Logo uploaded.');
  }

  return (
    <div className="logo-upload">
      <h3>Logo</h3>
      <div className="logo-current">
        {branding.logoUrl ? (
          <img className="logo-preview" src={branding.logoUrl} alt={`The current logo of ${branding.instanceName}`} />
        ) : (
          <p className="logo-none">No logo: the sign-in pages show the Gatehouse icon.</p>
        )}
        {branding.logoUrl && (
          <button type="button" className="secondary button-small" onClick={() => setRemoving(true)}>
            Remove logo
          </button>
        )}
      </div>
      <form onSubmit={onSubmit} noValidate aria-busy={upload.busy}>
        <div className={error ? 'field field-invalid' : 'field'}>
          <label htmlFor={id}>{branding.logoUrl ? 'Replace with an image' : 'Image file'}</label>
          <p className="hint" id={`${id}-hint`}>
            PNG, JPEG or WebP, at most 256 KiB. A square image looks best.
          </p>
          <div className="upload-row">
            <input
              ref={input}
              id={id}
              type="file"
              accept={LOGO_TYPES.join(',')}
              onChange={(event) => choose(event.target.files?.[0] ?? null)}
              aria-invalid={error ? true : undefined}
              aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].join(' ').trim()}
            />
            <button type="submit" className="secondary" disabled={upload.busy}>
              {upload.busy ? 'Uploading…' : 'Upload logo'}
            </button>
          </div>
          {error && (
            <p className="field-error" id={`${id}-error`}>
              {error}
            </p>
          )}
        </div>
        <p className="saved-note" role="status">
          {done}
        </p>
      </form>
      {removing && (
        <ConfirmDialog
          title="Remove the logo?"
          confirmLabel="Remove logo"
          onConfirm={async () => {
            onChanged(await settingsApi.removeLogo());
            setDone('Logo removed.');
          }}
          onClose={() => setRemoving(false)}
        >
          <p>The sign-in pages show the Gatehouse icon instead. You can upload a logo again at any time.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
