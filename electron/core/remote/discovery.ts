import {
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
  type OAuthDiscoveryState,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { OAuthFlowError } from './errors';
import { refusalIn } from './guarded-fetch';
import { checkMetadataUrl, UrlRefused, type EgressPolicy } from './url-policy';

/** Metadata fields that name URLs Airlock (or a browser) would go to. */
const URL_FIELDS = [
  'authorization_endpoint',
  'token_endpoint',
  'registration_endpoint',
  'revocation_endpoint',
  'introspection_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'end_session_endpoint',
  'pushed_authorization_request_endpoint',
  'device_authorization_endpoint',
] as const;

/** Checks every endpoint a metadata document names, before anything uses one. */
export function checkMetadataEndpoints(document: unknown, policy: EgressPolicy, source: string): void {
  if (typeof document !== 'object' || document === null) return;
  const doc = document as Record<string, unknown>;
  for (const field of URL_FIELDS) {
    if (doc[field] !== undefined) checkMetadataUrl(doc[field], policy, `${field} in ${source}`);
  }
  if (Array.isArray(doc.authorization_servers)) {
    doc.authorization_servers.forEach((as, i) => checkMetadataUrl(as, policy, `authorization_servers[${i}] in ${source}`));
  }
}

/**
 * A fetch for discovery that reads each JSON document and refuses it when it names an endpoint
 * Airlock would not go to — before the SDK parses it — so a hostile document fails with a message
 * naming the field, not a schema error.
 */
export function metadataCheckingFetch(fetchFn: FetchLike, policy: EgressPolicy): FetchLike {
  return async (url, init) => {
    const response = await fetchFn(url, init);
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !type.includes('json')) return response;
    const text = await response.text();
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      document = undefined;
    }
    const where = new URL(url).origin + new URL(url).pathname;
    checkMetadataEndpoints(document, policy, `the metadata at ${where}`);
    return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

export interface Challenge {
  /** The server answered 401: it wants a login. */
  needsAuth: boolean;
  resourceMetadataUrl?: URL;
  scope?: string;
}

/** Asks the server, without credentials, whether it wants a login and what its WWW-Authenticate says. */
export async function probe(serverUrl: string, fetchFn: FetchLike, headers: Record<string, string>): Promise<Challenge> {
  const response = await fetchFn(serverUrl, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 'airlock-login-probe',
      method: 'initialize',
      params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'airlock-login-probe', version: '1' } },
    }),
  });
  await response.body?.cancel();
  if (response.status !== 401) {
    const session = response.headers.get('mcp-session-id');
    if (session) await fetchFn(serverUrl, { method: 'DELETE', headers: { ...headers, 'mcp-session-id': session } }).then((r) => r.body?.cancel(), () => {});
    return { needsAuth: false };
  }
  const { resourceMetadataUrl, scope } = extractWWWAuthenticateParams(response);
  return { needsAuth: true, ...(resourceMetadataUrl ? { resourceMetadataUrl } : {}), ...(scope ? { scope } : {}) };
}

function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

function described(error: unknown): string {
  const issues = (error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
  if (Array.isArray(issues) && issues[0]) return `${issues[0].path.join('.') || 'document'}: ${issues[0].message}`;
  return (error as Error).message;
}

/**
 * RFC 9728 then RFC 8414 / OpenID discovery, with the SDK's helpers over Airlock's guarded fetch,
 * and Airlock's own stricter checks on the result: every endpoint passes the URL policy, the
 * metadata's issuer is the AS it was fetched for (mix-up defence), and PKCE S256 is listed
 * (the spec says refuse when it is absent; the SDK only refuses when another method is listed).
 */
export async function discover(serverUrl: string, policy: EgressPolicy, fetchFn: FetchLike, resourceMetadataUrl?: URL): Promise<OAuthDiscoveryState> {
  const checked = metadataCheckingFetch(fetchFn, policy);
  if (resourceMetadataUrl) checkMetadataUrl(resourceMetadataUrl.href, policy, 'resource_metadata in the WWW-Authenticate header');
  let resourceMetadata: OAuthDiscoveryState['resourceMetadata'];
  try {
    resourceMetadata = await discoverOAuthProtectedResourceMetadata(serverUrl, resourceMetadataUrl ? { resourceMetadataUrl } : undefined, checked);
  } catch (error) {
    const refusal = refusalIn(error);
    if (refusal) throw refusal;
    if (resourceMetadataUrl) throw new OAuthFlowError(`the server's protected resource metadata (${resourceMetadataUrl.href}) could not be read: ${described(error)}`);
    resourceMetadata = undefined; // RFC 9728 absent: the server's origin is taken as the AS (2025-03-26 behaviour)
  }
  const authorizationServerUrl = resourceMetadata?.authorization_servers?.[0] ?? new URL('/', serverUrl).href;
  checkMetadataUrl(authorizationServerUrl, policy, 'the authorization server URL');
  let metadata: AuthorizationServerMetadata | undefined;
  try {
    metadata = await discoverAuthorizationServerMetadata(authorizationServerUrl, { fetchFn: checked });
  } catch (error) {
    const refusal = refusalIn(error);
    if (refusal) throw refusal;
    throw new OAuthFlowError(`the authorization server's metadata (${authorizationServerUrl}) is not acceptable: ${described(error)}`);
  }
  if (!metadata) throw new OAuthFlowError(`no authorization server metadata was found for ${authorizationServerUrl} (RFC 8414 or OpenID discovery)`);
  checkMetadataEndpoints(metadata, policy, `the metadata of ${authorizationServerUrl}`);
  if (!sameIssuer(metadata.issuer, authorizationServerUrl)) {
    throw new OAuthFlowError(`the authorization server's metadata names issuer ${metadata.issuer}, not ${authorizationServerUrl}; refused (RFC 8414 §3.3)`);
  }
  if (!metadata.code_challenge_methods_supported?.includes('S256')) {
    throw new OAuthFlowError(`the authorization server ${metadata.issuer} does not list PKCE S256 in code_challenge_methods_supported; Airlock will not log in without it`);
  }
  return { authorizationServerUrl, ...(resourceMetadataUrl ? { resourceMetadataUrl: resourceMetadataUrl.href } : {}), resourceMetadata, authorizationServerMetadata: metadata };
}

export { UrlRefused };
