/**
 * `protect`: import a host's server entries — local ones (command, args, env, cwd) and remote ones
 * (URL, transport, static headers) — as Airlock servers, and rewrite each entry, in the host's own
 * shape and under its own key, to go through Airlock: launch `airlock connect <name>` (mode stdio,
 * the default; Airlock talks HTTP upstream for remote servers), or connect to Airlock's HTTP ingress
 * with the host's token (mode http, for hosts that speak HTTP).
 *
 * Order of work per file, so that nothing is lost whatever fails: plan all edits in memory and check
 * them; add the Airlock servers; store the originals (encrypted) and the record; back the file up;
 * write it atomically unless it changed since it was read. A failed write undoes the servers, the
 * record and the backup, and leaves the host file as it was.
 */
import fs from 'node:fs';
import type { HostId, HostNameCollision, ProtectHostResult } from '../../../shared/hosts';
import { redactText } from '../../../shared/secrets';
import type { HttpServerSpec, ServerRecord, StdioServerSpec } from '../../../shared/types';
import { SERVER_NAME_PATTERN } from '../../../shared/types';
import { buildHttpSpec, headerSecretId, InvalidRemoteServer, type HttpSpecInput } from '../remote/http-spec';
import { secretEnvNames, serverSecretId } from '../secret-store';
import { buildStdioSpec, InvalidServer, type StdioSpecInput } from '../server-spec';
import type { HostsContext } from './context';
import { scanHosts, type ScannedConfig, type ScannedEntry } from './discover';
import { entryIn, originalOf, parseDoc, wrapEntry, type OriginalEntry, type WrapperEntry } from './documents';
import { airlockNameFor, classifyEntry, type ClassifiedEntry, type LaunchSpec } from './entries';
import { HostsRequestError, MalformedHostFile } from './errors';
import { commitHostFile, sha256, writeBackup } from './host-file';
import { tokenForHost, type HeldToken } from './host-token';
import { launchArgs } from './launcher';
import type { FileRecord } from './records';
import { hostById } from './registry';
import { INGRESS_LOOP_REASON, ingressUrl, isIngressUrl } from './remote-entries';
import type { HttpEntryShape } from './types';

export type ProtectMode = 'stdio' | 'http';

export interface ProtectInput {
  host: HostId;
  servers?: string[];
  project?: string;
  /** Airlock names chosen for host keys (answers to a name collision). */
  as?: Record<string, string>;
  /** How entries reach Airlock (default stdio). */
  mode?: ProtectMode;
}

/** The Airlock server an entry becomes. */
type Planned =
  | { kind: 'stdio'; input: StdioSpecInput; spec: StdioServerSpec; secretEnvNames: string[] }
  | { kind: 'remote'; input: HttpSpecInput; spec: HttpServerSpec; headers: Record<string, string> };

interface Candidate {
  config: ScannedConfig;
  entry: ScannedEntry;
  airlockName: string;
  server: Planned;
  reuse: boolean;
}

/** How this run writes entries: the stdio wrapper, or the ingress URL with the host's token. */
type Writing = { mode: 'stdio' } | { mode: 'http'; port: number; token: HeldToken; shape: HttpEntryShape };

/** The configs a command acts on: the user-level ones, or those of one project. */
export function targetConfigs(ctx: HostsContext, host: HostId, project: string | undefined): ScannedConfig[] {
  const scan = scanHosts(ctx.env, project ? [project] : [], host);
  const configs = scan.hosts[0]?.configs ?? [];
  return configs.filter((c) => (project ? c.location.project === project : c.location.scope === 'user'));
}

function launchInput(launch: LaunchSpec): StdioSpecInput {
  return { command: launch.command, args: launch.args, ...(launch.cwd !== undefined ? { cwd: launch.cwd } : {}), env: launch.env, envPass: launch.envPass };
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The env a server runs with from Airlock's side: plain values plus its secrets. */
function envWithSecrets(ctx: HostsContext, record: ServerRecord): Record<string, string> | undefined {
  if (record.spec.transport !== 'stdio') return undefined;
  const env: Record<string, string> = { ...record.spec.env };
  for (const name of record.spec.secretEnv) {
    const value = ctx.core.secrets.get(serverSecretId(record.name, name));
    if (value === undefined) return undefined;
    env[name] = value;
  }
  return env;
}

/** Same program, arguments, folder and environment: the entry is that Airlock server. */
function sameLaunch(ctx: HostsContext, record: ServerRecord, spec: StdioServerSpec): boolean {
  if (record.spec.transport !== 'stdio') return false;
  const a = record.spec;
  const env = envWithSecrets(ctx, record);
  if (!env) return false;
  const keys = Object.keys(env).sort();
  return (
    a.command === spec.command &&
    sameStrings(a.args, spec.args) &&
    a.cwd === spec.cwd &&
    sameStrings([...a.envPass].sort(), [...spec.envPass].sort()) &&
    sameStrings(keys, Object.keys(spec.env).sort()) &&
    keys.every((k) => env[k] === spec.env[k])
  );
}

/** Same URL, transport, OAuth client and static headers (values from the secret store): the entry is that Airlock server. */
function sameRemote(ctx: HostsContext, record: ServerRecord, planned: Extract<Planned, { kind: 'remote' }>): boolean {
  const a = record.spec;
  const b = planned.spec;
  if (a.transport === 'stdio') return false;
  return (
    a.transport === b.transport &&
    a.url === b.url &&
    JSON.stringify(a.oauth ?? {}) === JSON.stringify(b.oauth ?? {}) &&
    sameStrings([...a.headerNames].sort(), [...b.headerNames].sort()) &&
    a.headerNames.every((h) => ctx.core.secrets.get(headerSecretId(record.name, h)) === planned.headers[h])
  );
}

function sameServer(ctx: HostsContext, record: ServerRecord, planned: Planned): boolean {
  return planned.kind === 'stdio' ? sameLaunch(ctx, record, planned.spec) : sameRemote(ctx, record, planned);
}

/** Two entries of this run under one name: the same server only when they describe it identically. */
function samePlanned(a: Planned, b: Planned): boolean {
  const key = (p: Planned) => JSON.stringify(p.kind === 'stdio' ? [p.kind, p.spec] : [p.kind, p.spec, p.headers]);
  return key(a) === key(b);
}

function findServer(ctx: HostsContext, name: string): ServerRecord | undefined {
  const lower = name.toLowerCase();
  return Object.values(ctx.core.settings.data.servers).find((s) => s.name.toLowerCase() === lower);
}

function freeName(ctx: HostsContext, base: string, taken: Set<string>): string {
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, 60)}-${n}`;
    if (!findServer(ctx, candidate) && !taken.has(candidate.toLowerCase())) return candidate;
  }
}

/** What an importable entry becomes in Airlock, or why it cannot. */
function plan(ctx: HostsContext, c: Extract<ClassifiedEntry, { kind: 'local' | 'remote' }>): Planned | { refused: string } {
  if (c.kind === 'local') {
    const input = launchInput(c.launch);
    try {
      return { kind: 'stdio', input, spec: buildStdioSpec(input), secretEnvNames: secretEnvNames(c.launch.env) };
    } catch (error) {
      if (error instanceof InvalidServer) return { refused: error.message };
      throw error;
    }
  }
  let built: ReturnType<typeof buildHttpSpec>;
  try {
    built = buildHttpSpec(c.input);
  } catch (error) {
    if (error instanceof InvalidRemoteServer) return { refused: error.message };
    throw error;
  }
  if (isIngressUrl(built.spec.url, ctx.ingress().port)) return { refused: INGRESS_LOOP_REASON };
  return { kind: 'remote', input: c.input, spec: built.spec, headers: built.headers };
}

export function protectHost(ctx: HostsContext, input: ProtectInput, by: string): ProtectHostResult {
  const def = hostById(input.host);
  const mode = input.mode ?? 'stdio';
  if (mode === 'http' && !def.http) {
    throw new HostsRequestError(
      `${def.name} reads only stdio servers from its config file, so it cannot reach Airlock over HTTP; protect it without --http (the \`airlock connect\` wrapper works there)`,
      'invalid-input',
    );
  }
  const configs = targetConfigs(ctx, input.host, input.project);
  const broken = configs.find((c) => c.error);
  if (broken) throw new MalformedHostFile(broken.error!);
  const explicit = input.servers !== undefined;
  const wanted = new Set(input.servers ?? []);
  for (const name of wanted) {
    if (!configs.some((c) => c.entries.some((e) => e.key === name))) {
      const where = configs.filter((c) => c.exists).map((c) => c.location.file);
      throw new HostsRequestError(`${def.name} has no server "${name}"${where.length ? ` in ${[...new Set(where)].join(', ')}` : ' (no config file found)'}`);
    }
  }
  for (const [key, name] of Object.entries(input.as ?? {})) {
    if (!SERVER_NAME_PATTERN.test(name)) throw new HostsRequestError(`invalid Airlock name "${name}" for "${key}": use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`, 'invalid-input');
  }

  const result: ProtectHostResult = { host: input.host, collisions: [], protected: [], alreadyProtected: [], skipped: [], files: [] };
  const candidates: Candidate[] = [];
  const batch = new Map<string, Planned>();
  const refuse = (config: ScannedConfig, key: string, reason: string) => {
    if (explicit) throw new HostsRequestError(`cannot protect "${key}" in ${config.location.file}: ${reason}`, 'invalid-input');
    result.skipped.push({ file: config.location.file, key, reason });
  };

  for (const config of configs) {
    for (const entry of config.entries) {
      if (explicit && !wanted.has(entry.key)) continue;
      const c = entry.classified;
      if (c.kind === 'wrapper') {
        result.alreadyProtected.push({ file: config.location.file, key: entry.key, airlockName: c.airlockName, mode: c.mode });
        continue;
      }
      if (c.kind === 'unsupported') {
        refuse(config, entry.key, c.reason);
        continue;
      }
      const airlockName = input.as?.[entry.key] ?? airlockNameFor(entry.key);
      const server = plan(ctx, c);
      if ('refused' in server) {
        refuse(config, entry.key, server.refused);
        continue;
      }
      const existing = findServer(ctx, airlockName);
      const planned = batch.get(airlockName.toLowerCase());
      const same = existing ? sameServer(ctx, existing, server) : planned ? samePlanned(planned, server) : true;
      if (!same) {
        const taken = new Set([...batch.keys()]);
        const suggestion = freeName(ctx, airlockName, taken);
        const what = c.kind === 'remote' ? 'connects to' : 'launches';
        const collision: HostNameCollision = {
          file: config.location.file,
          key: entry.key,
          airlockName: existing?.name ?? airlockName,
          suggestion,
          message: `"${entry.key}" in ${config.location.file} ${what} something other than the Airlock server "${existing?.name ?? airlockName}" that already has this name; choose a name for it (e.g. "${suggestion}")`,
        };
        result.collisions.push(collision);
        continue;
      }
      if (!existing && !planned) batch.set(airlockName.toLowerCase(), server);
      candidates.push({ config, entry, airlockName: existing?.name ?? airlockName, server, reuse: Boolean(existing) });
    }
  }
  if (result.collisions.length > 0) return { ...result, protected: [], files: [] };
  if (candidates.length === 0) return result;

  const ingress = ctx.ingress();
  const writing: Writing = mode === 'http' ? { mode: 'http', port: ingress.port, token: tokenForHost(ctx, input.host, by), shape: def.http! } : { mode: 'stdio' };
  const added = new Set<string>();
  const byFile = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const list = byFile.get(candidate.config.location.file) ?? [];
    list.push(candidate);
    byFile.set(candidate.config.location.file, list);
  }
  for (const [file, list] of byFile) {
    let backup: string;
    try {
      backup = protectFile(ctx, file, list, writing, added, by);
    } catch (error) {
      if (result.files.length === 0 && writing.mode === 'http' && writing.token.created) {
        ctx.tokens.revoke(writing.token.label, by);
        ctx.records.forgetHostToken(writing.token.label);
      }
      // Files finished before this one stay protected (their records are complete); say so.
      if (result.files.length === 0 || !(error instanceof Error)) throw error;
      error.message += ` (Already protected before this failure: ${result.files.map((f) => f.file).join(', ')}.)`;
      throw error;
    }
    result.files.push({ file, backup });
    for (const c of list) {
      const s = c.server;
      result.protected.push({
        file,
        key: c.entry.key,
        airlockName: c.airlockName,
        reused: c.reuse,
        secretEnvNames: s.kind === 'stdio' ? s.secretEnvNames : [],
        mode,
        transport: s.kind === 'stdio' ? 'stdio' : s.spec.transport,
        headerNames: s.kind === 'remote' ? s.spec.headerNames : [],
      });
    }
  }
  if (writing.mode === 'http') {
    result.ingress = { url: ingressUrl(writing.port, '<server>'), running: ingress.running, tokenLabel: writing.token.label, tokenCreated: writing.token.created };
  }
  return result;
}

function wrapperFor(ctx: HostsContext, writing: Writing, airlockName: string): WrapperEntry {
  if (writing.mode === 'http') {
    return { mode: 'http', url: ingressUrl(writing.port, airlockName), headers: { Authorization: `Bearer ${writing.token.token}` }, shape: writing.shape };
  }
  const launcher = ctx.launcher();
  return { mode: 'stdio', command: launcher.command, args: launchArgs(launcher, airlockName), env: launcher.env };
}

function describe(c: Candidate, writing: Writing): string {
  const via = writing.mode === 'http' ? `connects to Airlock's HTTP ingress (${ingressUrl(writing.port, c.airlockName)}, host token "${writing.token.label}")` : `launches airlock connect ${c.airlockName}`;
  const remote = c.server.kind === 'remote' ? `; Airlock reaches ${redactText(c.server.spec.url)} over ${c.server.spec.transport === 'sse' ? 'SSE' : 'Streamable HTTP'}` : '';
  return `now ${via}${remote}`;
}

/** Rewrites one file; returns the backup's path. */
function protectFile(ctx: HostsContext, file: string, list: Candidate[], writing: Writing, added: Set<string>, by: string): string {
  const config = list[0]!.config;
  const snapshot = config.snapshot!;
  let text = snapshot.text;
  const originals = new Map<Candidate, OriginalEntry>();
  for (const c of list) {
    const doc = parseDoc(file, c.config.location.format, text);
    originals.set(c, originalOf(doc, c.config.location, c.entry.key));
    text = wrapEntry(doc, c.config.location, c.entry.key, wrapperFor(ctx, writing, c.airlockName));
  }
  // The result must read back, in the host's own format, as the wrappers we meant to write.
  const check = parseDoc(file, config.location.format, text);
  for (const c of list) {
    const value = entryIn(check, c.config.location, c.entry.key);
    const classified = classifyEntry(value, c.config.location, ctx.env);
    if (classified.kind !== 'wrapper' || classified.airlockName !== c.airlockName || classified.mode !== writing.mode) {
      throw new Error(`internal error: the rewritten entry "${c.entry.key}" in ${file} does not read back as an Airlock wrapper; nothing was written`);
    }
  }

  const newlyAdded: string[] = [];
  const previous = ctx.records.get(file);
  const newIds: string[] = [];
  let backup: string | undefined;
  try {
    for (const c of list) {
      if (c.reuse || added.has(c.airlockName.toLowerCase())) continue;
      if (c.server.kind === 'stdio') ctx.core.addServer(c.airlockName, c.server.input, by);
      else ctx.core.addRemoteServer(c.airlockName, c.server.input, by);
      added.add(c.airlockName.toLowerCase());
      newlyAdded.push(c.airlockName);
    }
    const replacedKeys = new Set(list.map((c) => JSON.stringify([c.config.location.container, c.entry.key])));
    const kept = (previous?.entries ?? []).filter((e) => !replacedKeys.has(JSON.stringify([e.container, e.key])));
    let pristine: string | undefined;
    if (!previous || kept.length === 0) {
      pristine = ctx.records.savePristine(file, snapshot.text);
      newIds.push(pristine);
    } else if (previous.writtenHash === snapshot.hash) {
      pristine = previous.pristine;
    }
    const at = new Date().toISOString();
    const entries = [...kept];
    for (const c of list) {
      const id = ctx.records.saveOriginal(file, originals.get(c)!);
      newIds.push(id);
      entries.push({
        container: c.config.location.container,
        key: c.entry.key,
        airlockName: c.airlockName,
        ...(c.config.location.project !== undefined ? { project: c.config.location.project } : {}),
        original: id,
        at,
        mode: writing.mode,
        ...(writing.mode === 'http' ? { tokenLabel: writing.token.label } : {}),
      });
    }
    const record: FileRecord = { host: config.location.host, format: config.location.format, writtenHash: sha256(text), ...(pristine ? { pristine } : {}), entries };
    ctx.records.put(file, record);
    backup = writeBackup(snapshot);
    commitHostFile(snapshot, text, ctx.hooks);
    // Committed: the copies the new record replaced are no longer needed.
    const live = new Set([record.pristine, ...record.entries.map((e) => e.original)]);
    for (const old of [previous?.pristine, ...(previous?.entries ?? []).map((e) => e.original)]) if (old && !live.has(old)) ctx.records.forget(old);
  } catch (error) {
    ctx.records.put(file, previous);
    for (const id of newIds) ctx.records.forget(id);
    for (const name of newlyAdded) {
      ctx.core.removeServer(name, by);
      added.delete(name.toLowerCase());
    }
    if (backup) fs.rmSync(backup, { force: true });
    throw error;
  }
  for (const c of list) {
    ctx.core.record({ type: 'event', event: 'host-protected', server: c.airlockName, by, detail: `${hostById(c.config.location.host).name}: "${c.entry.key}" in ${file} ${describe(c, writing)}` });
  }
  return backup;
}
