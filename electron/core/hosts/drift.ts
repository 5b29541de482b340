/**
 * Drift: what changed in the hosts' files behind Airlock's back. Two things raise an alert — a new
 * server a host would launch or connect to directly (one click protects it), and an Airlock wrapper
 * (`airlock connect` or the HTTP ingress) that was replaced by hand (one click wraps it again, in
 * the same mode). Alerts last while their cause does.
 *
 * "New" means not seen by an earlier watched scan; the set of seen entries is kept in the Airlock
 * home, so a server added while Airlock was not running is still reported when it starts. The very
 * first scan only learns what is there: existing servers show as unprotected in the hosts view.
 */
import { createHash } from 'node:crypto';
import type { HostAlert } from '../../../shared/hosts';
import { redactText } from '../../../shared/secrets';
import type { Scan, ScannedEntry } from './discover';
import type { FileRecord } from './records';

export function entryFingerprint(file: string, container: readonly string[], key: string): string {
  return JSON.stringify([file, container, key]);
}

function alertId(kind: string, fingerprint: string): string {
  return createHash('sha256').update(`${kind}\0${fingerprint}`).digest('hex').slice(0, 16);
}

export class DriftMonitor {
  private readonly active = new Map<string, HostAlert>();

  list(): HostAlert[] {
    return [...this.active.values()].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  }

  /**
   * Compares a scan with what was seen before and with Airlock's records. Returns the alerts that
   * are new; `seen` is updated in place (the caller persists it).
   */
  evaluate(scan: Scan, records: Record<string, FileRecord>, seen: Set<string> | undefined, learnOnly: boolean): { raised: HostAlert[]; seen: Set<string> } {
    const nextSeen = new Set(seen ?? []);
    const current = new Map<string, HostAlert>();
    const byPlace = new Map<string, { entry: ScannedEntry; hostName: string }>();
    for (const host of scan.hosts) {
      for (const config of host.configs) {
        for (const entry of config.entries) {
          const fp = entryFingerprint(config.location.file, config.location.container, entry.key);
          byPlace.set(fp, { entry, hostName: host.def.name });
          const known = nextSeen.has(fp);
          nextSeen.add(fp);
          const c = entry.classified;
          if ((c.kind === 'local' || c.kind === 'remote') && (!known || this.active.has(alertId('unprotected-server', fp))) && !learnOnly) {
            const how = c.kind === 'local' ? `launches "${entry.key}"` : `connects to "${entry.key}" (${redactText(c.url)})`;
            current.set(alertId('unprotected-server', fp), this.alert('unprotected-server', fp, entry, host.def.name, `${host.def.name} ${how} directly, not through Airlock (${config.location.file})`));
          }
        }
      }
    }
    for (const [file, record] of Object.entries(records)) {
      for (const e of record.entries) {
        const fp = entryFingerprint(file, e.container, e.key);
        const found = byPlace.get(fp);
        if (!found) continue; // deleted entries bypass nothing
        const c = found.entry.classified;
        if (c.kind === 'wrapper' && c.airlockName === e.airlockName) continue;
        const how = c.kind === 'remote' ? 'connects to it' : 'launches it';
        current.set(
          alertId('wrapper-removed', fp),
          this.alert('wrapper-removed', fp, found.entry, found.hostName, `Airlock's wrapper for "${e.key}" was removed from ${file}; ${found.hostName} now ${how} without Airlock`, e.mode),
        );
      }
    }
    const raised = [...current.values()].filter((a) => !this.active.has(a.id));
    this.active.clear();
    for (const [id, a] of current) this.active.set(id, a);
    return { raised, seen: nextSeen };
  }

  private alert(kind: HostAlert['kind'], fp: string, entry: ScannedEntry, hostName: string, message: string, mode?: 'stdio' | 'http'): HostAlert {
    const id = alertId(kind, fp);
    const previous = this.active.get(id);
    const project = entry.location.project;
    return {
      id,
      kind,
      host: entry.location.host,
      hostName,
      file: entry.location.file,
      server: entry.key,
      ...(project !== undefined ? { project } : {}),
      at: previous?.at ?? new Date().toISOString(),
      message,
      // Re-wrapping an entry protected over HTTP keeps it on HTTP.
      protect: { host: entry.location.host, servers: [entry.key], ...(project !== undefined ? { project } : {}), ...(mode === 'http' ? { mode } : {}) },
    };
  }
}
