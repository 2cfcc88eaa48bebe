// Copies a value to the clipboard and says so ("Copied") for a moment, announced to screen readers.
// Where the Clipboard API is refused (an http:// page on another host), the value is selected for Ctrl+C instead.
import { useEffect, useState } from 'react';

export function CopyButton({ value, label = 'Copy', targetId }: { value: string; label?: string; /** An element whose text is selected when copying is refused. */ targetId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'select'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      const target = targetId ? document.getElementById(targetId) : null;
      if (target) window.getSelection()?.selectAllChildren(target);
      setState('select');
    }
  }

  return (
    <button type="button" className="secondary button-small copy-button" onClick={() => void copy()}>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'select' ? 'Press Ctrl+C' : label}</span>
    </button>
  );
}
