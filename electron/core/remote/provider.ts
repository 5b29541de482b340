import { randomBytes } from 'node:crypto';
import { auth, type OAuthClientProvider, type OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LoginRequired } from './errors';
import type { OAuthStore } from './token-store';
import { checkBrowserUrl, type EgressPolicy } from './url-policy';
import { tokensEqual } from '../loopback-guard';

export interface ProviderOptions {
  server: string;
  store: OAuthStore;
  policy: EgressPolicy;
  /** A client id registered with the AS beforehand (`--client-id`): first in the spec's order. */
  clientId?: string;
  /** An HTTPS URL of a client ID metadata document, used when the AS supports CIMD. */
  clientMetadataUrl?: string;
  /** A session's server and guarded fetch: with them it refreshes a token before it expires. */
  refresh?: { serverUrl: URL; fetch: FetchLike };
}

/** Refresh this long before expiry (or in the last quarter of a shorter-lived token's life). */
const REFRESH_AHEAD_MS = 60_000;

/** When a stored token should be replaced before it is sent, or undefined when its lifetime is unknown. */
export function refreshDueAt(obtainedAt: number, expiresInSeconds: number | undefined): number | undefined {
  if (expiresInSeconds === undefined) return undefined;
  const lifetime = expiresInSeconds * 1000;
  return obtainedAt + lifetime - Math.min(REFRESH_AHEAD_MS, lifetime / 4);
}

/** Placeholder redirect for sessions: they never redirect, but a defined URL keeps the SDK on the interactive (refresh) path. */
const SESSION_REDIRECT = 'http://127.0.0.1/callback';

/**
 * Airlock as the OAuth client of one remote server, backed by the encrypted OAuth store.
 *
 * Two modes. In a session (`session`), nothing interactive may happen: a stored refresh token is
 * used, and anything that would need a person — no tokens, a refused refresh, a step-up — throws
 * `LoginRequired` before the SDK registers a client or builds an authorization URL. At login
 * (`login`), stored tokens are ignored (a login is always a fresh authorization, which is also how
 * a step-up grows the scope), the authorization URL is validated and handed to a browser opener,
 * and the `state` is checked when it comes back.
 */
export class AirlockOAuthProvider implements OAuthClientProvider {
  private verifier: string | undefined;
  private loginTokens: OAuthTokens | undefined;
  private discovery: OAuthDiscoveryState | undefined;
  private readonly stateValue = randomBytes(32).toString('base64url');
  private refreshing: Promise<void> | undefined;
  /** Set by the upstream's fetch when a 403 insufficient_scope comes back, before the SDK reacts to it. */
  pendingStepUp: string | undefined;
  readonly clientMetadataUrl?: string;

  constructor(
    private readonly options: ProviderOptions,
    private readonly mode: 'session' | 'login',
    private readonly interactive?: { redirectUrl: string; open: (url: URL) => Promise<void> | void },
  ) {
    if (options.clientMetadataUrl) this.clientMetadataUrl = options.clientMetadataUrl;
  }

  private get issuer(): string | undefined {
    return (this.discovery ?? this.options.store.discovery(this.options.server))?.authorizationServerUrl;
  }

  get redirectUrl(): string {
    return this.interactive?.redirectUrl ?? SESSION_REDIRECT;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Airlock',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      // A native app with a loopback redirect (RFC 8252): the AS may vary the port.
      application_type: 'native',
    } as OAuthClientMetadata;
  }

  state(): string {
    return this.stateValue;
  }

  /** The `state` that came back to the callback is the one this login sent. */
  stateMatches(returned: string | undefined): boolean {
    return tokensEqual(returned, this.stateValue);
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    if (this.options.clientId) return { client_id: this.options.clientId };
    const issuer = this.issuer;
    return issuer ? this.options.store.client(this.options.server, issuer) : undefined;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    if (this.options.clientId) return; // pre-registered: nothing to keep
    const issuer = (info as { issuer?: string }).issuer ?? this.issuer;
    if (!issuer) throw new Error('no authorization server is known for this server yet');
    this.options.store.saveClient(this.options.server, issuer, info);
  }

  /** What a request would carry now, without refreshing (the login's result, or the stored tokens). */
  currentTokens(): OAuthTokens | undefined {
    if (this.mode === 'login') return this.loginTokens;
    const issuer = this.issuer;
    return issuer ? this.options.store.tokens(this.options.server, issuer)?.tokens : undefined;
  }

  /**
   * The tokens for the next request. A session whose token is about to expire refreshes it first,
   * so the server never sees an expired token and the call does not pay a 401 round trip. Any
   * failure leaves the old tokens: the server's 401 then takes the usual path (refresh, or login).
   */
  async tokens(): Promise<OAuthTokens | undefined> {
    const refresh = this.options.refresh;
    if (this.mode === 'session' && refresh && this.refreshDue()) {
      this.refreshing ??= auth(this.refreshView(), { serverUrl: refresh.serverUrl, fetchFn: refresh.fetch })
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => (this.refreshing = undefined));
      await this.refreshing;
    }
    return this.currentTokens();
  }

  /** This provider as the SDK's refresh sees it: the tokens it is replacing come back at once. */
  private refreshView(): OAuthClientProvider {
    return {
      redirectUrl: this.redirectUrl,
      clientMetadata: this.clientMetadata,
      state: () => this.state(),
      clientInformation: () => this.clientInformation(),
      saveClientInformation: (info) => this.saveClientInformation(info),
      tokens: () => this.currentTokens(),
      saveTokens: (tokens) => this.saveTokens(tokens),
      redirectToAuthorization: (url) => this.redirectToAuthorization(url),
      saveCodeVerifier: (verifier) => this.saveCodeVerifier(verifier),
      codeVerifier: () => this.codeVerifier(),
      invalidateCredentials: (scope) => this.invalidateCredentials(scope),
      discoveryState: () => this.discoveryState(),
      saveDiscoveryState: (state) => this.saveDiscoveryState(state),
    };
  }

  private refreshDue(): boolean {
    const issuer = this.issuer;
    const stored = issuer ? this.options.store.tokens(this.options.server, issuer) : undefined;
    if (!stored?.tokens.refresh_token) return false;
    const due = refreshDueAt(stored.obtainedAt, stored.tokens.expires_in);
    return due !== undefined && Date.now() >= due;
  }

  saveTokens(tokens: OAuthTokens): void {
    const issuer = (tokens as { issuer?: string }).issuer ?? this.issuer;
    if (!issuer) throw new Error('no authorization server is known for this server yet');
    if (this.mode === 'login') this.loginTokens = tokens;
    this.options.store.saveTokens(this.options.server, issuer, { tokens, obtainedAt: Date.now() });
    this.options.store.updateMeta(this.options.server, (meta) => void delete meta.loginNeeded);
  }

  redirectToAuthorization(url: URL): Promise<void> | void {
    if (this.mode === 'session' || !this.interactive) throw new LoginRequired(this.options.server, this.hasRefreshToken() ? 'expired' : 'login');
    const checked = checkBrowserUrl(url, this.options.policy);
    if (checked.searchParams.get('state') !== this.stateValue) throw new Error('the authorization URL lost its state parameter; refused');
    return this.interactive.open(checked);
  }

  saveCodeVerifier(verifier: string): void {
    // Only a login needs it, and only for the minute the person spends in the browser: memory, never disk.
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('no PKCE verifier: the login was not started by this Airlock process');
    return this.verifier;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    const { server, store } = this.options;
    const issuer = this.issuer;
    if ((scope === 'all' || scope === 'client') && issuer && !this.options.clientId) store.forgetClient(server, issuer);
    if (scope === 'all' || scope === 'tokens') {
      this.loginTokens = undefined;
      if (issuer) store.forgetTokens(server, issuer);
    }
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
    if (scope === 'discovery') {
      this.discovery = undefined;
      store.forgetDiscovery(server);
    }
  }

  /** Discovery as Airlock validated it; a session never discovers on its own (a 401 then means: log in). */
  discoveryState(): OAuthDiscoveryState | undefined {
    if (this.mode === 'session') {
      if (this.pendingStepUp !== undefined) {
        const scope = this.pendingStepUp;
        this.pendingStepUp = undefined;
        throw new LoginRequired(this.options.server, 'step-up', scope || undefined);
      }
      if (!this.hasRefreshToken()) throw new LoginRequired(this.options.server, this.currentTokens() ? 'expired' : 'login');
    }
    return this.discovery ?? this.options.store.discovery(this.options.server);
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
    this.options.store.saveDiscovery(this.options.server, state);
  }

  private hasRefreshToken(): boolean {
    const issuer = this.issuer;
    return Boolean(issuer && this.options.store.tokens(this.options.server, issuer)?.tokens.refresh_token);
  }
}
