// What a list shows when it has nothing: say so, and what to do next.
import type { ReactNode } from 'react';

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <p className="empty-title">{title}</p>
      {children && <div className="empty-more">{children}</div>}
    </div>
  );
}
