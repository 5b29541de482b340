import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { decodeJwt } from 'jose';
import type { HttpServerSpec } from '../../../shared/types';
import { startCallbackServer, type CallbackParams } from './callback-server';
import { discover, probe } from './discovery';
import { OAuthFlowError } from './errors';
import { createGuardedFetch } from './guarded-fetch';
import { AirlockOAuthProvider } from './provider';
import type { OAuthStore } from './token-store';
import { policyFor } from './url-policy';

export interface LoginInput {
  server: string;
  spec: HttpServerSpec;
  store: OAuthStore;
  /** Static headers of the server (from the secret store), sent with the probe as with every request. */
  headers: Record<string, string>;
  /** Extra scope the person asks for (`--scope`), on top of what the server challenges for. */
  scope?: string;
  /** Receives the validated authorization URL: opens a browser, or prints it. */
  open: (url: URL) => Promise<void> | void;
  timeoutMs?: number;
}

export interface LoginSummary {
  /** The server did not ask for a login: nothing was stored. */
  noAuthNeeded?: boolean;
  issuer?: string;
  clientId?: string;
  scopes?: string[];
  expiresAt?: string;
  account?: string;
}

function splitScope(scope: string | undefined): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean);
}

/** Who the AS says the person is, from the id_token when one came (display only; never trusted for access). */
function accountOf(tokens: OAuthTokens): string | undefined {
  if (!tokens.id_token) return undefined;
  try {
    const claims = decodeJwt(tokens.id_token);
    const pick = [claims.email, claims.preferred_username, claims.name, claims.sub].find((v): v is string => typeof v === 'string' && v.length > 0);
    return pick?.slice(0, 200);
  } catch {
    return undefined;
  }
}

/**
 * A person logs Airlock in to one remote server: probe for the challenge, discover and validate
 * (RFC 9728 → RFC 8414/OIDC), register if needed (pre-configured id, CIMD, then DCR — the SDK's
 * order), then authorization code + PKCE S256 with `resource` in both requests, through a loopback
 * callback whose `state` (and `iss`, when sent, RFC 9207) must match. Runs in whichever process
 * the person used — `airlock login` or the core for the window — and stores into the shared, locked store.
 */
export async function runLogin(input: LoginInput): Promise<LoginSummary> {
  const policy = policyFor(input.spec.url);
  const fetchFn = createGuardedFetch(policy);
  const callback = await startCallbackServer(preferredPort(input));
  try {
    const challenge = await probe(input.spec.url, fetchFn, input.headers);
    if (!challenge.needsAuth) return { noAuthNeeded: true };
    const state = await discover(input.spec.url, policy, fetchFn, challenge.resourceMetadataUrl);
    const metadata = state.authorizationServerMetadata!;
    const meta = input.store.meta(input.server);
    // The challenged scope is authoritative; a pending step-up's scope and the person's --scope are added;
    // `openid` only so the AS can say whose login this is.
    const scopes = new Set([...splitScope(challenge.scope), ...splitScope(meta.loginNeeded?.scope), ...splitScope(input.scope)]);
    if (scopes.size > 0 && metadata.scopes_supported?.includes('openid')) scopes.add('openid');
    const scope = scopes.size > 0 ? [...scopes].join(' ') : undefined;

    const provider = new AirlockOAuthProvider(
      { server: input.server, store: input.store, policy, ...input.spec.oauth },
      'login',
      { redirectUrl: callback.redirectUri, open: input.open },
    );
    provider.saveDiscoveryState(state);
    // A registration made for another loopback port is replaced: not every AS lets the port vary.
    // So is one registered for fewer scopes than this login asks for (a step-up): the AS would refuse them.
    const existing = provider.clientInformation() as { redirect_uris?: string[]; scope?: string } | undefined;
    const registeredScopes = existing?.scope === undefined ? undefined : splitScope(existing.scope);
    const outgrown = registeredScopes !== undefined && [...scopes].some((s) => !registeredScopes.includes(s));
    if (!input.spec.oauth?.clientId && existing && ((existing.redirect_uris && !existing.redirect_uris.includes(callback.redirectUri)) || outgrown)) {
      provider.invalidateCredentials('client');
    }

    const started = await auth(provider, { serverUrl: input.spec.url, ...(scope ? { scope } : {}), ...(challenge.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {}), fetchFn });
    if (started !== 'REDIRECT') throw new OAuthFlowError('the authorization server issued tokens without a sign-in; Airlock expected a browser login');
    const params: CallbackParams = await callback.wait((p) => provider.stateMatches(p.state), input.timeoutMs ?? 5 * 60_000);
    if (params.error) throw new OAuthFlowError(`the authorization server refused the login: ${params.error.slice(0, 80)}${params.errorDescription ? ` (${params.errorDescription.slice(0, 200)})` : ''}`);
    if (params.iss !== undefined && params.iss !== metadata.issuer) {
      throw new OAuthFlowError(`the sign-in came back from issuer ${params.iss.slice(0, 200)}, not ${metadata.issuer}; refused (RFC 9207)`);
    }
    if (!params.code) throw new OAuthFlowError('the sign-in came back without an authorization code');
    await auth(provider, { serverUrl: input.spec.url, authorizationCode: params.code, ...(challenge.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {}), fetchFn });
    const tokens = provider.currentTokens()!;
    const account = accountOf(tokens);
    input.store.updateMeta(input.server, (m) => {
      delete m.loginNeeded;
      if (account) m.account = account;
      else delete m.account;
    });
    const client = provider.clientInformation();
    return {
      issuer: metadata.issuer,
      ...(client ? { clientId: client.client_id } : {}),
      scopes: splitScope(tokens.scope ?? scope),
      ...(tokens.expires_in ? { expiresAt: new Date(Date.now() + tokens.expires_in * 1000).toISOString() } : {}),
      ...(account ? { account } : {}),
    };
  } finally {
    await callback.close();
    await fetchFn.close();
  }
}

/** The port of the registered redirect URI, so a later login can reuse the registration. */
function preferredPort(input: LoginInput): number {
  const state = input.store.discovery(input.server);
  if (!state || input.spec.oauth?.clientId) return 0;
  const client = input.store.client(input.server, state.authorizationServerUrl) as { redirect_uris?: string[] } | undefined;
  const uri = client?.redirect_uris?.[0];
  const port = uri ? Number(new URL(uri).port) : 0;
  return Number.isSafeInteger(port) ? port : 0;
}
