// The frame of every page: the Gatehouse name, one card with the page's heading and content.
import { useEffect, type ReactNode } from 'react';

export function Layout({ title, children, wide = false }: { title: string; children: ReactNode; wide?: boolean }) {
  useEffect(() => {
    document.title = `${title} · Gatehouse`;
  }, [title]);
  return (
    <div className="shell">
      <header className="brand">
        <img src="/favicon.svg" alt="" width="28" height="28" />
        <span>Gatehouse</span>
      </header>
      <main className={wide ? 'card card-wide' : 'card'}>
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}
