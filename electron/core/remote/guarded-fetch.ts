import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { classifyAddress, isLocalhostName, normaliseHostname } from './address-policy';
import { checkUrl, UrlRefused, type EgressPolicy } from './url-policy';

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that carry credentials; they never follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A DNS lookup that checks every answer before the socket connects, so the address judged is the
 * address used (no window for a rebinding between a check and the connection). `localhost` names
 * must resolve to loopback; any other name must resolve only to public addresses, or loopback when
 * the policy allows it.
 */
export function guardedLookup(policy: EgressPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const local = isLocalhostName(hostname);
      for (const { address } of list) {
        const kind = classifyAddress(address);
        const ok = kind?.class === 'public' ? !local : kind?.class === 'loopback' ? policy.allowLoopback : false;
        if (!ok) {
          const refusal = new UrlRefused(
            `${normaliseHostname(hostname)} resolves to ${address} (${kind?.range ?? 'unknown'}), which Airlock does not connect to for this server`,
          ) as UrlRefused & NodeJS.ErrnoException;
          refusal.code = 'EAIRLOCKREFUSED';
          return callback(refusal, []);
        }
      }
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), []);
      if (options.all) callback(null, list);
      else callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** The refusal inside a fetch failure (undici wraps connect errors in `TypeError: fetch failed`). */
export function refusalIn(error: unknown): UrlRefused | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof UrlRefused) return e;
  }
  return undefined;
}

function headersWithout(headers: HeadersInit | undefined, names: string[]): Headers {
  const copy = new Headers(headers as ConstructorParameters<typeof Headers>[0]);
  for (const name of names) copy.delete(name);
  return copy;
}

/**
 * The only fetch Airlock uses for remote servers: the MCP endpoint, protected resource metadata,
 * authorization server metadata, registration, token, revocation and userinfo endpoints. Every URL
 * is checked before the request, every redirect hop is checked again (credentials dropped on a
 * change of origin), and every DNS answer is checked at connect time. No proxy from the
 * environment is used: an egress proxy would hide where the request really goes.
 */
export function createGuardedFetch(policy: EgressPolicy): FetchLike & { close(): Promise<void> } {
  const agent = new Agent({ connect: { lookup: guardedLookup(policy) } as never, keepAliveTimeout: 10_000 });
  const once = async (url: URL, init: RequestInit | undefined): Promise<Response> => {
    checkUrl(url, policy, 'the request URL');
    try {
      return (await undiciFetch(url, { ...(init as object), redirect: 'manual', dispatcher: agent } as never)) as unknown as Response;
    } catch (error) {
      throw refusalIn(error) ?? error;
    }
  };
  const guarded = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    let url = new URL(input);
    const mode = init?.redirect ?? 'follow';
    let current = init;
    for (let hop = 0; ; hop++) {
      const response = await once(url, current);
      if (mode !== 'follow' || !REDIRECT_STATUSES.has(response.status)) {
        if (mode === 'error' && REDIRECT_STATUSES.has(response.status)) throw new TypeError(`redirect refused (${response.status})`);
        return response;
      }
      const location = response.headers.get('location');
      if (!location || hop >= MAX_REDIRECTS) return response;
      await response.body?.cancel();
      const next = checkUrl(new URL(location, url), policy, 'a redirect target');
      const method = (current?.method ?? 'GET').toUpperCase();
      const keepsBody = response.status === 307 || response.status === 308;
      current = {
        ...current,
        ...(keepsBody || method === 'GET' || method === 'HEAD' ? {} : { method: 'GET', body: undefined }),
        headers: next.origin === url.origin ? current?.headers : headersWithout(current?.headers, CREDENTIAL_HEADERS),
      };
      url = next;
    }
  };
  return Object.assign(guarded, { close: () => agent.close() });
}
