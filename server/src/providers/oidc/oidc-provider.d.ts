// The part of oidc-provider 9's API that Gatehouse uses (the package ships no types).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type AdapterPayload = Record<string, unknown> & {
    jti?: string;
    kind?: string;
    grantId?: string;
    uid?: string;
    userCode?: string;
    accountId?: string;
    clientId?: string;
    consumed?: unknown;
  };

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export type AdapterFactory = (name: string) => Adapter;

  export interface Account {
    accountId: string;
    claims(use: string, scope: string, claims: unknown, rejected: string[]): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  export interface ClientInstance {
    clientId: string;
    clientName?: string;
    logoUri?: string;
    clientAuthMethod: string;
    redirectUris: string[];
    postLogoutRedirectUris: string[];
    grantTypes: string[];
    grantTypeAllowed(type: string): boolean;
    [key: string]: unknown;
  }

  export interface SessionInstance {
    accountId?: string;
    uid: string;
    jti: string;
    loginTs?: number;
    authTime(): number | undefined;
    [key: string]: unknown;
  }

  export interface GrantInstance {
    jti?: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    getOIDCScope(): string;
    save(ttl?: number): Promise<string>;
    destroy(): Promise<void>;
  }

  export interface GrantClass {
    new (properties: { accountId: string; clientId: string }): GrantInstance;
    find(id: string, options?: { ignoreExpiration?: boolean }): Promise<GrantInstance | undefined>;
  }

  export interface TokenInstance {
    jti: string;
    kind: string;
    clientId: string;
    accountId?: string;
    grantId?: string;
    scope?: string;
    exp: number;
    consumed?: unknown;
    isValid: boolean;
    destroy(): Promise<void>;
    [key: string]: unknown;
  }

  export interface TokenClass {
    find(value: string, options?: { ignoreExpiration?: boolean }): Promise<TokenInstance | undefined>;
  }

  export interface InteractionPrompt {
    name: string;
    reasons: string[];
    details: Record<string, unknown>;
  }

  export interface InteractionInstance {
    uid: string;
    iat: number;
    exp: number;
    returnTo: string;
    prompt: InteractionPrompt;
    params: Record<string, unknown>;
    session?: { accountId: string; uid?: string; cookie?: string; acr?: string; amr?: string[] };
    grantId?: string;
    lastSubmission?: Record<string, unknown>;
    result?: Record<string, unknown>;
    deviceCode?: string;
  }

  export interface OIDCContext {
    route: string;
    params: Record<string, unknown> & { client_id?: string; max_age?: number; prompt?: string };
    client?: ClientInstance;
    session: SessionInstance;
    account?: Account;
    grant?: GrantInstance;
    result?: Record<string, unknown> & { consent?: { grantId?: string }; login?: { accountId: string } };
    provider: Provider;
    entities: Record<string, unknown>;
    promptPending(name: string): boolean;
    urlFor(name: string, options?: Record<string, unknown>): string;
  }

  export interface KoaContextWithOIDC {
    req: IncomingMessage;
    res: ServerResponse;
    oidc: OIDCContext;
    status: number;
    body: unknown;
    type: string;
    host: string;
    path: string;
    method: string;
    cookies: { get(name: string): string | undefined; set(name: string, value: string | null, options?: Record<string, unknown>): void };
    append(field: string, value: string | string[]): void;
    set(field: string, value: string): void;
  }

  export type Middleware = (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>;

  export type InteractionResult = Record<string, unknown>;

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    /** The context of the request being served, from oidc-provider's own AsyncLocalStorage (undefined outside one). */
    static readonly ctx: KoaContextWithOIDC | undefined;
    readonly issuer: string;
    proxy: boolean;
    readonly Grant: GrantClass;
    readonly Client: { find(id: string): Promise<ClientInstance | undefined>; prototype: ClientInstance & { compareClientSecret(actual: string): Promise<boolean> | boolean } };
    readonly AccessToken: TokenClass;
    readonly ClientCredentials: TokenClass;
    readonly RefreshToken: TokenClass;
    readonly AuthorizationCode: TokenClass;
    readonly Session: { findByUid(uid: string): Promise<SessionInstance | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    use(middleware: Middleware): this;
    on(event: string, listener: (...args: never[]) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionInstance>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: InteractionResult, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
    urlFor(name: string, options?: Record<string, unknown>): string;
  }

  export default Provider;

  export namespace errors {
    class OIDCProviderError extends Error {
      error: string;
      error_description?: string;
      status: number;
      statusCode: number;
      expose: boolean;
      constructor(status: number, message: string);
    }
    class InvalidGrant extends OIDCProviderError {
      constructor(detail?: string);
    }
    class InvalidRequest extends OIDCProviderError {
      constructor(description?: string, code?: number);
    }
    class SessionNotFound extends OIDCProviderError {}
    class AccessDenied extends OIDCProviderError {}
  }

  export namespace interactionPolicy {
    type CheckFunction = (ctx: KoaContextWithOIDC) => boolean | Promise<boolean>;
    class Check {
      static REQUEST_PROMPT: true;
      static NO_NEED_TO_PROMPT: false;
      constructor(reason: string, description: string, check: CheckFunction);
      constructor(reason: string, description: string, error: string, check: CheckFunction);
      reason: string;
    }
    class Prompt {
      name: string;
      checks: Check[] & { add(check: Check, index?: number): void; get(reason: string): Check | undefined; remove(reason: string): void };
    }
    type Policy = Prompt[] & { get(name: string): Prompt | undefined };
    function base(): Policy;
  }
}
