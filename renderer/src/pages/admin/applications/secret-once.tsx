// A secret (a client secret, an API token) shown the one time Gatehouse has it in clear: a copy button, and a plain
// warning that it cannot be shown again. Could serve any page that reveals a secret once (it is generic).
import { useId, type ReactNode } from 'react';
import { CopyButton } from '../../../components/copy-button';
import { Notice } from '../../../components/notice';

export function SecretOnce({ title, label, secret, children }: { title: string; label: string; secret: string; children?: ReactNode }) {
  const id = useId();
  return (
    <section className="card panel secret-once" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      <Notice kind="info">
        <strong>Copy it now: you will not see it again.</strong> Gatehouse keeps only a fingerprint of it. If it gets lost, make a new one.
      </Notice>
      <p className="secret-label" id={`${id}-label`}>
        {label}
      </p>
      <div className="secret-row">
        <code className="secret-value" id={`${id}-value`} aria-labelledby={`${id}-label`}>
          {secret}
        </code>
        <CopyButton value={secret} label={`Copy ${lowerFirstWord(label)}`} targetId={`${id}-value`} />
      </div>
      {children}
    </section>
  );
}

/** "Client secret" → "client secret", "API token" stays (an acronym keeps its capitals). */
function lowerFirstWord(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
