/**
 * Reading one server entry the way its host would: local (command/args/env/cwd), remote (a URL),
 * already an Airlock wrapper, or something Airlock cannot import faithfully.
 */
import path from 'node:path';
import { SERVER_NAME_PATTERN } from '../../../shared/types';
import { isPlainObject } from '../../../shared/jsonrpc';
import type { HttpSpecInput } from '../remote/http-spec';
import { sha256 } from './host-file';
import { wrappedServer } from './launcher';
import { classifyRemote } from './remote-entries';
import type { ConfigLocation, HostEnv } from './types';
import { resolveVariables, stringRecord, unresolvedReason } from './variables';

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Names the host passed through from its own environment (Codex `env_vars`). */
  envPass: string[];
}

/**
 * - wrapper: goes through Airlock — `airlock connect <name>` (stdio) or Airlock's ingress URL with a host token (http).
 * - local: a server the host starts itself; remote: one it connects to by URL. Both are protectable.
 * - unsupported: Airlock cannot import it faithfully (`reason`); it stays as it is.
 */
export type ClassifiedEntry =
  | { kind: 'wrapper'; mode: 'stdio'; airlockName: string; command: string; args: string[]; envNames?: string[] }
  | { kind: 'wrapper'; mode: 'http'; airlockName: string; url: string }
  | { kind: 'remote'; transport: 'http' | 'sse'; url: string; headerNames: string[]; input: HttpSpecInput }
  | { kind: 'local'; launch: LaunchSpec }
  | { kind: 'unsupported'; reason: string; command?: string; args?: string[]; envNames?: string[]; transport?: 'http' | 'sse'; url?: string };

/** Keys that say how to start a local server. */
export const LAUNCH_KEYS = ['command', 'args', 'env', 'cwd', 'envFile', 'env_vars'] as const;

/** Keys that say how to reach a remote server (every host's spelling), including the host's own OAuth setup. */
export const REMOTE_KEYS = ['url', 'httpUrl', 'serverUrl', 'headers', 'http_headers', 'env_http_headers', 'bearer_token_env_var', 'oauth', 'auth', 'authProviderType'] as const;

/**
 * Everything about how the host reaches the server. In an entry Airlock wrapped these are Airlock's;
 * every other key belongs to the host and is kept (`timeout`, `trust`, `disabled`, `tools`, Zed `settings`…).
 */
export const CONNECTION_KEYS: readonly string[] = ['type', ...LAUNCH_KEYS, ...REMOTE_KEYS];

function stringsOf(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  const out: string[] = [];
  for (const item of value) {
    if (typeof item === 'string') out.push(item);
    else if (typeof item === 'number' || typeof item === 'boolean') out.push(String(item));
    else return undefined;
  }
  return out;
}

/** The launch fields of an entry, wherever its shape keeps them (Zed once nested them under `command`). */
function launchFields(entry: Record<string, unknown>, location: ConfigLocation): { command: unknown; args: unknown; env: unknown } {
  if (location.shape === 'zed' && isPlainObject(entry.command)) {
    const nested = entry.command as Record<string, unknown>;
    return { command: nested.path, args: nested.args, env: nested.env };
  }
  return { command: entry.command, args: entry.args, env: entry.env };
}

export function classifyEntry(value: unknown, location: ConfigLocation, env: HostEnv): ClassifiedEntry {
  if (!isPlainObject(value)) return { kind: 'unsupported', reason: 'the entry is not an object' };
  const entry = value as Record<string, unknown>;
  const remote = classifyRemote(entry, location, env);
  if (remote) return remote;
  if (location.shape === 'zed' && entry.command === undefined) {
    return { kind: 'unsupported', reason: 'provided by a Zed extension (no command in settings.json); Airlock cannot wrap it' };
  }
  const fields = launchFields(entry, location);
  const args = stringsOf(fields.args);
  const shown = {
    ...(typeof fields.command === 'string' ? { command: fields.command } : {}),
    ...(args ? { args } : {}),
    ...(isPlainObject(fields.env) ? { envNames: Object.keys(fields.env as object) } : {}),
  };
  if (typeof fields.command !== 'string' || fields.command.trim() === '') return { kind: 'unsupported', reason: 'no command to run', ...shown };
  if (!args) return { kind: 'unsupported', reason: '"args" is not a list of strings', ...shown };
  const wrapped = wrappedServer(fields.command, args);
  if (wrapped !== undefined) return { kind: 'wrapper', mode: 'stdio', airlockName: wrapped, command: fields.command, args, ...(shown.envNames?.length ? { envNames: shown.envNames } : {}) };
  const envValues = stringRecord(fields.env);
  if (!envValues) return { kind: 'unsupported', reason: '"env" is not an object of strings', ...shown };
  if (entry.envFile !== undefined) return { kind: 'unsupported', reason: 'reads its variables from an envFile, which Airlock does not import; the entry stays as it is', ...shown };
  if (entry.sandboxEnabled === true) {
    return { kind: 'unsupported', reason: "runs in VS Code's sandbox; wrapping it would sandbox Airlock instead of the server, so the entry stays as it is", ...shown };
  }
  const envPass = stringsOf(entry.env_vars);
  if (!envPass) return { kind: 'unsupported', reason: '"env_vars" is not a list of names', ...shown };
  if (entry.cwd !== undefined && typeof entry.cwd !== 'string') return { kind: 'unsupported', reason: '"cwd" is not a string', ...shown };

  const resolve = (s: string) => resolveVariables(s, location, env);
  const parts: string[] = [];
  for (const s of [fields.command, ...args, ...Object.values(envValues), ...(typeof entry.cwd === 'string' ? [entry.cwd] : [])]) {
    const r = resolve(s);
    if ('unresolved' in r) return { kind: 'unsupported', reason: unresolvedReason(r.unresolved, location), ...shown };
    parts.push(r.value);
  }
  const command = parts[0]!;
  const resolvedArgs = parts.slice(1, 1 + args.length);
  const names = Object.keys(envValues);
  const resolvedEnv = Object.fromEntries(names.map((name, i) => [name, parts[1 + args.length + i]!]));
  const pathOf = env.platform === 'win32' ? path.win32 : path.posix;
  // Project servers run in their project, as the host starts them there; a relative cwd is taken from there too.
  const base = location.project ?? env.home;
  const cwdRaw = typeof entry.cwd === 'string' ? parts[parts.length - 1]! : undefined;
  const cwd = cwdRaw !== undefined ? pathOf.resolve(base, cwdRaw) : location.project;
  return { kind: 'local', launch: { command, args: resolvedArgs, env: resolvedEnv, ...(cwd !== undefined ? { cwd } : {}), envPass } };
}

/** An Airlock server name for a host key: the key itself when valid, else a readable ASCII form of it. */
export function airlockNameFor(key: string): string {
  if (SERVER_NAME_PATTERN.test(key)) return key;
  const ascii = key
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 56);
  return ascii || `server-${sha256(key).slice(0, 8)}`;
}
