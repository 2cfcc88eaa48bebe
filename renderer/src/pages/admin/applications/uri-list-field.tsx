// A list of URIs edited one per row (redirect URIs, post-logout URIs): add and remove rows, each row labelled, and
// the server's refusal of one URI shown under that row (the API names it as "redirectUris.1").
import { useEffect, useId, useRef } from 'react';

export interface UriListFieldProps {
  legend: string;
  hint?: string;
  /** What one row is called ("Redirect URI"), for labels and buttons. */
  itemName: string;
  placeholder?: string;
  values: string[];
  onChange: (values: string[]) => void;
  /** Errors by row index; `list` is an error about the list as a whole. */
  errors: { rows: Record<number, string>; list?: string };
}

export function UriListField({ legend, hint, itemName, placeholder, values, onChange, errors }: UriListFieldProps) {
  const id = useId();
  const inputs = useRef<Array<HTMLInputElement | null>>([]);
  const focusRow = useRef<number | null>(null);
  useEffect(() => {
    if (focusRow.current === null) return;
    inputs.current[Math.min(focusRow.current, values.length - 1)]?.focus();
    focusRow.current = null;
  });

  const rows = values.length > 0 ? values : [''];
  const setRow = (index: number, value: string) => onChange(rows.map((current, row) => (row === index ? value : current)));
  const add = () => {
    focusRow.current = rows.length;
    onChange([...rows, '']);
  };
  const remove = (index: number) => {
    focusRow.current = Math.max(0, index - 1);
    onChange(rows.length > 1 ? rows.filter((_, row) => row !== index) : ['']);
  };

  return (
    <fieldset className={errors.list ? 'uri-list field-invalid' : 'uri-list'} aria-describedby={[hint ? `${id}-hint` : '', errors.list ? `${id}-error` : ''].join(' ').trim() || undefined}>
      <legend>{legend}</legend>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <ol className="uri-rows">
        {rows.map((value, index) => {
          const error = errors.rows[index];
          const inputId = `${id}-row-${index}`;
          return (
            <li key={index} className={error ? 'uri-row field-invalid' : 'uri-row'}>
              <label className="visually-hidden" htmlFor={inputId}>
                {itemName} {index + 1}
              </label>
              <div className="uri-row-controls">
                <input
                  ref={(element) => {
                    inputs.current[index] = element;
                  }}
                  id={inputId}
                  type="url"
                  inputMode="url"
                  autoCapitalize="none"
                  spellCheck={false}
                  placeholder={placeholder}
                  value={value}
                  onChange={(event) => setRow(index, event.target.value)}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `${inputId}-error` : undefined}
                />
                <button type="button" className="secondary button-small" onClick={() => remove(index)} disabled={rows.length === 1 && value === ''} aria-label={`Remove ${lowerFirst(itemName)} ${index + 1}`}>
                  Remove
                </button>
              </div>
              {error && (
                <p className="field-error" id={`${inputId}-error`}>
                  {error}
                </p>
              )}
            </li>
          );
        })}
      </ol>
      {errors.list && (
        <p className="field-error" id={`${id}-error`}>
          {errors.list}
        </p>
      )}
      <button type="button" className="secondary button-small" onClick={add}>
        Add {lowerFirst(itemName)}
      </button>
    </fieldset>
  );
}

/** "Redirect URI" → "redirect URI" (the acronym stays as it is). */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
