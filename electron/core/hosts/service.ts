/**
 * Host integration as the core offers it: the hosts view, protect / unprotect / remove --from-hosts,
 * and drift watching. Host files are the hosts' property; everything here either only reads them
 * or changes exactly the entries asked for (see protect.ts and unprotect.ts).
 */
import os from 'node:os';
import { ApiFailure, type CoreApi } from '../../../shared/contract';
import type { HostAlert, HostConfigView, HostEntryView, HostId, HostsView, ProtectHostResult, UnprotectHostResult } from '../../../shared/hosts';
import { redactText } from '../../../shared/secrets';
import type { EventName, EventPayload } from '../../../shared/contract';
import { createHostToken, revokeHostToken } from '../ingress/admin';
import { HostTokenStore } from '../ingress/host-tokens';
import { ingressPort } from '../ingress/start';
import type { KeyProvider } from '../secret-store';
import type { HostsContext, HostsCoreServices } from './context';
import { DriftMonitor } from './drift';
import { knownProjects, normaliseProject, scanHosts, type Scan, type ScannedConfig } from './discover';
import { airlockNameFor } from './entries';
import { HostFileChanged, HostsRequestError, MalformedHostFile } from './errors';
import type { CommitHooks } from './host-file';
import { defaultLauncher, type Launcher } from './launcher';
import { protectHost, type ProtectInput } from './protect';
import { ProtectionRecords } from './records';
import { HOSTS } from './registry';
import { releaseTokens } from './host-token';
import { withoutIngressLoop } from './remote-entries';
import { restoreInFile, tokenLabelsOf, unprotectHost, type UnprotectInput } from './unprotect';
import { HostFileWatcher, type WatchOptions } from './watcher';
import type { HostEnv } from './types';

export interface HostsOptions {
  /** Where hosts keep their files (default: this user's real home and environment). */
  env?: HostEnv;
  /** What protected entries launch (default: this Node and the built CLI); a function is resolved on first protect. */
  launcher?: Launcher | (() => Launcher);
  hooks?: CommitHooks;
  /** The port `--http` entries name while no ingress runs in this process (default: AIRLOCK_INGRESS_PORT, else 53980). */
  ingressPort?: number;
}

export interface HostsServiceDeps extends HostsCoreServices {
  readonly paths: { home: string };
  readonly events: { emit<E extends EventName>(event: E, payload: EventPayload<E>): void };
}

export interface RemoveFromHostsResult {
  restored: UnprotectHostResult['restored'];
  skipped: UnprotectHostResult['skipped'];
  files: UnprotectHostResult['files'];
  /** Wrappers naming the server that Airlock did not write (hand-made); they now name a missing server. */
  stray: Array<{ host: HostId; file: string; key: string }>;
  revokedTokens?: string[];
}

export function defaultHostEnv(): HostEnv {
  return { home: os.homedir(), platform: process.platform, env: { ...process.env } };
}

export class HostsService {
  readonly env: HostEnv;
  private readonly ctx: HostsContext;
  private readonly drift = new DriftMonitor();
  private watcher: HostFileWatcher | undefined;
  /** The port of the HTTP ingress running in this process, while it runs. */
  private ingressRunning: number | undefined;

  constructor(
    private readonly deps: HostsServiceDeps,
    keyProvider: KeyProvider,
    options: HostsOptions = {},
  ) {
    this.env = options.env ?? defaultHostEnv();
    const resolveLauncher = typeof options.launcher === 'function' ? options.launcher : () => defaultLauncher(deps.paths.home);
    let launcher = typeof options.launcher === 'function' ? undefined : options.launcher;
    this.ctx = {
      core: deps,
      env: this.env,
      launcher: () => (launcher ??= resolveLauncher()),
      records: new ProtectionRecords(deps.paths.home, keyProvider),
      hooks: options.hooks ?? {},
      tokens: {
        labels: () => new HostTokenStore(deps.paths.home).list().map((t) => t.label),
        create: (label, by) => createHostToken(deps, label, by).token,
        revoke: (label, by) => revokeHostToken(deps, label, by),
        verify: (token) => new HostTokenStore(deps.paths.home).verify(token),
      },
      ingress: () =>
        this.ingressRunning !== undefined ? { port: this.ingressRunning, running: true } : { port: options.ingressPort ?? ingressPort(undefined), running: false },
    };
  }

  /** The ingress tells where it listens (undefined once closed), so `--http` entries name the port hosts can reach. */
  ingressListening(port: number | undefined): void {
    this.ingressRunning = port;
  }

  private projectsFor(extra: readonly string[]): string[] {
    const fromRecords = Object.values(this.ctx.records.all()).flatMap((r) => r.entries.map((e) => e.project).filter((p): p is string => p !== undefined));
    return knownProjects(this.env, [...fromRecords, ...extra.map((p) => normaliseProject(p, this.env))]);
  }

  private scan(extra: readonly string[] = []): Scan {
    const scan = scanHosts(this.env, this.projectsFor(extra));
    // As protect sees it: an entry naming Airlock's own ingress (without a token) is not a server to import.
    const port = this.ctx.ingress().port;
    for (const host of scan.hosts) for (const config of host.configs) for (const entry of config.entries) entry.classified = withoutIngressLoop(entry.classified, port);
    return scan;
  }

  view(extra: readonly string[] = []): HostsView {
    const scan = this.scan(extra);
    if (this.watcher) this.checkDrift(scan);
    const records = this.ctx.records.all();
    return {
      hosts: scan.hosts.map((h) => ({ id: h.def.id, name: h.def.name, installed: h.installed, configs: h.configs.map((c) => configView(c, records)) })),
      alerts: this.drift.list(),
      projects: scan.projects,
    };
  }

  protect(input: ProtectInput, by: string): ProtectHostResult {
    const project = input.project !== undefined ? normaliseProject(input.project, this.env) : undefined;
    const result = protectHost(this.ctx, { ...input, ...(project !== undefined ? { project } : {}) }, by);
    this.changed();
    return result;
  }

  unprotect(input: UnprotectInput, by: string): UnprotectHostResult {
    const project = input.project !== undefined ? normaliseProject(input.project, this.env) : undefined;
    const result = unprotectHost(this.ctx, { ...input, ...(project !== undefined ? { project } : {}) }, by);
    this.changed();
    return result;
  }

  /** Unwraps every host entry that launches `server`, then removes the server from Airlock. */
  removeFromHosts(server: string, by: string): RemoveFromHostsResult {
    const exists = Object.values(this.deps.settings.data.servers).some((s) => s.name === server);
    if (!exists) throw new HostsRequestError(`no server named "${server}"`);
    const result: RemoveFromHostsResult = { restored: [], skipped: [], files: [], stray: [] };
    const labels: string[] = [];
    for (const [file, record] of Object.entries(this.ctx.records.all())) {
      const selected = record.entries.filter((e) => e.airlockName === server);
      if (selected.length) labels.push(...tokenLabelsOf(restoreInFile(this.ctx, file, record, selected, by, result)));
    }
    const revoked = releaseTokens(this.ctx, labels, by);
    if (revoked.length) result.revokedTokens = revoked;
    for (const host of this.scan().hosts) {
      for (const config of host.configs) {
        for (const entry of config.entries) {
          if (entry.classified.kind === 'wrapper' && entry.classified.airlockName === server) result.stray.push({ host: host.def.id, file: config.location.file, key: entry.key });
        }
      }
    }
    this.deps.removeServer(server, by);
    this.changed();
    return result;
  }

  /** Starts drift detection (the running core only; an offline CLI never watches). */
  startWatching(options: WatchOptions = {}): void {
    if (this.watcher) return;
    this.watcher = new HostFileWatcher(() => this.rescan(), { debounceMs: options.debounceMs ?? 500, rescanMs: options.rescanMs ?? 30_000 });
    this.rescan();
  }

  stopWatching(): void {
    this.watcher?.stop();
    this.watcher = undefined;
  }

  alerts(): HostAlert[] {
    return this.drift.list();
  }

  private rescan(): void {
    if (!this.watcher) return;
    try {
      const scan = this.scan();
      this.watcher.track(allLocationFiles(this.env, scan.projects));
      if (this.checkDrift(scan)) this.deps.events.emit('hostsChanged', this.view());
    } catch {
      /* a damaged records file is reported by the hosts view; watching goes on */
    }
  }

  /** Raises new alerts (event + audit line); true when the alert list changed. */
  private checkDrift(scan: Scan): boolean {
    const before = this.drift.list().map((a) => a.id).join();
    const seen = this.ctx.records.seen();
    const { raised, seen: next } = this.drift.evaluate(scan, this.ctx.records.all(), seen, seen === undefined);
    if (seen === undefined || next.size !== seen.size || [...next].some((fp) => !seen.has(fp))) this.ctx.records.saveSeen(next);
    for (const alert of raised) {
      this.deps.events.emit('hostAlert', alert);
      this.deps.record({ type: 'event', event: 'host-alert', by: 'airlock', detail: redactText(alert.message) });
    }
    return before !== this.drift.list().map((a) => a.id).join();
  }

  private changed(): void {
    this.deps.events.emit('hostsChanged', this.view());
  }

  /** The contract operations, with failures mapped to the contract's error codes. */
  contractApi(): Pick<CoreApi, 'hosts' | 'protectHost' | 'unprotectHost'> {
    return {
      hosts: ({ project }) => guard(() => this.view(project ? [project] : [])),
      protectHost: (input) => guard(() => this.protect(input, 'person')),
      unprotectHost: (input) => guard(() => this.unprotect(input, 'person')),
    };
  }
}

function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof HostsRequestError) throw new ApiFailure(error.code, error.message);
    if (error instanceof MalformedHostFile || error instanceof HostFileChanged) throw new ApiFailure('conflict', error.message);
    throw error;
  }
}

/** Every file any host might use, existing or not, so a file that appears is noticed at once where its folder exists. */
function allLocationFiles(env: HostEnv, projects: readonly string[]): string[] {
  return HOSTS.flatMap((def) => def.locations(env, projects).map((l) => l.file));
}

function entryView(c: ScannedConfig['entries'][number], restorable: boolean): HostEntryView {
  const k = c.classified;
  switch (k.kind) {
    case 'wrapper':
      return k.mode === 'http'
        ? { key: c.key, state: 'protected', mode: 'http', transport: 'http', airlockName: k.airlockName, url: redactText(k.url), restorable }
        : { key: c.key, state: 'protected', mode: 'stdio', transport: 'stdio', airlockName: k.airlockName, command: k.command, args: k.args, ...(k.envNames ? { envNames: k.envNames } : {}), restorable };
    case 'remote':
      return { key: c.key, state: 'unprotected', transport: k.transport, airlockName: airlockNameFor(c.key), url: redactText(k.url), headerNames: k.headerNames };
    case 'local':
      return { key: c.key, state: 'unprotected', transport: 'stdio', airlockName: airlockNameFor(c.key), command: k.launch.command, args: k.launch.args, envNames: Object.keys(k.launch.env) };
    case 'unsupported':
      return {
        key: c.key,
        state: 'unsupported',
        transport: k.transport ?? 'stdio',
        reason: k.reason,
        ...(k.command !== undefined ? { command: k.command } : {}),
        ...(k.args ? { args: k.args } : {}),
        ...(k.envNames ? { envNames: k.envNames } : {}),
        ...(k.url !== undefined ? { url: redactText(k.url) } : {}),
      };
  }
}

function configView(c: ScannedConfig, records: ReturnType<ProtectionRecords['all']>): HostConfigView {
  const record = records[c.location.file];
  const restorable = (key: string) => Boolean(record?.entries.some((e) => e.key === key && JSON.stringify(e.container) === JSON.stringify(c.location.container)));
  return {
    file: c.location.file,
    where: c.location.where,
    scope: c.location.scope,
    ...(c.location.project !== undefined ? { project: c.location.project } : {}),
    format: c.location.format,
    exists: c.exists,
    ...(c.error ? { error: c.error } : {}),
    entries: c.entries.map((e) => entryView(e, restorable(e.key))),
  };
}
