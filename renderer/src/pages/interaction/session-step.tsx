// The browser is already signed in to Gatehouse and the app does not ask for a fresh login: continue at once.
import { useEffect, useRef } from 'react';
import type { InteractionView } from '../../api/flow';
import { Loading, Notice } from '../../components/notice';
import { useSubmit } from '../../components/use-submit';
import type { Act } from './interaction-page';

export function SessionStep({ view, act }: { view: Extract<InteractionView, { step: 'session' }>; act: Act }) {
  const submit = useSubmit();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void submit.run(() => act('continue'));
  }, [act, submit]);
  if (submit.error) return <Notice kind="error">{submit.error.message}</Notice>;
  return (
    <Loading>
      Signing you in as <strong>{view.user.displayName ?? view.user.username}</strong>…
    </Loading>
  );
}
