// Shared by the OIDC interop tests.

/** The OAuth error code of a failed openid-client call: in the body, or in the WWW-Authenticate challenge of a 401. */
export async function oauthError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const failure = error as { error?: string; cause?: Array<{ parameters?: { error?: string } }> };
    return failure.error ?? failure.cause?.[0]?.parameters?.error ?? String(error);
  }
  throw new Error('the call succeeded');
}
