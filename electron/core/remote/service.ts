import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { EventEntry } from '../../../shared/audit';
import type { HttpServerSpec, RemoteAuthority, ServerRecord } from '../../../shared/types';
import type { KeyProvider } from '../secret-store';
import { HttpUpstream } from '../upstream/http';
import type { Upstream, UpstreamHandlers } from '../upstream/types';
import { remoteAuthority } from './authority';
import { LoginRequired } from './errors';
import { createGuardedFetch } from './guarded-fetch';
import { headerSecretId } from './http-spec';
import { runLogin, type LoginSummary } from './login';
import { AirlockOAuthProvider } from './provider';
import { revokeToken, type RevocableMetadata } from './revocation';
import { OAuthStore } from './token-store';
import { policyFor } from './url-policy';

export interface RemoteHooks {
  record(entry: Omit<EventEntry, 'type'>): void;
  /** Something shown on the Servers screen or on cards changed (login state, scopes). */
  changed(): void;
  holdBudgetMs(): number;
  /** A value from the core's secret store (static headers). */
  secret(id: string): string | undefined;
  /** Opens a validated authorization URL (desktop: the system browser); absent: the window shows the link. */
  openExternal?: ((url: URL) => Promise<void> | void) | undefined;
}

/** What the window learns when it starts a login: the link to open, or that none was needed. */
export type LoginStart = { status: 'started'; authorizationUrl: string } | { status: 'not-needed' } | { status: 'done' };

function httpSpec(record: ServerRecord): HttpServerSpec {
  if (record.spec.transport === 'stdio') throw new Error(`"${record.name}" is a local server`);
  return record.spec;
}

/**
 * Everything remote servers need from the core, in one place: their upstreams (with the OAuth
 * provider and the SSRF-guarded fetch), their authority for cards, login, logout and revocation.
 */
export class RemoteService {
  readonly store: OAuthStore;

  constructor(
    home: string,
    keyProvider: KeyProvider,
    private readonly hooks: RemoteHooks,
  ) {
    this.store = new OAuthStore(home, keyProvider);
  }

  headers(record: ServerRecord): Record<string, string> {
    const spec = httpSpec(record);
    const headers: Record<string, string> = {};
    for (const name of spec.headerNames) {
      const value = this.hooks.secret(headerSecretId(record.name, name));
      if (value === undefined) throw new Error(`the header ${name} of "${record.name}" is missing from Airlock's secret store`);
      headers[name] = value;
    }
    return headers;
  }

  authority(record: ServerRecord): RemoteAuthority {
    const spec = httpSpec(record);
    try {
      return remoteAuthority(record.name, spec, this.store, this.hooks.holdBudgetMs());
    } catch (error) {
      return { kind: 'remote', url: spec.url, headerNames: spec.headerNames, warnings: [`Airlock cannot read its login for this server: ${(error as Error).message}`] };
    }
  }

  private provider(record: ServerRecord, spec: HttpServerSpec, fetch: FetchLike): AirlockOAuthProvider {
    return new AirlockOAuthProvider(
      { server: record.name, store: this.store, policy: policyFor(spec.url), ...spec.oauth, refresh: { serverUrl: new URL(spec.url), fetch } },
      'session',
    );
  }

  createUpstream(record: ServerRecord, handlers: UpstreamHandlers): Upstream {
    const spec = httpSpec(record);
    const headers = this.headers(record);
    // A static Authorization header is the server's own scheme: then Airlock is not its OAuth client.
    const staticAuth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
    const fetch = createGuardedFetch(policyFor(spec.url));
    const provider = staticAuth ? undefined : this.provider(record, spec, fetch);
    return new HttpUpstream(
      {
        server: record.name,
        spec,
        fetch,
        headers,
        ...(provider ? { provider } : {}),
        onLoginRequired: (error) => this.loginRequired(error),
        secretsInUse: () => {
          const tokens = provider?.currentTokens();
          return [tokens?.access_token, tokens?.refresh_token, ...Object.values(headers)].filter((s): s is string => typeof s === 'string');
        },
      },
      handlers,
    );
  }

  private loginRequired(error: LoginRequired): void {
    const previous = this.store.meta(error.server).loginNeeded;
    this.store.updateMeta(error.server, (meta) => {
      meta.loginNeeded = { reason: error.reason, ...(error.scope ? { scope: error.scope } : {}), at: new Date().toISOString() };
    });
    if (previous?.reason !== error.reason || previous?.scope !== error.scope) {
      this.hooks.record({ event: 'login-required', server: error.server, detail: `${error.reason}${error.scope ? ` (scope ${error.scope})` : ''}` });
    }
    this.hooks.changed();
  }

  /** A person approved a call: the scopes in force now are the baseline for "scopes grew". */
  noteApproved(record: ServerRecord): void {
    if (record.spec.transport === 'stdio') return;
    const scopes = this.authority(record).scopes;
    if (!scopes) return;
    const before = this.store.meta(record.name).approvedScopes;
    if (before && before.length === scopes.length && before.every((s) => scopes.includes(s))) return;
    this.store.updateMeta(record.name, (meta) => void (meta.approvedScopes = [...scopes]));
  }

  /** Runs a login (the window's Log in, or `airlock login` offline) and records it. */
  async login(record: ServerRecord, open: (url: URL) => Promise<void> | void, by: string, scope?: string): Promise<LoginSummary> {
    const spec = httpSpec(record);
    try {
      const summary = await runLogin({ server: record.name, spec, store: this.store, headers: this.headers(record), open, ...(scope ? { scope } : {}) });
      this.recordLogin(record.name, summary, by);
      return summary;
    } catch (error) {
      this.hooks.record({ event: 'login-failed', server: record.name, by, detail: (error as Error).message.slice(0, 300) });
      throw error;
    } finally {
      this.hooks.changed();
    }
  }

  private readonly loginsInProgress = new Set<string>();

  /**
   * Starts a login for the window and answers as soon as the authorization URL is known (validated,
   * and opened when the core may open a browser); the login completes in the background and shows
   * up as a changed server and a log line.
   */
  startLogin(record: ServerRecord, by: string, keep: (work: Promise<unknown>) => Promise<unknown>): Promise<LoginStart> {
    if (this.loginsInProgress.has(record.name)) return Promise.reject(new Error(`a login for "${record.name}" is already waiting for the browser`));
    this.loginsInProgress.add(record.name);
    return new Promise<LoginStart>((resolve, reject) => {
      const work = this.login(
        record,
        async (url) => {
          resolve({ status: 'started', authorizationUrl: url.href });
          if (this.hooks.openExternal) await this.hooks.openExternal(url);
        },
        by,
      ).then(
        (summary) => resolve(summary.noAuthNeeded ? { status: 'not-needed' } : { status: 'done' }),
        (error: Error) => reject(error),
      );
      void keep(work.finally(() => this.loginsInProgress.delete(record.name))).catch(() => {});
    });
  }

  recordLogin(server: string, summary: LoginSummary, by: string): void {
    if (summary.noAuthNeeded) return;
    this.hooks.record({
      event: 'login',
      server,
      by,
      detail: `issuer ${summary.issuer}, client ${summary.clientId ?? '?'}, scopes ${summary.scopes?.join(' ') || '(none)'}${summary.expiresAt ? `, expires ${summary.expiresAt}` : ''}${summary.account ? `, account ${summary.account}` : ''}`,
    });
    this.hooks.changed();
  }

  /**
   * Ends Airlock's authority for a server: RFC 7009 revocation of the refresh and access tokens when
   * the AS offers it, then local deletion, each recorded. The client registration stays unless `forget`.
   */
  async logout(record: ServerRecord, by: string, forget = false): Promise<{ revoked: string[]; deleted: boolean }> {
    const server = record.name;
    const spec = httpSpec(record);
    const policy = policyFor(spec.url);
    const discovery = this.store.discovery(server);
    const revoked: string[] = [];
    const stored = discovery ? this.store.tokens(server, discovery.authorizationServerUrl) : undefined;
    const metadata = discovery?.authorizationServerMetadata as RevocableMetadata | undefined;
    const client = spec.oauth?.clientId ? { client_id: spec.oauth.clientId } : discovery ? this.store.client(server, discovery.authorizationServerUrl) : undefined;
    if (stored && metadata?.revocation_endpoint && client) {
      const fetchFn = createGuardedFetch(policy);
      try {
        // The refresh token first: revoking it ends the grant, which may take the access token with it.
        for (const hint of ['refresh_token', 'access_token'] as const) {
          const token = hint === 'refresh_token' ? stored.tokens.refresh_token : stored.tokens.access_token;
          if (!token) continue;
          const outcome = await revokeToken(metadata, client, token, hint, policy, fetchFn);
          if (outcome.ok) revoked.push(hint);
          this.hooks.record({
            event: 'token-revoked',
            server,
            by,
            detail: `${hint.replace('_', ' ')} at ${metadata.issuer}: ${outcome.ok ? 'revoked' : `not confirmed (${outcome.reason})`}`,
          });
        }
      } finally {
        await fetchFn.close();
      }
    } else if (stored) {
      this.hooks.record({ event: 'token-revoked', server, by, detail: `the authorization server offers no revocation endpoint; tokens deleted locally only` });
    }
    const held = this.store.tokenIssuers(server).length > 0;
    for (const key of this.store.tokenIssuers(server)) this.store.forgetTokensByKey(server, key);
    if (forget) this.store.forgetServer(server);
    else this.store.updateMeta(server, (meta) => void delete meta.approvedScopes);
    if (held || forget) this.hooks.record({ event: 'tokens-deleted', server, by, detail: forget ? 'all OAuth state for this server deleted' : 'tokens deleted; a new login is needed' });
    this.hooks.changed();
    return { revoked, deleted: held };
  }
}
