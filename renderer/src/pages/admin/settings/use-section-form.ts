// The state of one settings section's form: what is typed, the errors next to the fields (from the page's own
// checks or the server's `field`), and whether it was saved. A change made elsewhere (live) replaces the values
// only while the admin has not started typing here.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSubmit } from '../../../components/use-submit';

export type Values = Record<string, string | boolean>;
export type Errors<F extends Values> = Partial<Record<keyof F & string, string>>;

export function useSectionForm<F extends Values>(fromServer: F) {
  const [values, setValues] = useState<F>(fromServer);
  const [errors, setErrors] = useState<Errors<F>>({});
  const [dirty, setDirty] = useState(false);
  const [saved, setSaved] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const submit = useSubmit();

  const serverKey = JSON.stringify(fromServer);
  useEffect(() => {
    if (!dirty) setValues(JSON.parse(serverKey) as F);
    // Only a change of the server's values matters here, not of `dirty`.
  }, [serverKey]);

  function change<K extends keyof F & string>(name: K, value: F[K]) {
    setValues((current) => ({ ...current, [name]: value }));
    setDirty(true);
    setSaved(false);
  }

  function focusFirstError() {
    window.requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  }

  /** The submit handler: checks, then saves; a refusal naming one of this form's fields is shown next to it. */
  function onSubmit(check: (values: F) => Errors<F>, save: (values: F) => Promise<unknown>) {
    return async (event: FormEvent) => {
      event.preventDefault();
      setFormError(null);
      setSaved(false);
      const found = check(values);
      setErrors(found);
      if (Object.keys(found).length > 0) return focusFirstError();
      const failure = await submit.run(() => save(values));
      if (!failure) {
        setDirty(false);
        setSaved(true);
        return;
      }
      const field = failure.field?.split('.')[0];
      if (field && field in values) {
        setErrors({ [field]: failure.message } as Errors<F>);
        focusFirstError();
      } else {
        setFormError(failure.message);
      }
    };
  }

  return { values, change, errors, saved, formError, busy: submit.busy, formRef, onSubmit };
}

/** A whole number from the text of a number field, or null. */
export function wholeNumber(text: string | boolean): number | null {
  return typeof text === 'string' && /^\d{1,7}$/.test(text.trim()) ? Number(text.trim()) : null;
}
