import { decodeJwt, type JWTPayload } from 'jose';
import type { HttpServerSpec, RemoteAuthority } from '../../../shared/types';
import { loginMessage } from './errors';
import type { OAuthStore } from './token-store';
import { canonicalResourceUri } from './url-policy';

function claimsOf(token: string): JWTPayload | undefined {
  if (token.split('.').length !== 3) return undefined;
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

function scopeList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

function sameResource(a: string, b: string): boolean {
  try {
    return canonicalResourceUri(a) === canonicalResourceUri(b);
  } catch {
    return a === b;
  }
}

function clock(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/**
 * The authority Airlock holds for a remote server, as a person needs to judge a call: which AS
 * issued it, to which client, for which audience (the JWT's `aud` when the token is readable, else
 * the resource it was requested for), which scopes, until when, and for whom — plus warnings for
 * what should make them look twice. Values only; the token itself never leaves the store.
 */
export function remoteAuthority(server: string, spec: HttpServerSpec, store: OAuthStore, holdBudgetMs: number, now = Date.now()): RemoteAuthority {
  const authority: RemoteAuthority = { kind: 'remote', url: spec.url, headerNames: spec.headerNames, warnings: [] };
  const meta = store.meta(server);
  if (meta.loginNeeded) authority.warnings.push(loginMessage(server, meta.loginNeeded.reason, meta.loginNeeded.scope));
  const discovery = store.discovery(server);
  if (!discovery) return authority;
  const issuer = discovery.authorizationServerMetadata?.issuer ?? discovery.authorizationServerUrl;
  authority.issuer = issuer;
  const client = spec.oauth?.clientId ? { client_id: spec.oauth.clientId } : store.client(server, discovery.authorizationServerUrl);
  if (client) authority.clientId = client.client_id;
  const stored = store.tokens(server, discovery.authorizationServerUrl);
  if (!stored) {
    if (!meta.loginNeeded) authority.warnings.push(`Not logged in: Airlock holds no token for "${server}". Run \`airlock login ${server}\`.`);
    return authority;
  }
  const { tokens, obtainedAt } = stored;
  const claims = claimsOf(tokens.access_token);
  const requested = discovery.resourceMetadata?.resource ?? canonicalResourceUri(spec.url);
  const aud = claims?.aud === undefined ? undefined : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  authority.audience = aud ?? [requested];
  const scopes = scopeList(tokens.scope) ?? scopeList(claims?.scope) ?? scopeList((claims as { scp?: unknown } | undefined)?.scp) ?? [];
  authority.scopes = scopes;
  const expiresMs = tokens.expires_in !== undefined ? obtainedAt + tokens.expires_in * 1000 : typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined;
  if (expiresMs !== undefined) authority.expiresAt = new Date(expiresMs).toISOString();
  if (meta.account) authority.account = meta.account;

  const own = canonicalResourceUri(spec.url);
  if (aud && !aud.some((a) => sameResource(a, own) || sameResource(a, requested))) {
    authority.warnings.push(`Audience mismatch: the token is for ${aud.join(', ')}, not this server (${own}). A token meant for another service should not be accepted here, and this one may be accepted elsewhere.`);
  }
  if (meta.approvedScopes) {
    const grown = scopes.filter((s) => !meta.approvedScopes!.includes(s));
    if (grown.length > 0) authority.warnings.push(`Scopes grew since you last approved a call on this server: ${grown.map((s) => `+${s}`).join(' ')}`);
  }
  if (expiresMs !== undefined && expiresMs - now < holdBudgetMs) {
    const when = expiresMs <= now ? `expired at ${clock(expiresMs)}` : `expires at ${clock(expiresMs)}, within the hold budget`;
    authority.warnings.push(
      tokens.refresh_token ? `The token ${when}; Airlock refreshes it before the call is sent.` : `The token ${when} and there is no refresh token: the call may fail and need a new login.`,
    );
  }
  return authority;
}
