// A block of text to paste somewhere else (a config snippet, a command), with a copy button. Generic: could be shared.
import { useId } from 'react';
import { CopyButton } from '../../../components/copy-button';

export function CodeBlock({ text, label }: { text: string; /** What the block is, for the copy button ("Copy Grafana settings"). */ label: string }) {
  const id = useId();
  return (
    <div className="code-block">
      <pre id={id} tabIndex={0} aria-label={label}>
        <code>{text}</code>
      </pre>
      <div className="code-block-actions">
        <CopyButton value={text} label={`Copy ${label}`} targetId={id} />
      </div>
    </div>
  );
}
