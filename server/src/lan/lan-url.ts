// The address LAN devices use in LAN mode, which is also the OIDC issuer: https, the host name, the port unless 443.
// Passkeys need exactly this: a secure context (the WebAuthn API is [SecureContext]) and a host name for the RP ID
// (WebAuthn §5.1.3 refuses an IP address with SecurityError), the same one every time, or passkeys stop matching.
/** `host` may also be an address (an IPv6 one in brackets), for the status's address URLs. */
export function lanUrl(host: string, port: number): string {
  return `https://${host.toLowerCase()}${port === 443 ? '' : `:${port}`}`;
}
