// The one rule for LAN mode's host name, for the config schema (lan.hostname), the saved preferences (PUT
// /api/v1/lan) and the control UI's own check before it sends them. The control UI imports this file, so it imports
// nothing.

/**
 * RFC 1123 labels, at least two, lower case, not all digits at the end: passkeys need a host name, never an IP
 * address (WebAuthn §5.1.3).
 */
export const LAN_HOSTNAME_PATTERN = '^(?=.{1,253}$)(?!.*\\.[0-9]+$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$';

/** What the rule asks for, in words ("… must be <this>"). */
export const LAN_HOSTNAME_RULE = 'a host name such as gatehouse.local or id.home.example.com: lower-case letters, digits and hyphens, at least two labels, not an IP address (passkeys need a name)';
