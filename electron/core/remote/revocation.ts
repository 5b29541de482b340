import type { AuthorizationServerMetadata, OAuthClientInformationMixed } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { checkMetadataUrl, type EgressPolicy } from './url-policy';

/** OIDC metadata types omit the RFC 7009 fields that OAuth metadata has; both may carry them. */
export type RevocableMetadata = AuthorizationServerMetadata & { revocation_endpoint?: string; revocation_endpoint_auth_methods_supported?: string[] };

export type RevocationOutcome = { ok: true } | { ok: false; reason: string };

/**
 * RFC 7009 token revocation. The client authenticates the way it does at the token endpoint
 * (public clients send their client_id). The answer's body is read only for an error code, and no
 * token ever appears in what this returns.
 */
export async function revokeToken(
  metadata: RevocableMetadata,
  client: OAuthClientInformationMixed,
  token: string,
  hint: 'access_token' | 'refresh_token',
  policy: EgressPolicy,
  fetchFn: FetchLike,
): Promise<RevocationOutcome> {
  const endpoint = checkMetadataUrl(metadata.revocation_endpoint, policy, 'revocation_endpoint');
  const params = new URLSearchParams({ token, token_type_hint: hint });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const secret = (client as { client_secret?: string }).client_secret;
  const methods = metadata.revocation_endpoint_auth_methods_supported ?? metadata.token_endpoint_auth_methods_supported ?? [];
  if (secret && (methods.length === 0 || methods.includes('client_secret_basic'))) {
    const encode = (v: string) => encodeURIComponent(v);
    headers.authorization = `Basic ${Buffer.from(`${encode(client.client_id)}:${encode(secret)}`).toString('base64')}`;
  } else {
    params.set('client_id', client.client_id);
    if (secret) params.set('client_secret', secret);
  }
  try {
    const response = await fetchFn(endpoint, { method: 'POST', headers, body: params.toString(), redirect: 'error' });
    if (response.ok) {
      await response.body?.cancel();
      return { ok: true };
    }
    let code = `HTTP ${response.status}`;
    try {
      const body = (await response.json()) as { error?: unknown };
      if (typeof body.error === 'string') code = `${code} ${body.error.slice(0, 60)}`;
    } catch {
      /* not JSON */
    }
    return { ok: false, reason: code };
  } catch (error) {
    return { ok: false, reason: (error as Error).message.slice(0, 200) };
  }
}
