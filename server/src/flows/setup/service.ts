// The first admin, without a default password: while no admin exists and setup was never completed, each start
// makes a one-time link (the token kept only as a SHA-256 in instance_state, for 24 hours) that the ready line
// shows. Whoever opens it first creates the admin; then setup is closed for good.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { LockManager } from '../../platform/locks.ts';
import type { IdentityService, UserRecord } from '../../identity/index.ts';
import { FlowError } from '../errors.ts';
import type { SetupRepo, SetupTokenRecord } from '../repo.ts';
import type { SetupBody, SetupDone, SetupState } from '../schemas.ts';

export const SETUP_TOKEN_TTL_SECONDS = 24 * 60 * 60;
/** Held while one submission checks the token and creates the admin; others wait for it, then find setup closed. */
const SETUP_LOCK = 'flows:first-admin-setup';
const SETUP_LOCK_TIMEOUT_MS = 15_000;

export interface FirstAdminSetupDeps {
  repo: SetupRepo;
  locks: LockManager;
  identity: IdentityService;
  publicUrl: string;
  logger: Logger;
}

export class FirstAdminSetup {
  private link: string | null = null;

  constructor(private readonly deps: FirstAdminSetupDeps) {}

  /** At start: a new link while setup is open (the previous one stops working), none once it is closed. */
  async open(): Promise<void> {
    this.link = null;
    if (await this.deps.repo.isCompleted()) {
      await this.deps.repo.forgetToken();
      return;
    }
    const token = randomBytes(32).toString('base64url');
    await this.deps.repo.saveToken({ tokenHash: hashToken(token), expiresAt: new Date(Date.now() + SETUP_TOKEN_TTL_SECONDS * 1000).toISOString() });
    this.link = `${this.deps.publicUrl}/setup?token=${token}`;
    this.deps.logger.info('no admin yet: the ready line carries the one-time setup link');
  }

  /** The link made at start, while setup is open. */
  setupUrl(): string | null {
    return this.link;
  }

  /** What the setup page should show for the token in its link. */
  async state(token: string | undefined): Promise<SetupState> {
    if (await this.deps.repo.isCompleted()) return 'closed';
    const record = await this.deps.repo.readToken();
    return token !== undefined && tokenMatches(record, token) ? 'open' : 'invalid_link';
  }

  /**
   * Creates the first admin and signs them in. One submission at a time (an advisory lock on the lock connection,
   * so no pooled connection waits while the admin is created): a second one finds setup closed.
   */
  async complete(request: FastifyRequest, reply: FastifyReply, body: SetupBody): Promise<SetupDone> {
    const lock = await this.deps.locks.acquire(SETUP_LOCK, { timeoutMs: SETUP_LOCK_TIMEOUT_MS });
    const admin = await this.createAdmin(body).finally(() => lock.release());
    this.link = null;
    this.deps.logger.info({ userId: admin.id, username: admin.username }, 'first admin created; setup is closed');
    const { token } = await this.deps.identity.createSession(admin.id, { ip: request.ip, userAgent: request.headers['user-agent'], authMethods: ['pwd'] });
    this.deps.identity.sessionCookie.setSessionCookie(reply, token);
    return { redirectTo: '/' };
  }

  /** Under the setup lock. */
  private async createAdmin(body: SetupBody): Promise<UserRecord> {
    const { repo, identity } = this.deps;
    if (await repo.isCompleted()) throw new FlowError('setup_closed');
    if (!tokenMatches(await repo.readToken(), body.token)) throw new FlowError('setup_link_invalid');
    // Creating an admin closes setup in the same statement (trigger users_admin_closes_setup);
    // an input error (username taken, short password) leaves it open and the link valid.
    const admin = await identity.createUser({ username: body.username.trim(), email: body.email.trim(), password: body.password, isAdmin: true });
    await repo.forgetToken();
    return admin;
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function tokenMatches(record: SetupTokenRecord | null, token: string): boolean {
  // An unreadable expiry counts as expired.
  if (!record || !(Date.parse(record.expiresAt) > Date.now())) return false;
  const sent = Buffer.from(hashToken(token));
  const stored = Buffer.from(record.tokenHash);
  return sent.length === stored.length && timingSafeEqual(sent, stored);
}
