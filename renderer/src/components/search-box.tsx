// A labelled search field that reports what was typed once typing pauses (debounced), or at once on Enter.
// It follows `value` when that changes from outside (a cleared filter), without losing what is being typed.
import { useEffect, useId, useRef, useState, type Ref } from 'react';

export interface SearchBoxProps {
  label: string;
  value: string;
  onSearch: (text: string) => void;
  placeholder?: string;
  hint?: string;
  delayMs?: number;
  /** Hides the label visually (it is still read out); use only where the context names the field. */
  hideLabel?: boolean;
  autoFocus?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}

export function SearchBox({ label, value, onSearch, placeholder, hint, delayMs = 300, hideLabel = false, autoFocus, inputRef }: SearchBoxProps) {
  const id = useId();
  const [text, setText] = useState(value);
  const latestSearch = useRef(onSearch);
  latestSearch.current = onSearch;
  const reported = useRef(value);

  useEffect(() => {
    if (value !== reported.current) {
      reported.current = value;
      setText(value);
    }
  }, [value]);

  useEffect(() => {
    if (text.trim() === reported.current) return;
    const timer = window.setTimeout(() => report(text), delayMs);
    return () => window.clearTimeout(timer);
  }, [text, delayMs]);

  function report(typed: string) {
    const trimmed = typed.trim();
    if (trimmed === reported.current) return;
    reported.current = trimmed;
    latestSearch.current(trimmed);
  }

  return (
    <div className="field search-box">
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <input
        ref={inputRef}
        id={id}
        type="search"
        value={text}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        autoFocus={autoFocus}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            report(text);
          }
        }}
      />
    </div>
  );
}
