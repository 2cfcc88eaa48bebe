// A modal dialog on the native <dialog>: showModal() makes the rest of the page inert and keeps focus inside,
// Escape closes it, and closing gives focus back to what had it (WAI-ARIA APG, Dialog (Modal) pattern).
// It is open while rendered: the parent renders it to ask, and stops rendering it when done.
import { useId, useLayoutEffect, useRef, type ReactNode } from 'react';

export function ModalDialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useLayoutEffect(() => {
    const dialog = ref.current!;
    dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
    };
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
