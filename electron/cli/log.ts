import fs from 'node:fs';
import path from 'node:path';
import type { AuditRecord } from '../../shared/audit';
import { toVisibleText } from '../../shared/visible';
import { listSegments, splitLines } from '../core/audit/segments';
import { verifyAuditLog } from '../core/audit/verify';
import { defaultHome, pathsFor } from '../core/paths';

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

function readAll(dir: string): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const segment of listSegments(dir)) {
    for (const line of splitLines(fs.readFileSync(segment.file)).lines) {
      try {
        records.push(JSON.parse(line) as AuditRecord);
      } catch {
        /* verify reports broken lines */
      }
    }
  }
  return records;
}

export interface LogOptions {
  json: boolean;
  follow: boolean;
  verify: boolean;
  lines: number;
}

export async function showLog(options: LogOptions): Promise<void> {
  const dir = pathsFor(defaultHome()).auditDir;
  if (options.verify) {
    const result = verifyAuditLog(dir);
    if (result.ok) {
      process.stdout.write(`Audit log intact: ${result.records} records in ${result.segments} segment(s), chain verified${result.lastSeq !== undefined ? ` through #${result.lastSeq}` : ''}.\n`);
      if (result.tornTail) process.stdout.write(`Note: ${path.basename(result.tornTail.file)} ends with an incomplete line (${result.tornTail.bytes} bytes); Airlock quarantines it at the next start.\n`);
    } else {
      const p = result.problem!;
      process.stdout.write(`Audit log BROKEN at ${p.seq !== undefined ? `record #${p.seq}` : 'a record'} (${p.file}, line ${p.line}): ${p.reason}.\nThe ${result.records} records before it verify.\n`);
      process.exitCode = 1;
    }
    return;
  }
  const print = (record: AuditRecord) => process.stdout.write(`${options.json ? JSON.stringify(record) : formatRecord(record)}\n`);
  const records = readAll(dir);
  for (const record of records.slice(-options.lines)) print(record);
  if (!options.follow) return;
  let lastSeq = records.at(-1)?.seq ?? 0;
  setInterval(() => {
    for (const record of readAll(dir)) {
      if (record.seq > lastSeq) {
        print(record);
        lastSeq = record.seq;
      }
    }
  }, 300);
  await new Promise(() => {});
}
