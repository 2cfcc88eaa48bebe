// The id of the admin's own session (the portal API marks it), so lists can say "This browser" and warn before
// the admin revokes it. Unknown (null) until loaded, or if it cannot be.
import { useEffect, useState } from 'react';
import { meApi } from '../../../api/me';

export function useCurrentSessionId(): string | null {
  const [id, setId] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    meApi.sessions().then(
      (mine) => {
        if (live) setId(mine.items.find((session) => session.current)?.id ?? null);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return id;
}
