import type { AuditEntry } from '../../../shared/audit';
import type { Core } from '../core';
import { HostTokenStore, type HostTokenView } from './host-tokens';

/** What creating and revoking needs of the core: its home and its audit log (host protection passes its own view of the core). */
type TokenAdmin = { readonly paths: { home: string }; record(entry: AuditEntry): void };

/**
 * Host tokens are administered by the core (over the socket, or offline with the core's lock), so
 * each creation and revocation is in the audit log. Creating one over the socket is allowed: a token
 * lets a host connect — as `airlock connect` on the same socket already does — and approves nothing.
 */
export function createHostToken(core: TokenAdmin, label: string, by: string): { label: string; token: string } {
  const created = new HostTokenStore(core.paths.home).create(label);
  core.record({ type: 'event', event: 'host-token-created', by, detail: `label ${label}` });
  return created;
}

export function listHostTokens(core: Core): HostTokenView[] {
  return new HostTokenStore(core.paths.home).list();
}

export function revokeHostToken(core: TokenAdmin, label: string, by: string): boolean {
  const removed = new HostTokenStore(core.paths.home).revoke(label);
  if (removed) core.record({ type: 'event', event: 'host-token-revoked', by, detail: `label ${label}` });
  return removed;
}
