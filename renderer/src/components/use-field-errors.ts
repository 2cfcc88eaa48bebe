// A form's errors: the API's refusal of a field shown under that field (ApiError.field: "email", "groupIds.2" →
// "groupIds"), which takes the focus; any other refusal shown above the form.
import { useCallback, useRef, useState } from 'react';
import type { ApiError } from '../api/flow';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

export function useFieldErrors<F extends string>(fields: readonly F[]) {
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const inputs = useRef(new Map<F, HTMLInputElement | null>());
  const setters = useRef(new Map<F, (element: HTMLInputElement | null) => void>());

  /** The ref for a field's input, so that its error can give it the focus. */
  const ref = useCallback((field: F) => {
    let setter = setters.current.get(field);
    if (!setter) {
      setter = (element) => void inputs.current.set(field, element);
      setters.current.set(field, setter);
    }
    return setter;
  }, []);

  const clear = useCallback(() => {
    setErrors({});
    setFormError(null);
  }, []);

  /** A problem the form found itself, under its field. */
  const fieldError = useCallback((field: F, message: string) => {
    setErrors({ [field]: message } as FieldErrors<F>);
    setFormError(null);
    inputs.current.get(field)?.focus();
  }, []);

  /** Once the field is changed, its old error no longer applies. */
  const clearField = useCallback((field: F) => setErrors((current) => (current[field] ? { ...current, [field]: undefined } : current)), []);

  /** The server's refusal: under its field when the form has it, else above the form. */
  const show = useCallback(
    (error: ApiError) => {
      const field = error.field?.split('.')[0] as F | undefined;
      if (field && fields.includes(field)) return fieldError(field, error.message);
      setErrors({});
      setFormError(error.message);
    },
    // The fields of a form do not change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [fieldError],
  );

  return { errors, formError, ref, clear, fieldError, clearField, show };
}
