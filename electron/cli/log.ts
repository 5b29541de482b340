import fs from 'node:fs';
import type { AuditRecord } from '../../shared/audit';
import { toVisibleText } from '../../shared/visible';
import { listSegments, readLines, segmentPath } from '../core/audit/segments';
import { verifyAuditLog } from '../core/audit/verify';
import { HistoryIndex } from '../core/history/index';
import { verifySummary } from '../core/history/verify-report';
import { acquireCoreLock, CoreAlreadyRunning } from '../core/lock';
import { defaultHome, pathsFor } from '../core/paths';
import { sendControl } from './control-client';
import { CliError } from './commands';

function short(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const visible = toVisibleText(text ?? '', { keepLayout: false });
  return visible.length > max ? `${visible.slice(0, max - 1)}…` : visible;
}

/** One readable line per record: what ran, against what, decided by whom, and what came of it. */
export function formatRecord(record: AuditRecord): string {
  const time = record.ts.replace('T', ' ').slice(0, 19);
  const head = `${time}  #${record.seq}`;
  switch (record.type) {
    case 'call': {
      const host = record.host.name === 'unknown' ? `session ${record.host.session}` : `${record.host.name}${record.host.version ? ` ${record.host.version}` : ''}`;
      const resources = record.resources.length ? `  ${record.resources.map((r) => `${r.kind}=${short(r.resolved, 50)}`).join(' ')}` : '';
      const verdict = `${record.decision.toUpperCase()} by ${record.decidedBy}${record.note ? ` (${short(record.note, 80)})` : ''}`;
      return `${head}  ${short(host, 30)} → ${record.server}  ${record.method} ${short(record.target, 40)}${resources}  ${verdict}`;
    }
    case 'result': {
      const summary = record.summary ? `  “${short(record.summary, 70)}”` : '';
      return `${head}    ↳ ${record.server} ${short(record.target, 40)}  ${record.outcome}  ${record.durationMs} ms${summary}`;
    }
    case 'event':
      return `${head}  ${record.event}${record.server ? ` ${record.server}` : ''}${record.by ? ` by ${record.by}` : ''}${record.detail ? `  ${short(record.detail, 90)}` : ''}`;
  }
}

function parse(text: string): AuditRecord | undefined {
  try {
    return JSON.parse(text) as AuditRecord;
  } catch {
    return undefined; // `--verify` names broken lines
  }
}

/** The last `n` records, reading whole segments from the newest back only as far as needed. */
function tail(dir: string, n: number): { records: AuditRecord[]; position: { segment: number; offset: number } } {
  const segments = listSegments(dir);
  const newest = segments.at(-1);
  const position = { segment: newest?.index ?? 1, offset: 0 };
  let collected: AuditRecord[] = [];
  for (let s = segments.length - 1; s >= 0; s--) {
    const state: { end?: number } = {};
    const ring: AuditRecord[] = [];
    for (const line of readLines(segments[s]!.file, 0, state)) {
      const record = parse(line.text);
      if (!record) continue;
      ring.push(record);
      if (ring.length > n) ring.shift();
    }
    if (s === segments.length - 1) position.offset = state.end ?? 0;
    collected = [...ring, ...collected].slice(-n);
    if (collected.length >= n) break;
  }
  return { records: collected, position };
}

export interface LogOptions {
  json: boolean;
  follow: boolean;
  verify: boolean;
  reindex: boolean;
  lines: number;
}

async function reindex(): Promise<void> {
  const paths = pathsFor(defaultHome());
  const reply = await sendControl(paths.socket, { command: 'reindex' });
  if (reply) {
    if (!reply.ok) throw new CliError(reply.error);
    process.stdout.write('The running core is rebuilding the history index from the log; the History screen shows its progress.\n');
    return;
  }
  // No core answers: rebuild here, holding the core's lock so none starts meanwhile.
  let release: () => void;
  try {
    release = acquireCoreLock(paths.lock);
  } catch (error) {
    if (error instanceof CoreAlreadyRunning) throw new CliError(`Airlock is running (pid ${error.pid}) but its socket does not answer; try again in a moment.`);
    throw error;
  }
  try {
    const started = Date.now();
    const index = new HistoryIndex({ auditDir: paths.auditDir });
    await index.open();
    await index.rebuild();
    const state = index.state();
    index.close();
    if (state.state === 'unavailable') throw new CliError(state.problem ?? 'the history index could not be rebuilt');
    process.stdout.write(`History index rebuilt from the log: ${state.indexedThrough} records in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  } finally {
    release();
  }
}

export async function showLog(options: LogOptions): Promise<void> {
  const dir = pathsFor(defaultHome()).auditDir;
  if (options.reindex) return reindex();
  if (options.verify) {
    const result = verifyAuditLog(dir);
    process.stdout.write(`${verifySummary(result)}\n`);
    for (const trim of result.trims) {
      process.stdout.write(`Trimmed: records #${trim.firstSeq}–#${trim.lastSeq} (${trim.segments.join(', ')}; ${trim.bytes} bytes): ${trim.reason}.\n`);
    }
    if (!result.ok) process.exitCode = 1;
    return;
  }
  const print = (record: AuditRecord) => process.stdout.write(`${options.json ? JSON.stringify(record) : formatRecord(record)}\n`);
  const { records, position } = tail(dir, options.lines);
  for (const record of records) print(record);
  if (!options.follow) return;
  // Follow by byte position: only what was appended since is read, whatever the log's size.
  setInterval(() => {
    for (;;) {
      const file = segmentPath(dir, position.segment);
      const state: { end?: number } = {};
      if (fs.existsSync(file)) {
        for (const line of readLines(file, position.offset, state)) {
          const record = parse(line.text);
          if (record) print(record);
        }
        if (state.end !== undefined) position.offset = state.end;
      }
      const next = listSegments(dir).find((s) => s.index > position.segment);
      if (!next) break;
      position.segment = next.index;
      position.offset = 0;
    }
  }, 300);
  await new Promise(() => {});
}
