// An application's logo, or its initials on a coloured square when it has none (or the logo does not load).
// Only https logos and our own paths are shown: the pages' CSP refuses any other image (and would log an error).
import { useState } from 'react';

export function initialsOf(name: string): string {
  // Words of letters and digits only: "Grafana (ops)" → GO, "my-wiki" → MW, "Nextcloud" → NE.
  const words = name.match(/[\p{L}\p{N}]+/gu) ?? [];
  const letters = words.length > 1 ? [[...words[0]!][0], [...words[1]!][0]] : [...(words[0] ?? '?')].slice(0, 2);
  return letters.join('').toUpperCase();
}

/** One of a few fixed colours, chosen by the name, so an app keeps its colour. */
function toneOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return hash % 6;
}

export function canShowImage(url: string | null | undefined): url is string {
  return !!url && (/^https:\/\//i.test(url) || /^\/(?!\/)/.test(url));
}

export function AppLogo({ name, logoUri, size = 'medium' }: { name: string; logoUri: string | null; size?: 'small' | 'medium' }) {
  const [broken, setBroken] = useState(false);
  if (canShowImage(logoUri) && !broken) {
    return <img className={`app-logo app-logo-${size}`} src={logoUri} alt="" referrerPolicy="no-referrer" onError={() => setBroken(true)} />;
  }
  return (
    <span className={`app-logo app-logo-${size} app-initials tone-${toneOf(name)}`} aria-hidden="true">
      {initialsOf(name)}
    </span>
  );
}
