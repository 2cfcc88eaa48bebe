// A labelled checkbox, the label clickable, with an optional hint read out with it.
import { useId, type InputHTMLAttributes } from 'react';

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'> {
  label: string;
  hint?: string;
}

export function Checkbox({ label, hint, ...input }: CheckboxProps) {
  const id = useId();
  return (
    <div className="checkbox-field">
      <label className="checkbox" htmlFor={id}>
        <input id={id} type="checkbox" aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
        <span>{label}</span>
      </label>
      {hint && (
        <p className="hint checkbox-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}
