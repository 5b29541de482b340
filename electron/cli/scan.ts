import type { Finding } from '../../shared/types';
import { toVisibleText } from '../../shared/visible';
import { Integrity } from '../core/integrity';
import { defaultHome, pathsFor } from '../core/paths';
import { scanServer, type ScanReport } from '../core/pins/scan';
import { PinStore } from '../core/pins/store';
import { FileKeyProvider, SecretStore, secretStoreFile, serverSecretId } from '../core/secret-store';
import { SettingsStore } from '../core/settings';
import { StdioUpstream } from '../core/upstream/stdio';
import { CliError } from './commands';

const STATE_LABEL = { new: 'NEW', approved: 'approved', changed: 'CHANGED', renamed: 'RENAMED', rejected: 'rejected' } as const;

function describeFinding(finding: Finding): string {
  const where = finding.span ? `${finding.path}[${finding.span.start}..${finding.span.end}]` : finding.path;
  const decoded = finding.decoded ? ` (hidden text: “${toVisibleText(finding.decoded, { keepLayout: false })}”)` : '';
  return `${finding.severity.padEnd(4)}  ${finding.kind}  ${where}: ${toVisibleText(finding.message, { keepLayout: false })}${decoded}`;
}

function printReport(report: ScanReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const info = report.serverInfo as { name?: string; version?: string } | undefined;
  out(`Scanned "${report.server}"${info?.name ? ` — ${toVisibleText(String(info.name))} ${toVisibleText(String(info.version ?? ''))}` : ''}`);
  const width = Math.max(4, ...report.definitions.map((d) => toVisibleText(d.name).length));
  for (const d of report.definitions) {
    const high = d.findings.filter((f) => f.severity === 'high').length;
    const counts = d.findings.length ? `  ${d.findings.length} finding${d.findings.length === 1 ? '' : 's'}${high ? ` (${high} high)` : ''}` : '';
    const renamed = d.previousName ? ` from ${toVisibleText(d.previousName)}` : '';
    out(`  ${d.kind.padEnd(17)} ${toVisibleText(d.name).padEnd(width)}  ${STATE_LABEL[d.state]}${renamed}${counts}`);
    for (const finding of d.findings) out(`      ${describeFinding(finding)}`);
  }
  for (const skip of report.skipped) out(`  (${skip.method} skipped: ${skip.reason})`);
  const count = (state: string) => report.definitions.filter((d) => d.state === state).length;
  const highs = report.definitions.reduce((n, d) => n + d.findings.filter((f) => f.severity === 'high').length, 0);
  out(
    `${report.definitions.length} definitions: ${count('approved')} approved, ${count('new')} new, ${count('changed') + count('renamed')} changed, ${count('rejected')} rejected; ${highs} high finding${highs === 1 ? '' : 's'}.`,
  );
}

/** `airlock scan <name>`: the server runs alone; nothing reaches any host, and no pin changes. */
export async function scan(name: string, json: boolean): Promise<void> {
  const paths = pathsFor(defaultHome());
  const keys = new FileKeyProvider(paths.home);
  const integrity = new Integrity(keys);
  const settings = new SettingsStore(paths.settings, integrity);
  const record = settings.data.servers[name];
  if (!record) throw new CliError(`no server named "${name}" (see airlock ls)`);
  if (record.spec.transport !== 'stdio') throw new CliError(`"${name}" is a remote server; scan it from the running core once logged in`);
  const pins = new PinStore(paths.pins, integrity);
  if (pins.tamper) process.stderr.write(`Warning: ${pins.file} was edited outside Airlock; every definition counts as new.\n`);
  const secrets = new SecretStore(secretStoreFile(paths.home), keys);
  const otherServerTools = Object.entries(pins.data.servers)
    .filter(([server]) => server !== name)
    .flatMap(([, p]) => Object.values(p.approved).filter((pin) => pin.kind === 'tool').map((pin) => pin.name));

  const spec = record.spec;
  const report = await scanServer(record, {
    createUpstream: (_record, handlers) =>
      new StdioUpstream(spec, handlers, process.cwd(), (envName) => {
        const value = secrets.get(serverSecretId(name, envName));
        if (value === undefined) throw new Error(`the secret ${envName} of "${name}" is missing from Airlock's secret store`);
        return value;
      }),
    pins: pins.tamper ? undefined : pins.server(name),
    otherServerTools,
  });
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printReport(report);
  if (report.highest === 'high') process.exitCode = 1;
}
