import ipaddr from 'ipaddr.js';

/** Where an address points, as far as Airlock's egress rules care. */
export type AddressClass = 'public' | 'loopback' | 'blocked';

/**
 * Classifies an IP literal (v4, v6, IPv4-mapped v6). Only ordinary unicast is public; loopback is
 * its own class (allowed for servers the person configured on loopback); everything else —
 * private, link-local (cloud metadata at 169.254.169.254), unique-local, CGNAT, multicast,
 * unspecified, and the v6 ranges that embed a v4 address (6to4, Teredo, NAT64) — is refused.
 */
export function classifyAddress(ip: string): { class: AddressClass; range: string } | undefined {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(bare)) return undefined;
  // process() unwraps IPv4-mapped IPv6 (::ffff:127.0.0.1) so it is judged as the v4 address it is.
  const range = ipaddr.process(bare).range();
  if (range === 'unicast') return { class: 'public', range };
  if (range === 'loopback') return { class: 'loopback', range };
  return { class: 'blocked', range };
}

/** A hostname as URL gives it: brackets kept for v6, possibly with trailing dots ("localhost."). */
export function normaliseHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/\.+$/, '');
}

/** `localhost` and its subdomains resolve to loopback by definition (RFC 6761), whatever DNS says. */
export function isLocalhostName(hostname: string): boolean {
  const host = normaliseHostname(hostname);
  return host === 'localhost' || host.endsWith('.localhost');
}

/** Loopback by its name alone: an IP literal in 127/8 or ::1, or a localhost name. */
export function isLoopbackHost(hostname: string): boolean {
  const host = normaliseHostname(hostname);
  return isLocalhostName(host) || classifyAddress(host)?.class === 'loopback';
}
