// The shell's own Content-Security-Policy, added to every response of the app's origin that the window loads.
// The server already sends a strict policy with its pages; a second policy is enforced as well (a request must pass both),
// so the window is covered even by responses the server sends without one (redirects, errors, pages of libraries).
/** No inline script or style, nothing from another origin but https images (app logos), no plugins, no framing. */
export const DESKTOP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export type ResponseHeaders = Record<string, string[]>;

/** The headers with DESKTOP_CSP added beside any policy the server sent (under the server's header name, whatever its case). */
export function withDesktopCsp(headers: ResponseHeaders | undefined): ResponseHeaders {
  const result: ResponseHeaders = { ...headers };
  const name = Object.keys(result).find((key) => key.toLowerCase() === 'content-security-policy') ?? 'Content-Security-Policy';
  result[name] = [...(result[name] ?? []), DESKTOP_CSP];
  return result;
}

