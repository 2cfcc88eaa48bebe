// Whether a peer address is this machine: 127/8, ::1, or 127/8 mapped into IPv6.
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
