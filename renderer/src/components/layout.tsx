// The frame of every page: the Gatehouse name above the content. Sign-in pages put one card with the page's heading
// in it (Layout); control UI pages, with several sections, put their own cards in a wider column (Shell).
import { useEffect, type ReactNode } from 'react';

export function Shell({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Gatehouse`;
  }, [title]);
  return (
    <div className="shell">
      <header className="brand">
        <img src="/favicon.svg" alt="" width="28" height="28" />
        <span>Gatehouse</span>
      </header>
      {children}
    </div>
  );
}

export function Layout({ title, children, wide = false }: { title: string; children: ReactNode; wide?: boolean }) {
  return (
    <Shell title={title}>
      <main className={wide ? 'card card-wide' : 'card'}>
        <h1>{title}</h1>
        {children}
      </main>
    </Shell>
  );
}
