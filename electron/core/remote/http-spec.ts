import type { HttpServerSpec } from '../../../shared/types';
import { checkServerUrl, checkUrl, UrlRefused } from './url-policy';

export interface HttpSpecInput {
  url: string;
  transport?: 'http' | 'sse';
  /** Static headers (`--header K=V`); values go to the secret store, settings keep the names. */
  headers?: Record<string, string>;
  clientId?: string;
  clientMetadataUrl?: string;
}

/** RFC 9110 token characters. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
/** Headers the transport owns; a static value would break the protocol or smuggle a second request. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'accept', 'transfer-encoding', 'connection', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id']);

export class InvalidRemoteServer extends Error {}

/** Validates a remote server definition; returns the spec for settings and the header values for the secret store. */
export function buildHttpSpec(input: HttpSpecInput): { spec: HttpServerSpec; headers: Record<string, string> } {
  let url: URL;
  try {
    url = checkServerUrl(input.url).url;
  } catch (error) {
    throw new InvalidRemoteServer((error as Error).message);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new InvalidRemoteServer(`invalid header name "${name}"`);
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new InvalidRemoteServer(`the header ${name} is set by the MCP transport itself`);
    if (/[\r\n\0]/.test(value)) throw new InvalidRemoteServer(`the value of ${name} contains a line break`);
    if (Object.keys(headers).some((n) => n.toLowerCase() === name.toLowerCase())) throw new InvalidRemoteServer(`the header ${name} is given twice`);
    headers[name] = value;
  }
  const oauth: NonNullable<HttpServerSpec['oauth']> = {};
  if (input.clientId !== undefined) {
    if (!/^[\x21-\x7e]{1,255}$/.test(input.clientId)) throw new InvalidRemoteServer('the client id must be 1–255 visible ASCII characters');
    oauth.clientId = input.clientId;
  }
  if (input.clientMetadataUrl !== undefined) {
    try {
      const cimd = checkUrl(input.clientMetadataUrl, { allowLoopback: false }, 'the client metadata URL');
      if (cimd.protocol !== 'https:' || cimd.pathname === '/') throw new UrlRefused('the client metadata URL must be https with a path');
    } catch (error) {
      throw new InvalidRemoteServer((error as Error).message);
    }
    oauth.clientMetadataUrl = input.clientMetadataUrl;
  }
  return {
    spec: {
      transport: input.transport ?? 'http',
      url: url.href,
      headerNames: Object.keys(headers),
      ...(Object.keys(oauth).length > 0 ? { oauth } : {}),
    },
    headers,
  };
}

/** Where a static header's value lives in the secret store. */
export function headerSecretId(server: string, header: string): string {
  return `server/${server}/header/${header}`;
}
