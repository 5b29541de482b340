/**
 * `airlock hosts`, `airlock protect`, `airlock unprotect` and `airlock remove --from-hosts`. They run
 * on the running core when there is one (it owns settings and the secret store), else on an
 * offline core; either way the host files are changed by the same code.
 */
import path from 'node:path';
import { HOST_IDS, type HostEntryView, type HostId, type HostsView, type ProtectHostResult, type UnprotectHostResult } from '../../shared/hosts';
import { toVisibleText } from '../../shared/visible';
import type { RemoveFromHostsResult } from '../core/hosts/service';
import { CliError, viaCoreOrOffline } from './commands';

const ALIASES: Record<string, HostId> = {
  claude: 'claude-desktop',
  gemini: 'gemini-cli',
  code: 'vscode',
  'vs-code': 'vscode',
  insiders: 'vscode-insiders',
  'code-insiders': 'vscode-insiders',
};

export function parseHost(value: string): HostId {
  const id = value.toLowerCase();
  if ((HOST_IDS as readonly string[]).includes(id)) return id as HostId;
  const alias = ALIASES[id];
  if (alias) return alias;
  throw new CliError(`unknown host "${value}"; use one of: ${HOST_IDS.join(', ')}`);
}

/** Project folders are resolved here, against the folder the command was typed in. */
function projectOption(dir: string | undefined): { project?: string } {
  return dir === undefined ? {} : { project: path.resolve(dir) };
}

const show = (s: string) => toVisibleText(s);

function stateText(entry: HostEntryView): string {
  switch (entry.state) {
    case 'protected': {
      const via = entry.mode === 'http' ? `${show(entry.url ?? '?')} (Airlock's HTTP ingress)` : `airlock connect ${show(entry.airlockName ?? '?')}`;
      return `protected → ${via}${entry.restorable ? '' : ' (not set up by protect; unprotect cannot restore it)'}`;
    }
    case 'unprotected':
      if (entry.url !== undefined) return `NOT protected: remote (${entry.transport}) ${show(entry.url)}${entry.headerNames?.length ? ` with headers ${entry.headerNames.map(show).join(', ')}` : ''}`;
      return `NOT protected: ${show([entry.command ?? '', ...(entry.args ?? [])].join(' '))}`;
    case 'remote':
      return `remote (${entry.transport}${entry.url ? ` ${show(entry.url)}` : ''})`;
    case 'unsupported':
      return `left as is: ${entry.reason ?? ''}`;
  }
}

export async function listHosts(options: { json?: boolean; project?: string }): Promise<void> {
  const input = projectOption(options.project);
  const view = (await viaCoreOrOffline({ command: 'hosts', op: { op: 'list', input } }, (core) => core.hosts.view(input.project ? [input.project] : []))) as HostsView;
  if (options.json) {
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return;
  }
  const missing: string[] = [];
  for (const host of view.hosts) {
    if (!host.installed) {
      missing.push(host.name);
      continue;
    }
    process.stdout.write(`${host.name} (${host.id})\n`);
    for (const config of host.configs) {
      const scope = config.scope === 'user' ? '' : ` [${config.scope}${config.project ? ` ${config.project}` : ''}]`;
      process.stdout.write(`  ${config.file} → ${config.where}${scope}\n`);
      if (config.error) process.stdout.write(`    cannot read: ${config.error}\n`);
      else if (!config.exists) process.stdout.write('    (no file yet)\n');
      else if (config.entries.length === 0) process.stdout.write('    (no servers)\n');
      const width = Math.max(0, ...config.entries.map((e) => show(e.key).length));
      for (const entry of config.entries) process.stdout.write(`    ${show(entry.key).padEnd(width)}  ${stateText(entry)}\n`);
    }
  }
  if (missing.length) process.stdout.write(`Not found on this machine: ${missing.join(', ')}\n`);
  for (const alert of view.alerts) process.stdout.write(`Alert: ${show(alert.message)}\n`);
  const open = view.hosts.filter((h) => h.configs.some((c) => c.entries.some((e) => e.state === 'unprotected')));
  if (open.length) process.stdout.write(`Protect with: ${open.map((h) => `airlock protect ${h.id}`).join(', ')}\n`);
}

/** `--as NAME` (with one --server) or `--as KEY=NAME` (repeatable). */
function parseAs(values: string[], servers: string[] | undefined): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const as: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq > 0) as[value.slice(0, eq)] = value.slice(eq + 1);
    else if (servers?.length === 1) as[servers[0]!] = value;
    else throw new CliError('--as NAME needs exactly one --server; for several, use --as KEY=NAME');
  }
  return as;
}

export async function protect(hostArg: string, options: { server?: string[]; project?: string; as?: string[]; http?: boolean }): Promise<void> {
  const host = parseHost(hostArg);
  const as = parseAs(options.as ?? [], options.server);
  const input = {
    host,
    ...(options.server ? { servers: options.server } : {}),
    ...projectOption(options.project),
    ...(as ? { as } : {}),
    ...(options.http ? { mode: 'http' as const } : {}),
  };
  const result = (await viaCoreOrOffline({ command: 'hosts', op: { op: 'protect', input } }, (core) => core.hosts.protect(input, 'cli'))) as ProtectHostResult;
  if (result.collisions.length) {
    const lines = result.collisions.map((c) => `  ${c.message}\n    airlock protect ${host} --server ${quote(c.key)} --as ${c.suggestion}`);
    throw new CliError(`nothing was changed: some names are already taken by different servers.\n${lines.join('\n')}`);
  }
  report(result, options.http ? 'http' : 'stdio');
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function report(result: ProtectHostResult, mode: 'stdio' | 'http'): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const ingress = result.ingress;
  for (const file of result.files) {
    out(`Rewrote ${file.file} (backup: ${file.backup})`);
    for (const p of result.protected.filter((x) => x.file === file.file)) {
      const what = p.transport === 'stdio' ? '' : `remote ${p.transport === 'sse' ? 'SSE' : 'Streamable HTTP'} server `;
      const notes = [
        p.reused ? `same ${what}server already in Airlock, reused` : `${what}added to Airlock`,
        ...(p.secretEnvNames.length ? [`${p.secretEnvNames.join(', ')} moved to Airlock's secret store`] : []),
        ...(p.headerNames.length ? [`header ${p.headerNames.map(show).join(', ')} moved to Airlock's secret store`] : []),
      ];
      const via = p.mode === 'http' && ingress ? ingress.url.replace('<server>', p.airlockName) : `airlock connect ${p.airlockName}`;
      out(`  ${show(p.key)} → ${via} (${notes.join('; ')})`);
    }
  }
  if (result.alreadyProtected.length) {
    const other = result.alreadyProtected.filter((a) => a.mode !== mode);
    out(`Already protected: ${result.alreadyProtected.map((a) => show(a.key)).join(', ')}`);
    if (other.length) out(`  (${other.map((a) => show(a.key)).join(', ')} go${other.length === 1 ? 'es' : ''} through ${mode === 'http' ? '`airlock connect`' : 'the HTTP ingress'}; to switch, unprotect first, then protect${mode === 'http' ? ' --http' : ''})`);
  }
  for (const s of result.skipped) out(`Left as is: ${show(s.key)} in ${s.file}: ${s.reason}`);
  if (result.protected.length === 0) {
    out('Nothing was changed.');
    return;
  }
  if (ingress) {
    out(
      `The host file now holds a secret: the host token "${ingress.tokenLabel}"${ingress.tokenCreated ? ' (created now)' : ''}, in each entry's Authorization header. ` +
        'The host needs it to connect to Airlock over HTTP; it approves nothing (every call still stops at Airlock), but anyone who can read the file can connect as this host. ' +
        `Revoke it with \`airlock token revoke ${ingress.tokenLabel}\`; unprotect revokes it once no entry uses it. (Without --http, the host file keeps no secret.)`,
    );
    if (!ingress.running) out(`Airlock's HTTP ingress is not listening right now; the host connects once Airlock runs (the app, or \`airlock serve\`) on ${ingress.url.replace('/mcp/<server>', '')}.`);
  } else {
    out("The host file keeps no secret: it launches `airlock connect`, and Airlock holds the servers' secrets (env values, headers) encrypted.");
  }
  const logins = result.protected.filter((p) => p.transport !== 'stdio' && !p.reused && !p.headerNames.some((h) => h.toLowerCase() === 'authorization'));
  if (logins.length) out(`If a remote server asks for a login, Airlock logs in (not the host): ${[...new Set(logins.map((p) => `airlock login ${p.airlockName}`))].join(', ')}`);
  out('Restart the host (or reload its MCP servers) for the change to take effect.');
}

export async function unprotect(hostArg: string, options: { server?: string[]; project?: string }): Promise<void> {
  const host = parseHost(hostArg);
  const input = { host, ...(options.server ? { servers: options.server } : {}), ...projectOption(options.project) };
  const result = (await viaCoreOrOffline({ command: 'hosts', op: { op: 'unprotect', input } }, (core) => core.hosts.unprotect(input, 'cli'))) as UnprotectHostResult;
  reportRestore(result);
  if (result.restored.length === 0 && result.skipped.length === 0) process.stdout.write(`Airlock has not wrapped any ${host} server${input.project ? ` for ${input.project}` : ''}; nothing to restore.\n`);
}

function reportRestore(result: Pick<UnprotectHostResult, 'restored' | 'skipped' | 'files' | 'revokedTokens'>): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  for (const file of result.files) {
    out(`Restored ${file.file}${file.exact ? ' to exactly what it was before Airlock' : ' (Airlock entries only; other changes kept)'} (backup: ${file.backup})`);
    for (const r of result.restored.filter((x) => x.file === file.file)) out(`  ${show(r.key)} is its original entry again`);
  }
  for (const s of result.skipped) out(`Not restored: ${show(s.key)} in ${s.file}: ${s.reason}`);
  for (const label of result.revokedTokens ?? []) out(`Revoked the host token "${label}": no protected entry uses it any more.`);
}

export async function removeFromHosts(name: string): Promise<void> {
  const result = (await viaCoreOrOffline({ command: 'hosts', op: { op: 'remove', server: name } }, (core) => core.hosts.removeFromHosts(name, 'cli'))) as RemoveFromHostsResult;
  reportRestore(result);
  for (const s of result.stray) process.stdout.write(`Still launches airlock connect ${name} (not set up by protect; edit it by hand): "${show(s.key)}" in ${s.file}\n`);
  process.stdout.write(`Removed "${name}".\n`);
}
