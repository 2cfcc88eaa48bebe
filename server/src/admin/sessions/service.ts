// What an admin does with sessions: see every live one, and end one (the user's apps lose what that sign-in gave
// them: see the OIDC session binding). Ending all of a user's sessions is in the users area.
import type pg from 'pg';
import { IdentityError, type IdentityService } from '../../identity/index.ts';
import { recordEvent, type EventActor } from '../audit.ts';
import { PAGE_LIMIT_DEFAULT } from '../common-schemas.ts';
import { CURSOR_TIMESTAMP, CURSOR_UUID, decodeCursor, keysetPage } from '../page-cursor.ts';
import { SessionsRepo } from './repo.ts';
import type { ListSessionsQuery, SessionPage } from './schemas.ts';
import { toSessionView } from './views.ts';

export class SessionsAdmin {
  private readonly repo: SessionsRepo;

  constructor(private readonly deps: { identity: IdentityService; db: Pick<pg.Pool, 'query'> }) {
    this.repo = new SessionsRepo(deps.db);
  }

  async list(query: ListSessionsQuery): Promise<SessionPage> {
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const after = query.cursor ? decodeCursor(query.cursor, [CURSOR_TIMESTAMP, CURSOR_UUID]) : null;
    const rows = await this.repo.page({ userId: query.userId }, after ? { lastSeenAt: after[0]!, id: after[1]! } : null, limit);
    return keysetPage(rows, limit, toSessionView, (row) => [row.last_seen_key, row.id]);
  }

  /** Ends one session; the event is about its user (live updates reach their portal). Throws session_not_found. */
  async revoke(sessionId: string, by: EventActor): Promise<void> {
    await this.deps.identity.transaction(async (tx) => {
      const revoked = await tx.endSession(sessionId);
      if (!revoked) throw new IdentityError('session_not_found', 'There is no such session: it has ended already (expired, signed out, or revoked).');
      await recordEvent(tx.db, {
        type: 'session.revoked',
        by,
        target: { type: 'user', id: revoked.userId, label: revoked.username },
        data: { sessionId: revoked.sessionId },
      });
    });
  }
}
