/**
 * Reading one server entry the way its host would: local (command/args/env/cwd), remote (a URL),
 * already an Airlock wrapper, or something Airlock cannot import faithfully.
 */
import path from 'node:path';
import { SERVER_NAME_PATTERN } from '../../../shared/types';
import { isPlainObject } from '../../../shared/jsonrpc';
import { sha256 } from './host-file';
import { wrappedServer } from './launcher';
import type { ConfigLocation, HostEnv, Interpolation } from './types';

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Names the host passed through from its own environment (Codex `env_vars`). */
  envPass: string[];
}

export type ClassifiedEntry =
  | { kind: 'wrapper'; airlockName: string; command: string; args: string[]; envNames?: string[] }
  | { kind: 'remote'; transport: 'http' | 'sse'; url?: string }
  | { kind: 'local'; launch: LaunchSpec }
  | { kind: 'unsupported'; reason: string; command?: string; args?: string[]; envNames?: string[] };

/** Keys that say how to start the server; everything else in an entry belongs to the host and is kept. */
export const LAUNCH_KEYS = ['command', 'args', 'env', 'cwd', 'envFile', 'env_vars'] as const;

const HOST_LABEL: Record<Interpolation, string> = {
  none: 'the host',
  'claude-code': 'Claude Code',
  vscode: 'VS Code',
  cursor: 'Cursor',
  windsurf: 'Windsurf',
  gemini: 'Gemini CLI',
};

/** Host variables whose value is fixed and known to Airlock too. */
function fixedVariables(location: ConfigLocation, env: HostEnv): Record<string, string> {
  const sep = env.platform === 'win32' ? '\\' : '/';
  const vars: Record<string, string> = { userHome: env.home, pathSeparator: sep, '/': sep };
  if (location.project) {
    vars.workspaceFolder = location.project;
    vars.workspaceFolderBasename = path.basename(location.project);
  }
  return vars;
}

/**
 * Resolves the references Airlock can resolve exactly; returns the first one it cannot. A `${…}`
 * filled in from the host's environment or a prompt (VS Code `inputs`) would get a different value,
 * or none, in Airlock, so such entries are left as they are rather than imported wrongly.
 */
function resolveVariables(value: string, location: ConfigLocation, env: HostEnv): { value: string } | { unresolved: string } {
  const mode = location.interpolation;
  if (mode === 'none') return { value };
  const fixed = mode === 'vscode' || mode === 'cursor' || mode === 'windsurf' ? fixedVariables(location, env) : {};
  let unresolved: string | undefined;
  let result = value.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    const known = fixed[name];
    if (known !== undefined) return known;
    unresolved ??= whole;
    return whole;
  });
  if (unresolved === undefined && mode === 'gemini') {
    const bare = /\$[A-Za-z_][A-Za-z0-9_]*/.exec(result);
    if (bare) unresolved = bare[0];
  }
  if (unresolved !== undefined) return { unresolved };
  return { value: result };
}

function unresolvedReason(reference: string, location: ConfigLocation): string {
  const host = HOST_LABEL[location.interpolation];
  const what = reference.startsWith('${input:')
    ? `a value ${host} asks the user for (an "inputs" prompt)`
    : `a value ${host} fills in from its own environment or workspace`;
  return `uses ${reference}, ${what}; Airlock cannot know it, so the entry stays as it is (give the value explicitly, or add the server with \`airlock add\`, to protect it)`;
}

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

function envOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
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

function remoteOf(entry: Record<string, unknown>, location: ConfigLocation): ClassifiedEntry | undefined {
  const type = typeof entry.type === 'string' ? entry.type.toLowerCase() : undefined;
  const url = [entry.url, entry.httpUrl, entry.serverUrl].find((u): u is string => typeof u === 'string');
  if (type === 'sse') return { kind: 'remote', transport: 'sse', ...(url ? { url } : {}) };
  if (type === 'http' || type === 'streamable-http' || type === 'streamablehttp') return { kind: 'remote', transport: 'http', ...(url ? { url } : {}) };
  // Gemini chooses by key: httpUrl is Streamable HTTP, url is SSE.
  if (location.interpolation === 'gemini' && typeof entry.url === 'string' && typeof entry.httpUrl !== 'string') return { kind: 'remote', transport: 'sse', url: entry.url };
  if (url && entry.command === undefined) return { kind: 'remote', transport: 'http', url };
  return undefined;
}

export function classifyEntry(value: unknown, location: ConfigLocation, env: HostEnv): ClassifiedEntry {
  if (!isPlainObject(value)) return { kind: 'unsupported', reason: 'the entry is not an object' };
  const entry = value as Record<string, unknown>;
  const remote = remoteOf(entry, location);
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
  if (wrapped !== undefined) return { kind: 'wrapper', airlockName: wrapped, command: fields.command, args, ...(shown.envNames?.length ? { envNames: shown.envNames } : {}) };
  const envValues = envOf(fields.env);
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
