/**
 * Remote (URL) entries, read the way their host reads them: the URL (Gemini CLI `httpUrl` is
 * Streamable HTTP and `url` SSE; Windsurf `serverUrl`), the transport, the static headers (Codex
 * `http_headers`) and a pre-registered OAuth client id — i.e. what `airlock add <name> --url` takes.
 * Also recognises an entry Airlock wrote in `--http` mode: its own ingress URL with a host token.
 */
import { isPlainObject } from '../../../shared/jsonrpc';
import { HOST_TOKEN_PREFIX } from '../ingress/host-tokens';
import { isLoopbackHost } from '../remote/address-policy';
import { buildHttpSpec, InvalidRemoteServer, type HttpSpecInput } from '../remote/http-spec';
import type { ClassifiedEntry } from './entries';
import type { ConfigLocation, HostEnv } from './types';
import { resolveVariables, stringRecord, unresolvedReason } from './variables';

type Entry = Record<string, unknown>;
type Transport = 'http' | 'sse';

const HTTP_TYPES = new Set(['http', 'streamable-http', 'streamablehttp']);
/** The ingress path (electron/core/ingress/server.ts); names follow SERVER_NAME_PATTERN. */
const INGRESS_PATH = /^\/mcp\/([A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/;
const HOST_BEARER = new RegExp(`^Bearer ${HOST_TOKEN_PREFIX}[A-Za-z0-9_-]+$`);

/** The URL the host connects to and the transport it uses, or undefined for an entry the host starts as a process. */
function endpointOf(entry: Entry, location: ConfigLocation): { url: unknown; transport: Transport } | undefined {
  const type = typeof entry.type === 'string' ? entry.type.toLowerCase() : undefined;
  if (location.interpolation === 'gemini') {
    // Gemini CLI chooses by key, before looking at `command`: httpUrl is Streamable HTTP, url is SSE.
    if (entry.httpUrl !== undefined) return { url: entry.httpUrl, transport: 'http' };
    if (entry.url !== undefined) return { url: entry.url, transport: type === 'http' ? 'http' : 'sse' };
    return undefined;
  }
  const url = entry.serverUrl ?? entry.url ?? entry.httpUrl;
  const explicit: Transport | undefined = type === 'sse' ? 'sse' : type !== undefined && HTTP_TYPES.has(type) ? 'http' : undefined;
  if (!explicit && (url === undefined || entry.command !== undefined)) return undefined;
  // Hosts that try Streamable HTTP and fall back to SSE carry no transport; the `/sse` path is the convention of SSE-only servers.
  const transport = explicit ?? (typeof url === 'string' && /\/sse\/?$/i.test(url.split(/[?#]/)[0]!) ? 'sse' : 'http');
  return { url, transport };
}

function headersKey(location: ConfigLocation): 'headers' | 'http_headers' {
  return location.shape === 'codex' ? 'http_headers' : 'headers';
}

/** `http://127.0.0.1:<port>/mcp/<name>` with an Airlock host token: an entry written by `protect --http`. */
function ingressWrapper(entry: Entry, location: ConfigLocation, url: unknown): ClassifiedEntry | undefined {
  if (typeof url !== 'string') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const name = INGRESS_PATH.exec(parsed.pathname)?.[1];
  if (parsed.protocol !== 'http:' || !isLoopbackHost(parsed.hostname) || !name || parsed.search || parsed.hash) return undefined;
  const headers = stringRecord(entry[headersKey(location)]) ?? {};
  const auth = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  if (!auth || !HOST_BEARER.test(auth)) return undefined;
  return { kind: 'wrapper', mode: 'http', airlockName: name, url };
}

/** An OAuth setup only the host can carry out; Airlock's own login (discovery, PKCE, public client) cannot stand in for it. */
function hostOnlyOAuth(entry: Entry): string | undefined {
  if (entry.authProviderType !== undefined && entry.authProviderType !== 'dynamic_discovery') {
    return `logs in with ${JSON.stringify(entry.authProviderType)}, which only Gemini CLI can do, so the entry stays as it is`;
  }
  for (const key of ['oauth', 'auth'] as const) {
    const value = entry[key];
    if (value === undefined) continue;
    if (!isPlainObject(value)) return `"${key}" is not an object`;
    const o = value as Entry;
    if (o.clientSecret !== undefined || o.CLIENT_SECRET !== undefined || o.client_secret !== undefined) {
      return 'has an OAuth client secret; Airlock logs in as a public client (PKCE) and takes no client secrets, so the entry stays as it is';
    }
    if (o.authorizationUrl !== undefined || o.tokenUrl !== undefined) {
      return 'names its OAuth endpoints by hand; Airlock finds them by discovery only, so the entry stays as it is';
    }
  }
  return undefined;
}

function clientIdOf(entry: Entry): unknown {
  const oauth = isPlainObject(entry.oauth) ? (entry.oauth as Entry) : undefined;
  const auth = isPlainObject(entry.auth) ? (entry.auth as Entry) : undefined;
  return oauth?.clientId ?? auth?.CLIENT_ID;
}

/**
 * A remote entry as an Airlock server would take it; an Airlock `--http` wrapper; `unsupported`
 * (with the reason) when Airlock cannot take it faithfully; undefined when the entry is not remote.
 */
export function classifyRemote(entry: Entry, location: ConfigLocation, env: HostEnv): ClassifiedEntry | undefined {
  const endpoint = endpointOf(entry, location);
  if (!endpoint) return undefined;
  const { transport } = endpoint;
  const wrapper = ingressWrapper(entry, location, endpoint.url);
  if (wrapper) return wrapper;
  const shownUrl = typeof endpoint.url === 'string' ? { url: endpoint.url } : {};
  const refuse = (reason: string): ClassifiedEntry => ({ kind: 'unsupported', reason, transport, ...shownUrl });
  if (location.host === 'claude-desktop') {
    return refuse('Claude Desktop reads only stdio servers from this file (remote ones are Connectors in its settings), so the entry stays as it is');
  }
  if (typeof endpoint.url !== 'string' || endpoint.url.trim() === '') return refuse('no URL to connect to');
  if (entry.bearer_token_env_var !== undefined || entry.env_http_headers !== undefined) {
    return refuse(
      'takes a header value from Codex\'s own environment (bearer_token_env_var / env_http_headers); Airlock cannot know it, so the entry stays as it is (put the value in http_headers, or add the server with `airlock add --url … --header`, to protect it)',
    );
  }
  const headers = stringRecord(entry[headersKey(location)]);
  if (!headers) return refuse(`"${headersKey(location)}" is not an object of strings`);
  const oauthProblem = hostOnlyOAuth(entry);
  if (oauthProblem) return refuse(oauthProblem);
  const clientId = clientIdOf(entry);
  if (clientId !== undefined && typeof clientId !== 'string') return refuse('the OAuth client id is not a string');

  const resolve = (value: string): string | { unresolved: string } => {
    const r = resolveVariables(value, location, env);
    return 'unresolved' in r ? r : r.value;
  };
  const values = [endpoint.url, ...Object.values(headers), ...(clientId !== undefined ? [clientId] : [])].map(resolve);
  const unresolved = values.find((v): v is { unresolved: string } => typeof v !== 'string');
  if (unresolved) return refuse(unresolvedReason(unresolved.unresolved, location));
  const resolved = values as string[];
  const names = Object.keys(headers);
  const input: HttpSpecInput = {
    url: resolved[0]!,
    transport,
    headers: Object.fromEntries(names.map((name, i) => [name, resolved[1 + i]!])),
    ...(clientId !== undefined ? { clientId: resolved[resolved.length - 1]! } : {}),
  };
  try {
    buildHttpSpec(input);
  } catch (error) {
    if (!(error instanceof InvalidRemoteServer)) throw error;
    return refuse(`${error.message}; Airlock leaves the entry as it is`);
  }
  return { kind: 'remote', transport, url: endpoint.url, headerNames: names, input };
}

/** The URL a `--http` entry points at. */
export function ingressUrl(port: number, airlockName: string): string {
  return `http://127.0.0.1:${port}/mcp/${airlockName}`;
}

export const INGRESS_LOOP_REASON = "points at Airlock's own HTTP ingress; importing it would make Airlock call itself, so the entry stays as it is";

/** True when a URL is Airlock's own ingress: importing it as a server would make Airlock call itself. */
export function isIngressUrl(url: string, port: number): boolean {
  try {
    const parsed = new URL(url);
    const urlPort = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
    return isLoopbackHost(parsed.hostname) && urlPort === port && parsed.pathname.startsWith('/mcp/');
  } catch {
    return false;
  }
}

/** A remote entry that is Airlock's own ingress without a host token: not protectable (see INGRESS_LOOP_REASON). */
export function withoutIngressLoop(classified: ClassifiedEntry, port: number): ClassifiedEntry {
  if (classified.kind !== 'remote' || !isIngressUrl(classified.input.url, port)) return classified;
  return { kind: 'unsupported', reason: INGRESS_LOOP_REASON, transport: classified.transport, url: classified.url };
}
