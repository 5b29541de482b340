/**
 * Finding hosts, their config files and each server entry in them. Read-only: a scan never writes,
 * and a file that cannot be parsed is reported with its error, not guessed at.
 */
import path from 'node:path';
import type { HostId } from '../../../shared/hosts';
import { parseDoc, serversIn, type HostDoc } from './documents';
import { classifyEntry, type ClassifiedEntry } from './entries';
import { readHostFile, type HostFileSnapshot } from './host-file';
import { HOSTS } from './registry';
import type { ConfigLocation, HostDefinition, HostEnv } from './types';

export interface ScannedEntry {
  location: ConfigLocation;
  key: string;
  classified: ClassifiedEntry;
}

export interface ScannedConfig {
  location: ConfigLocation;
  exists: boolean;
  error?: string;
  snapshot?: HostFileSnapshot;
  doc?: HostDoc;
  entries: ScannedEntry[];
}

export interface ScannedHost {
  def: HostDefinition;
  installed: boolean;
  configs: ScannedConfig[];
}

export interface Scan {
  hosts: ScannedHost[];
  projects: string[];
}

type FileRead = { snapshot?: HostFileSnapshot; doc?: HostDoc; error?: string };

/** Project folders any host knows about, plus the ones asked for, normalised and de-duplicated. */
export function knownProjects(env: HostEnv, extra: readonly string[]): string[] {
  const all = new Set<string>();
  for (const def of HOSTS) for (const project of def.knownProjects?.(env) ?? []) all.add(project);
  for (const project of extra) all.add(project);
  return [...all].sort();
}

function readOnce(cache: Map<string, FileRead>, location: ConfigLocation): FileRead {
  let read = cache.get(location.file);
  if (!read) {
    try {
      const snapshot = readHostFile(location.file);
      read = snapshot ? { snapshot, doc: parseDoc(location.file, location.format, snapshot.text) } : {};
    } catch (error) {
      read = { error: (error as Error).message };
    }
    cache.set(location.file, read);
  }
  return read;
}

function scanLocation(env: HostEnv, cache: Map<string, FileRead>, location: ConfigLocation): ScannedConfig | undefined {
  const read = readOnce(cache, location);
  const optional = location.scope !== 'user' || location.onlyIfPresent;
  if (read.error) return { location, exists: true, error: read.error, entries: [] };
  if (!read.doc) return optional ? undefined : { location, exists: false, entries: [] };
  let servers: Record<string, unknown> | undefined;
  try {
    servers = serversIn(read.doc, location);
  } catch (error) {
    return { location, exists: true, error: (error as Error).message, snapshot: read.snapshot!, doc: read.doc, entries: [] };
  }
  // A project file of another tool, or a settings file without servers, is not worth listing.
  if (!servers && optional) return undefined;
  const entries = Object.entries(servers ?? {}).map(([key, value]) => ({ location, key, classified: classifyEntry(value, location, env) }));
  return { location, exists: true, snapshot: read.snapshot!, doc: read.doc, entries };
}

export function scanHosts(env: HostEnv, projects: readonly string[], only?: HostId): Scan {
  const cache = new Map<string, FileRead>();
  const hosts: ScannedHost[] = [];
  for (const def of HOSTS) {
    if (only && def.id !== only) continue;
    const configs = def
      .locations(env, projects)
      .map((location) => scanLocation(env, cache, location))
      .filter((config): config is ScannedConfig => config !== undefined);
    hosts.push({ def, installed: def.installed(env) || configs.some((c) => c.exists), configs });
  }
  return { hosts, projects: [...projects] };
}

/** `--project` as given on a command line: absolute, without a trailing separator. */
export function normaliseProject(dir: string, env: HostEnv): string {
  const p = env.platform === 'win32' ? path.win32 : path.posix;
  return p.resolve(dir);
}
