// The instance's name and logo (Settings → Branding), for the pages everyone sees: sign-in, reset, the portal.
// Until they are known the brand stays empty rather than flashing "Gatehouse" first; if they cannot be loaded the
// page says Gatehouse.
import { useEffect, useState, type ReactNode } from 'react';
import { brandingApi, type Branding } from '../../api/settings';

const FALLBACK: Branding = { instanceName: 'Gatehouse', logoUrl: null };

/** Asked once per page load: the page's later frames (signed in, signed out) show it at once. */
let known: Promise<Branding> | null = null;
let loaded: Branding | null = null;

export function useBranding(): Branding | null {
  const [branding, setBranding] = useState<Branding | null>(loaded);
  useEffect(() => {
    known ??= brandingApi.get().catch(() => FALLBACK);
    let current = true;
    void known.then((answer) => {
      loaded = answer;
      if (current) setBranding(answer);
    });
    return () => {
      current = false;
    };
  }, []);
  return branding;
}

export function Brand({ branding }: { branding: Branding | null }) {
  return (
    <span className="brand-mark">
      {branding && (
        <>
          <img src={branding.logoUrl ?? '/favicon.svg'} alt="" width="28" height="28" className="brand-logo" />
          <span>{branding.instanceName}</span>
        </>
      )}
    </span>
  );
}

/** A sign-in style page: the brand above one card with the page's heading. */
export function BrandedLayout({ title, children, wide = false }: { title: string; children: ReactNode; wide?: boolean }) {
  const branding = useBranding();
  useEffect(() => {
    document.title = branding ? `${title} · ${branding.instanceName}` : title;
  }, [title, branding]);
  return (
    <div className="shell">
      <header className="brand">
        <Brand branding={branding} />
      </header>
      <main className={wide ? 'card card-wide' : 'card'}>
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}
