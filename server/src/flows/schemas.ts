// The flow API's contract: request bodies as JSON schemas (Fastify validates them), answers as types.
// The pages in renderer/ import these types, so this file imports nothing but TypeBox.
import { Type, type Static } from '@sinclair/typebox';

/** oidc-provider's interaction ids are nanoids (21 characters of A–Z a–z 0–9 _ -). */
export const InteractionParams = Type.Object({ uid: Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' }) });
export type InteractionParams = Static<typeof InteractionParams>;

export const IdentifyBody = Type.Object({ login: Type.String({ minLength: 1, maxLength: 254 }) }, { additionalProperties: false });
export type IdentifyBody = Static<typeof IdentifyBody>;

export const PasswordBody = Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
export type PasswordBody = Static<typeof PasswordBody>;

export const ConsentBody = Type.Object({ decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]) }, { additionalProperties: false });
export type ConsentBody = Static<typeof ConsentBody>;

export const EmptyBody = Type.Object({}, { additionalProperties: false });

export const SetupQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) });
export type SetupQuery = Static<typeof SetupQuery>;

export const SetupBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    username: Type.String({ maxLength: 200 }),
    email: Type.String({ maxLength: 300 }),
    password: Type.String({ maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type SetupBody = Static<typeof SetupBody>;

/**
 * POST /api/flow/login: signing in to Gatehouse itself (the control UI, the portal), outside any app's sign-in.
 * `next` is where the page wants to go afterwards: a path on this server ("/admin/users?search=a"); anything
 * else is ignored and the answer sends the browser to "/".
 */
export const LoginBody = Type.Object(
  {
    login: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    next: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

/** Signed in: the session cookie is set; the page navigates to redirectTo (a same-site path). */
export interface LoginDone {
  redirectTo: string;
}

/** GET /api/flow/reset?token=…: the link in a password-reset URL (/reset?token=…). */
export const ResetQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) });
export type ResetQuery = Static<typeof ResetQuery>;

/**
 * Whether the link can set a password: open (for whom, and the policy's minimum length, so the page can say it
 * before the server does), or not (unknown, used, replaced by a newer link, expired, or the user is disabled).
 */
export type ResetView = { state: 'open'; username: string; passwordMinLength: number } | { state: 'invalid_link' };

/** POST /api/flow/reset: sets the password, ends the user's other sessions and signs them in. */
export const ResetBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type ResetBody = Static<typeof ResetBody>;

export interface ResetDone {
  redirectTo: string;
}

/** The app asking the user to sign in, as the pages show it. */
export interface ClientView {
  name: string;
  logoUri?: string;
}

export interface UserView {
  username: string;
  displayName: string | null;
  email: string | null;
}

/** One permission a consent page asks for: the scope and what it means to a person. */
export interface ScopeView {
  scope: string;
  description: string;
}

/**
 * Where a sign-in stands. The page renders whatever the API answers, so a refresh or the back button shows
 * the same step; every answer that allows a next request carries the flow's CSRF token.
 */
export type InteractionView =
  | { step: 'identify'; csrfToken: string; client: ClientView; login: string | null }
  | { step: 'password'; csrfToken: string; client: ClientView; login: string }
  /** A second factor: the step exists so a later issue can fill it; nothing leads here yet. */
  | { step: 'mfa'; csrfToken: string; client: ClientView; login: string; methods: string[] }
  /** A Gatehouse session already proves who the user is: the page continues with it at once. */
  | { step: 'session'; csrfToken: string; client: ClientView; user: UserView }
  | { step: 'consent'; csrfToken: string; client: ClientView; user: UserView | null; scopes: ScopeView[]; claims: string[] }
  /** The flow is done: the browser goes on to the provider (and from there to the app). */
  | { step: 'redirect'; redirectTo: string }
  /** The flow ended (signed in, cancelled) and its interaction is gone; there is nothing left to do here. */
  | { step: 'finished' }
  /** No such sign-in for this browser, or it expired. */
  | { step: 'expired' };

export type InteractionStep = InteractionView['step'];

export type SetupState = 'open' | 'closed' | 'invalid_link';

export interface SetupView {
  state: SetupState;
  /** The identity domain's password policy, so the page can say it before the server does. */
  passwordMinLength: number;
}

export interface SetupDone {
  redirectTo: string;
}

export type SessionView =
  | { signedIn: false }
  | { signedIn: true; user: UserView & { isAdmin: boolean; groups: string[] }; session: { createdAt: string; authMethods: string[] } };

/** The one error shape of every Gatehouse API (server/src/http/errors.ts). */
export interface ApiError {
  error: string;
  message: string;
  requestId?: string;
  /** The request field the error concerns, when it concerns one (e.g. "password" for password_too_short). */
  field?: string;
}
