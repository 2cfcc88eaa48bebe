// Origin checks compare parsed origins, never string prefixes: "http://127.0.0.1:9080.evil.example" starts with
// "http://127.0.0.1:9080" but is another site, and "HTTP://127.0.0.1:9080/" is the same one.

/** The origin of `url` ("http://127.0.0.1:9080"), or null for what is not a URL or has no origin (file:, data:, about:). */
export function originOf(url: string): string | null {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** True when `url` is on `appOrigin`; false whenever the app has no origin yet (its server is not ready). */
export function isSameOrigin(url: string, appOrigin: string | null): boolean {
  if (appOrigin === null) return false;
  const origin = originOf(url);
  return origin !== null && origin === originOf(appOrigin);
}
