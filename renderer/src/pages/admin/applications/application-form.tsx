// The application form, for a new application and for editing one. The kinds of application are listed in
// APPLICATION_TYPES, each with its own fields; OIDC is the only one today, and SAML, LDAP or proxy applications
// slot in as further entries (and further members of the API's unions).
import { useRef, useState, type FormEvent } from 'react';
import type { ApplicationDetail, GrantType } from '../../../api/applications';
import type { ApiError } from '../../../api/flow';
import { Field } from '../../../components/field';
import { Notice } from '../../../components/notice';
import { useSubmit } from '../../../components/use-submit';
import { OidcFields } from './oidc-fields';

export type ApplicationType = ApplicationDetail['type'];

export const APPLICATION_TYPES: ReadonlyArray<{ type: ApplicationType; label: string; description: string }> = [
  {
    type: 'oidc',
    label: 'OpenID Connect (OIDC) / OAuth 2',
    description: 'For apps with a “Sign in with OpenID Connect” or “Generic OAuth” setting: Grafana, Gitea, Nextcloud and most web apps.',
  },
];

export interface OidcValues {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  isPublic: boolean;
  grantTypes: GrantType[];
  allowHttpRedirectUris: boolean;
  isResourceServer: boolean;
  launchUrl: string;
  logoUri: string;
}

export const NEW_OIDC_VALUES: OidcValues = {
  name: '',
  redirectUris: [''],
  postLogoutRedirectUris: [''],
  isPublic: false,
  grantTypes: ['authorization_code', 'refresh_token'],
  allowHttpRedirectUris: false,
  isResourceServer: false,
  launchUrl: '',
  logoUri: '',
};

export function valuesOf(application: ApplicationDetail): OidcValues {
  return {
    name: application.name,
    redirectUris: application.redirectUris.length > 0 ? application.redirectUris : [''],
    postLogoutRedirectUris: application.postLogoutRedirectUris.length > 0 ? application.postLogoutRedirectUris : [''],
    isPublic: application.isPublic,
    grantTypes: application.grantTypes,
    allowHttpRedirectUris: application.allowHttpRedirectUris,
    isResourceServer: application.isResourceServer,
    launchUrl: application.launchUrl ?? '',
    logoUri: application.logoUri ?? '',
  };
}

/** What the form sends: the lists without their empty rows, and the row each sent URI came from. */
export type PreparedValues = Omit<OidcValues, 'launchUrl' | 'logoUri'> & { launchUrl: string | null; logoUri: string | null };

type ListName = 'redirectUris' | 'postLogoutRedirectUris';

function compact(rows: string[]): { sent: string[]; rowOf: number[] } {
  const sent: string[] = [];
  const rowOf: number[] = [];
  rows.forEach((row, index) => {
    if (row.trim() === '') return;
    sent.push(row.trim());
    rowOf.push(index);
  });
  return { sent, rowOf };
}

/** Errors by field: "name", "launchUrl", "redirectUris.2" (a row of the form), "redirectUris" (the list). */
export type FormErrors = Record<string, string>;

/** The fields a refusal may name that the form shows; any other refusal goes above the form. */
const SCALAR_FIELDS = new Set(['name', 'launchUrl', 'logoUri', 'grantTypes', 'isPublic', 'allowHttpRedirectUris', 'isResourceServer']);

export function ApplicationForm({
  mode,
  initial,
  submitLabel,
  busyLabel,
  onSave,
  onCancel,
}: {
  mode: 'create' | 'edit';
  initial: OidcValues;
  submitLabel: string;
  busyLabel: string;
  onSave: (values: PreparedValues) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const [type, setType] = useState<ApplicationType>('oidc');
  const [values, setValues] = useState<OidcValues>(initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const [saved, setSaved] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const submit = useSubmit();

  function change(next: Partial<OidcValues>) {
    setSaved(false);
    setValues((current) => ({ ...current, ...next }));
  }

  /** Moves focus to the first control marked invalid, once React has drawn the errors. */
  function focusFirstError() {
    window.requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  }

  function placeError(error: ApiError, rowOf: Record<ListName, number[]>): boolean {
    const field = error.field;
    if (!field) return false;
    const [head, index] = field.split('.');
    if (head === 'redirectUris' || head === 'postLogoutRedirectUris') {
      const row = index === undefined ? undefined : rowOf[head][Number(index)];
      setErrors({ [row === undefined ? head : `${head}.${row}`]: error.message });
      return true;
    }
    if (head && SCALAR_FIELDS.has(head)) {
      setErrors({ [head]: error.message });
      return true;
    }
    return false;
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    if (values.name.trim() === '') {
      setErrors({ name: 'Give the application a name, like “Grafana”.' });
      focusFirstError();
      return;
    }
    setErrors({});
    const redirect = compact(values.redirectUris);
    const postLogout = compact(values.postLogoutRedirectUris);
    const failure = await submit.run(() =>
      onSave({
        name: values.name.trim(),
        redirectUris: redirect.sent,
        postLogoutRedirectUris: postLogout.sent,
        isPublic: values.isPublic,
        grantTypes: values.grantTypes,
        allowHttpRedirectUris: values.allowHttpRedirectUris,
        isResourceServer: values.isResourceServer,
        launchUrl: values.launchUrl.trim() || null,
        logoUri: values.logoUri.trim() || null,
      }),
    );
    if (!failure) {
      setSaved(mode === 'edit');
      return;
    }
    if (placeError(failure, { redirectUris: redirect.rowOf, postLogoutRedirectUris: postLogout.rowOf })) focusFirstError();
    else setFormError(failure.message);
  }

  const typeInfo = APPLICATION_TYPES.find((entry) => entry.type === type)!;
  return (
    <form ref={formRef} className="application-form" onSubmit={onSubmit} noValidate aria-busy={submit.busy}>
      {formError && <Notice kind="error">{formError}</Notice>}
      <div className="field-grid">
        <Field label="Name" name="name" value={values.name} onChange={(event) => change({ name: event.target.value })} error={errors.name} hint="What people see in their list of apps and on the sign-in page." autoComplete="off" autoFocus={mode === 'create'} />
        {mode === 'create' && (
          <div className="field">
            <label htmlFor="application-type">Type</label>
            <p className="hint" id="application-type-hint">
              {typeInfo.description}
            </p>
            <select id="application-type" name="type" value={type} onChange={(event) => setType(event.target.value as ApplicationType)} aria-describedby="application-type-hint">
              {APPLICATION_TYPES.map((entry) => (
                <option key={entry.type} value={entry.type}>
                  {entry.label}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      {type === 'oidc' && <OidcFields mode={mode} values={values} errors={errors} onChange={change} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={submit.busy}>
          {submit.busy ? busyLabel : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      <p className="saved-note" role="status">
        {saved ? 'Saved.' : ''}
      </p>
    </form>
  );
}
