// One card of the Settings page: a heading, what the settings do, the form, and its Save button with "Saved".
import type { FormEvent, ReactNode, RefObject } from 'react';
import { Notice } from '../../../components/notice';

export function SettingsSection({
  id,
  title,
  saveLabel,
  intro,
  formRef,
  onSubmit,
  busy,
  saved,
  formError,
  children,
  after,
}: {
  id: string;
  title: string;
  /** The save button's words, naming what it saves ("Save sessions"). */
  saveLabel: string;
  intro: ReactNode;
  formRef: RefObject<HTMLFormElement | null>;
  onSubmit: (event: FormEvent) => void;
  busy: boolean;
  saved: boolean;
  formError: string | null;
  children: ReactNode;
  /** Below the form (e.g. the logo). */
  after?: ReactNode;
}) {
  return (
    <section className="card panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      <div className="section-intro">{intro}</div>
      {formError && <Notice kind="error">{formError}</Notice>}
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-busy={busy}>
        {children}
        <div className="actions actions-inline">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : saveLabel}
          </button>
          <span className="saved-note" role="status">
            {saved ? 'Saved.' : ''}
          </span>
        </div>
      </form>
      {after}
    </section>
  );
}
