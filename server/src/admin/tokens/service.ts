// API tokens: a signed-in admin makes one (the secret is shown once), lists them, revokes one. Their routes name no
// scope, so the guard refuses every token there: a token never mints or revokes tokens.
import type { IdentityService } from '../../identity/index.ts';
import { HttpError } from '../../http/errors.ts';
import { recordEvent, type EventActor } from '../audit.ts';
import { ADMIN_SCOPES } from '../scopes.ts';
import { ApiTokenRepo, type ApiTokenRow } from './repo.ts';
import type { CreatedToken, CreateTokenBody, TokenList, TokenView } from './schemas.ts';
import { newApiToken } from './token-format.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

function toTokenView(row: ApiTokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    createdBy: row.createdByUsername,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/** A token as events record it: never the secret, nor its hash. */
function tokenEventView(row: ApiTokenRow): Record<string, unknown> {
  return { name: row.name, scopes: row.scopes, expiresAt: row.expiresAt.toISOString() };
}

function tokenTarget(row: ApiTokenRow): { type: 'api_token'; id: string; label: string } {
  return { type: 'api_token', id: row.id, label: row.name };
}

export class TokensAdmin {
  constructor(private readonly deps: { identity: Pick<IdentityService, 'transaction'>; tokens: ApiTokenRepo }) {}

  async list(): Promise<TokenList> {
    return { items: (await this.deps.tokens.list()).map(toTokenView), scopes: [...ADMIN_SCOPES] };
  }

  /** `adminId`: the signed-in admin; the token works while they remain an active admin. */
  async create(body: CreateTokenBody, adminId: string, by: EventActor): Promise<CreatedToken> {
    const name = body.name.trim();
    if (name === '') throw new HttpError(400, 'invalid_token_name', 'Give the token a name that says what uses it, e.g. "backup script".', {}, 'name');
    const { token: secret, tokenSha256 } = newApiToken();
    const row = await this.deps.identity.transaction(async (tx) => {
      const created = await new ApiTokenRepo(tx.db).insert({
        name,
        tokenSha256,
        scopes: body.scopes,
        createdBy: adminId,
        expiresAt: new Date(Date.now() + body.expiresInDays * DAY_MS),
      });
      await recordEvent(tx.db, { type: 'api_token.created', by, target: tokenTarget(created), data: { after: tokenEventView(created) } });
      return created;
    });
    return { token: toTokenView(row), secret };
  }

  /** Throws token_not_found (none, or revoked already). */
  async revoke(id: string, by: EventActor): Promise<void> {
    await this.deps.identity.transaction(async (tx) => {
      const revoked = await new ApiTokenRepo(tx.db).revoke(id);
      if (!revoked) throw new HttpError(404, 'token_not_found', 'There is no such API token: it was revoked already, or never existed. Reload the list.');
      await recordEvent(tx.db, { type: 'api_token.revoked', by, target: tokenTarget(revoked), data: { before: tokenEventView(revoked) } });
    });
  }
}

