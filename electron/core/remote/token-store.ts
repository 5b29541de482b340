import { createHash } from 'node:crypto';
import path from 'node:path';
import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { SecretStore, serverSecretPrefix, type KeyProvider } from '../secret-store';
import { withFileLock } from './file-lock';

/** Tokens as stored: what the AS returned (stamped with its issuer by the SDK), and when. */
export interface StoredTokens {
  tokens: OAuthTokens & { issuer?: string };
  obtainedAt: number;
}

export type LoginReason = 'login' | 'step-up' | 'expired';

/** Per-server OAuth facts that are not credentials but still belong with them. */
export interface OAuthMeta {
  /** Scopes granted when a person last approved a call on this server (the baseline for "scopes grew"). */
  approvedScopes?: string[];
  /** Set when a request could not be authorized without a person logging in. */
  loginNeeded?: { reason: LoginReason; scope?: string; at: string };
  /** Who the AS says the login belongs to (id_token or userinfo). */
  account?: string;
}

/** Credentials are keyed by server and by the issuer they came from; a different AS never sees them. */
export function issuerKey(issuer: string): string {
  return createHash('sha256').update(issuer).digest('hex').slice(0, 16);
}

export function oauthPrefix(server: string): string {
  return `${serverSecretPrefix(server)}oauth/`;
}

/**
 * OAuth state per remote server, encrypted with the secret store's format and key (AES-256-GCM,
 * entry id as AAD) in its own file beside `secrets.json`. Its own file because two processes write
 * it — the core refreshing tokens and `airlock login` — so every write takes an inter-process lock.
 * Nothing here is ever logged, put in settings, sent to the renderer or placed in an error message.
 */
export class OAuthStore {
  private readonly store: SecretStore;
  private readonly lockFile: string;

  constructor(home: string, keyProvider: KeyProvider) {
    this.store = new SecretStore(path.join(home, 'oauth-tokens.json'), keyProvider);
    this.lockFile = path.join(home, 'oauth-tokens.json.lock');
  }

  get file(): string {
    return this.store.file;
  }

  private getJson<T>(id: string): T | undefined {
    const text = this.store.get(id);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  private setJson(id: string, value: unknown): void {
    withFileLock(this.lockFile, () => this.store.set(id, JSON.stringify(value)));
  }

  private remove(id: string): void {
    withFileLock(this.lockFile, () => this.store.delete(id));
  }

  discovery(server: string): OAuthDiscoveryState | undefined {
    return this.getJson(`${oauthPrefix(server)}discovery`);
  }

  saveDiscovery(server: string, state: OAuthDiscoveryState): void {
    this.setJson(`${oauthPrefix(server)}discovery`, state);
  }

  forgetDiscovery(server: string): void {
    this.remove(`${oauthPrefix(server)}discovery`);
  }

  client(server: string, issuer: string): OAuthClientInformationMixed | undefined {
    return this.getJson(`${oauthPrefix(server)}issuer/${issuerKey(issuer)}/client`);
  }

  saveClient(server: string, issuer: string, info: OAuthClientInformationMixed): void {
    this.setJson(`${oauthPrefix(server)}issuer/${issuerKey(issuer)}/client`, info);
  }

  forgetClient(server: string, issuer: string): void {
    this.remove(`${oauthPrefix(server)}issuer/${issuerKey(issuer)}/client`);
  }

  tokens(server: string, issuer: string): StoredTokens | undefined {
    return this.getJson(`${oauthPrefix(server)}issuer/${issuerKey(issuer)}/tokens`);
  }

  saveTokens(server: string, issuer: string, tokens: StoredTokens): void {
    this.setJson(`${oauthPrefix(server)}issuer/${issuerKey(issuer)}/tokens`, tokens);
  }

  forgetTokens(server: string, issuer: string): void {
    this.remove(`${oauthPrefix(server)}issuer/${issuerKey(issuer)}/tokens`);
  }

  /** Every issuer this server holds tokens from (normally one). */
  tokenIssuers(server: string): string[] {
    return this.store
      .listIds(`${oauthPrefix(server)}issuer/`)
      .filter((id) => id.endsWith('/tokens'))
      .map((id) => id.slice(`${oauthPrefix(server)}issuer/`.length, -'/tokens'.length));
  }

  tokensByKey(server: string, key: string): StoredTokens | undefined {
    return this.getJson(`${oauthPrefix(server)}issuer/${key}/tokens`);
  }

  forgetTokensByKey(server: string, key: string): void {
    this.remove(`${oauthPrefix(server)}issuer/${key}/tokens`);
  }

  meta(server: string): OAuthMeta {
    return this.getJson<OAuthMeta>(`${oauthPrefix(server)}meta`) ?? {};
  }

  updateMeta(server: string, change: (meta: OAuthMeta) => void): void {
    withFileLock(this.lockFile, () => {
      const id = `${oauthPrefix(server)}meta`;
      const text = this.store.get(id);
      const meta = text === undefined ? {} : (JSON.parse(text) as OAuthMeta);
      change(meta);
      this.store.set(id, JSON.stringify(meta));
    });
  }

  /** Everything Airlock holds for a server (logout keeps the registration; removal does not). */
  forgetServer(server: string): void {
    withFileLock(this.lockFile, () => this.store.deletePrefix(oauthPrefix(server)));
  }
}
