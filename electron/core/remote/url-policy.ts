import { classifyAddress, isLocalhostName, isLoopbackHost, normaliseHostname } from './address-policy';

/** What Airlock may reach on behalf of one server. */
export interface EgressPolicy {
  /** The person configured this server on loopback, so loopback (and only loopback) is fine for its fetches. */
  allowLoopback: boolean;
}

export class UrlRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlRefused';
  }
}

/** Characters a shell, PowerShell or `cmd` would interpret; none belongs in an OAuth endpoint. */
const SHELL_METACHARACTERS = /[\s`$;|&<>\\'"^(){}!*]/;

function parse(raw: string | URL, what: string): URL {
  try {
    return raw instanceof URL ? raw : new URL(raw);
  } catch {
    throw new UrlRefused(`${what} is not a valid URL: ${JSON.stringify(String(raw).slice(0, 200))}`);
  }
}

/**
 * The scheme and host rule every URL Airlock touches follows: https, or http on loopback; no
 * userinfo; hosts that are IP literals must be public (or loopback when the server is on loopback).
 * Names are checked again, after DNS, when the connection is made (see guarded-fetch).
 */
export function checkUrl(raw: string | URL, policy: EgressPolicy, what: string): URL {
  const url = parse(raw, what);
  const shown = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.username || url.password) throw new UrlRefused(`${what} carries a user name or password (${url.protocol}//…@${url.host}); Airlock refuses such URLs`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UrlRefused(`${what} uses ${url.protocol} (${JSON.stringify(String(raw).slice(0, 80))}); only https (or http on loopback) is allowed`);
  }
  const host = normaliseHostname(url.hostname);
  const loopback = isLoopbackHost(host);
  if (url.protocol === 'http:' && !loopback) throw new UrlRefused(`${what} ${shown} uses plain http on a non-loopback host; only https is allowed there`);
  if (loopback && !policy.allowLoopback) {
    throw new UrlRefused(`${what} ${shown} points at this machine (loopback), which is only allowed for servers you configured on loopback`);
  }
  const literal = classifyAddress(host);
  if (literal?.class === 'blocked') throw new UrlRefused(`${what} ${shown} points at a ${literal.range} address; Airlock refuses private, link-local and metadata ranges`);
  return url;
}

/** The URL of a remote server as the person adds it: the same rule, with loopback allowed because they typed it. */
export function checkServerUrl(raw: string): { url: URL; loopback: boolean } {
  const url = checkUrl(raw, { allowLoopback: true }, 'the server URL');
  if (url.hash) throw new UrlRefused('the server URL must not have a #fragment');
  return { url, loopback: isLoopbackHost(url.hostname) };
}

/** The policy for a configured server: loopback only when its own URL is on loopback. */
export function policyFor(serverUrl: string): EgressPolicy {
  return { allowLoopback: isLoopbackHost(new URL(serverUrl).hostname) };
}

/**
 * An endpoint named by a server or an authorization server (metadata is input): the egress rule,
 * plus no shell metacharacters and no leading dash, so that no launcher can read it as code or an option.
 */
export function checkMetadataUrl(raw: unknown, policy: EgressPolicy, what: string): URL {
  if (typeof raw !== 'string') throw new UrlRefused(`${what} is not a string`);
  if (raw.startsWith('-') || SHELL_METACHARACTERS.test(raw) || /[\u0000-\u001f\u007f]/.test(raw)) {
    throw new UrlRefused(`${what} contains characters a shell would interpret (${JSON.stringify(raw.slice(0, 120))}); refused`);
  }
  return checkUrl(raw, policy, what);
}

/**
 * The authorization URL, right before a browser opens it: the egress rule, and its serialised form
 * free of shell metacharacters (query separators `&` and `=` are the only punctuation let through,
 * since the query is built by the SDK with percent-encoding).
 */
export function checkBrowserUrl(raw: string | URL, policy: EgressPolicy): URL {
  const url = checkUrl(raw, policy, 'the authorization URL');
  const href = url.href;
  if (href.startsWith('-') || /[\s`$;|<>\\'"^(){}]/.test(href) || /[\u0000-\u001f\u007f]/.test(href)) {
    throw new UrlRefused(`the authorization URL contains characters a shell would interpret; refused (${href.slice(0, 120)})`);
  }
  return url;
}

/** RFC 8707 canonical URI of an MCP server: lowercase scheme and host, no fragment, no trailing slash unless it is the whole path. */
export function canonicalResourceUri(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.hash = '';
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}${url.search}`;
}

export { isLocalhostName, isLoopbackHost };
