// Tabs as the WAI-ARIA Authoring Practices describe them: one tab stop for the tab list, arrow keys (and Home/End)
// move between tabs and show each at once, and the panel follows the tab list. Generic: could be shared.
import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabItem {
  id: string;
  label: string;
}

export function Tabs({ label, items, selected, onSelect, children }: { label: string; items: TabItem[]; selected: string; onSelect: (id: string) => void; children: ReactNode }) {
  const baseId = useId();
  const buttons = useRef<Record<string, HTMLButtonElement | null>>({});
  const index = Math.max(0, items.findIndex((item) => item.id === selected));

  function onKeyDown(event: KeyboardEvent) {
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: items.length - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = items[(target + items.length) % items.length]!;
    onSelect(next.id);
    buttons.current[next.id]?.focus();
  }

  return (
    <div className="tabs">
      <div className="tab-list" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
        {items.map((item) => {
          const isSelected = item.id === items[index]?.id;
          return (
            <button
              key={item.id}
              ref={(element) => {
                buttons.current[item.id] = element;
              }}
              type="button"
              role="tab"
              id={`${baseId}-tab-${item.id}`}
              aria-selected={isSelected}
              aria-controls={`${baseId}-panel`}
              tabIndex={isSelected ? 0 : -1}
              className="tab"
              onClick={() => onSelect(item.id)}
            >
              {item.label}
            </button>
          );
        })}
      </div>
      <div className="tab-panel" role="tabpanel" id={`${baseId}-panel`} aria-labelledby={`${baseId}-tab-${items[index]?.id}`}>
        {children}
      </div>
    </div>
  );
}
