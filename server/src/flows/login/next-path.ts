// Where the browser goes after signing in: only a path on this server, so a link to the sign-in page cannot send
// someone on to another site (OWASP Unvalidated Redirects and Forwards Cheat Sheet).
const HOME = '/';

/**
 * `next` when it is a path of our own ("/admin/users?search=a"), else "/". A path starts with exactly one "/":
 * "//evil.example" and "/\evil.example" are other hosts to a browser, and control characters could hide either.
 */
export function safeNextPath(next: string | undefined, ownOrigin: string): string {
  if (next === undefined || !/^\/(?![/\\])/.test(next) || /[\u0000-\u001f\u007f\\]/.test(next)) return HOME;
  const target = new URL(next, ownOrigin);
  // Resolving removes dot segments: "/.//evil.example" becomes the path "//evil.example", another host once more.
  if (target.origin !== ownOrigin || !/^\/(?![/\\])/.test(target.pathname)) return HOME;
  return target.pathname + target.search + target.hash;
}
