// GET /bootstrap?token=… — the desktop window's one-time sign-in (main/src/bootstrap-contract.ts).
// The desktop shell makes a random token for each server start and passes it in GATEHOUSE_BOOTSTRAP_TOKEN; the server
// keeps only its SHA-256 and accepts it once, from loopback only, so the window opens signed in without any default
// password. Whoever can start the desktop app can already read its data dir, so this grants nothing new.
// With no admin yet, it leads to the first-admin setup instead.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { IdentityService } from '../../identity/index.ts';
import { BOOTSTRAP_PATH, BOOTSTRAP_TOKEN_ENV, bootstrapTokenDigest } from '../../../../main/src/bootstrap-contract.ts';
import { recordEvent } from '../audit.ts';
import { isLoopback } from '../../http/loopback.ts';
import { desktopAdmin } from './repo.ts';
import type pg from 'pg';

export interface BootstrapDeps {
  pool: Pick<pg.Pool, 'query'>;
  identity: IdentityService;
  /** The first-admin setup link while there is no admin. */
  setupUrl: () => string | null;
}

/** Takes the token out of the environment (so no child process inherits it); null when the shell gave none. */
export function takeBootstrapDigest(env: NodeJS.ProcessEnv = process.env): Buffer | null {
  const token = env[BOOTSTRAP_TOKEN_ENV];
  delete env[BOOTSTRAP_TOKEN_ENV];
  return token ? bootstrapTokenDigest(token) : null;
}

/** A link's path, query and fragment, without its origin. */
function pathOf(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search + url.hash;
}

export function bootstrapRoute(app: FastifyInstance, deps: BootstrapDeps, digest: Buffer | null): void {
  let expected = digest;
  app.get<{ Querystring: { token?: string } }>(BOOTSTRAP_PATH, { schema: { hide: true } as object }, async (request, reply) => {
    const presented = typeof request.query.token === 'string' ? bootstrapTokenDigest(request.query.token) : null;
    // Only the desktop window on this machine, with this start's token, once.
    const valid = expected !== null && presented !== null && isLoopback(request.ip) && timingSafeEqual(presented, expected);
    if (!valid) {
      request.log.warn({ ip: request.ip }, 'a bootstrap sign-in was refused (used already, wrong token, or not from this machine)');
      return reply.redirect('/login?next=%2Fadmin', 303);
    }
    // Spent before anything is awaited: two requests with the token cannot both get a session.
    const spent = expected;
    expected = null;
    let admin: Awaited<ReturnType<typeof desktopAdmin>>;
    let created: Awaited<ReturnType<IdentityService['createSession']>>;
    try {
      admin = await desktopAdmin(deps.pool);
      if (!admin) {
        // No admin yet: the token stays usable, so the window can come back here after the setup. The link is made
        // relative: the window stays on the address it was given (the public URL may be another host).
        expected = spent;
        const setup = deps.setupUrl();
        return reply.redirect(setup ? pathOf(setup) : '/setup', 303);
      }
      created = await deps.identity.createSession(admin.id, { ip: request.ip, userAgent: request.headers['user-agent'], authMethods: ['desktop'] });
    } catch (error) {
      // Nothing was signed in (the database could not answer): the window may try again.
      expected = spent;
      throw error;
    }
    deps.identity.sessionCookie.setSessionCookie(reply, created.token);
    await recordEvent(deps.pool, {
      type: 'user.login_succeeded',
      by: { actor: admin.username, actorUserId: admin.id, sourceAddress: request.ip, requestId: String(request.id) },
      target: { type: 'user', id: admin.id, label: admin.username },
      data: { method: 'desktop', sessionId: created.session.id },
    }).catch((error: unknown) => request.log.warn({ err: error }, 'the desktop sign-in was not recorded in the event log'));
    return reply.redirect('/admin', 303);
  });
}
