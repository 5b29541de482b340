/**
 * The host token a `protect --http` entry carries. One per host (label `claude-code`, `vscode`…),
 * created through the ingress's host-token store on first use: it lets the host connect to the
 * ingress and approves nothing. The ingress keeps only its hash; Airlock keeps the secret encrypted
 * (ProtectionRecords) so that every entry of that host gets the same token, and revokes it when
 * `unprotect` has removed the last entry that used it.
 */
import type { HostId } from '../../../shared/hosts';
import type { HostsContext } from './context';

/** What host protection needs from the ingress's token store (electron/core/ingress/admin.ts). */
export interface HostTokenAccess {
  /** Labels of the tokens that exist now. */
  labels(): string[];
  /** Creates a token (recorded in the audit log) and returns its secret. */
  create(label: string, by: string): string;
  revoke(label: string, by: string): boolean;
  /** The label of a token, or undefined when it is not (or no longer) valid. */
  verify(token: string): string | undefined;
}

export interface HeldToken {
  label: string;
  token: string;
  /** Created by this protect (and revoked again if it fails). */
  created: boolean;
}

/**
 * The host's token: the one Airlock holds for it when still valid, else a new one. A label taken by
 * a token Airlock does not hold (made with `airlock token create`) is left alone and the next free
 * one (`claude-code-2`…) is used: that secret exists only where its owner put it.
 */
export function tokenForHost(ctx: HostsContext, host: HostId, by: string): HeldToken {
  const existing = new Set(ctx.tokens.labels().map((l) => l.toLowerCase()));
  for (let n = 1; ; n++) {
    const label = n === 1 ? host : `${host}-${n}`;
    const held = ctx.records.hostToken(label);
    if (held !== undefined && ctx.tokens.verify(held) === label) return { label, token: held, created: false };
    // Revoked by hand (or replaced): the copy Airlock held opens nothing any more.
    if (held !== undefined) ctx.records.forgetHostToken(label);
    if (existing.has(label.toLowerCase())) continue;
    const token = ctx.tokens.create(label, by);
    ctx.records.saveHostToken(label, token);
    return { label, token, created: true };
  }
}

/**
 * Revokes each of `labels` that no protected entry uses any more; returns the labels revoked. Runs
 * after the host files were restored, so a token store that cannot be changed (damaged) leaves the
 * token listed in `airlock token ls` rather than failing an unprotect that already happened.
 */
export function releaseTokens(ctx: HostsContext, labels: Iterable<string>, by: string): string[] {
  const inUse = new Set(
    Object.values(ctx.records.all())
      .flatMap((r) => r.entries.map((e) => e.tokenLabel))
      .filter((l): l is string => l !== undefined),
  );
  const revoked: string[] = [];
  for (const label of new Set(labels)) {
    if (inUse.has(label)) continue;
    try {
      if (ctx.tokens.revoke(label, by)) revoked.push(label);
      ctx.records.forgetHostToken(label);
    } catch {
      /* see above: the token stays, and `airlock token revoke` can end it */
    }
  }
  return revoked;
}
