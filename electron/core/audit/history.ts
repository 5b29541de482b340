import fs from 'node:fs';
import type { AuditRecord } from '../../../shared/audit';
import type { HistoryPage, ParsedInputOf } from '../../../shared/contract';
import { listSegments, splitLines } from './segments';

export type HistoryQuery = ParsedInputOf<'history'>;

export function matchesHistoryQuery(record: AuditRecord, query: HistoryQuery): boolean {
  if (query.server !== undefined && record.server !== query.server) return false;
  if (query.tool !== undefined && (record.type === 'event' || record.target !== query.tool)) return false;
  if (query.decision !== undefined && (record.type !== 'call' || record.decision !== query.decision)) return false;
  return true;
}

/** Newest-first page of audit records, read straight from the segments. */
export function readHistory(dir: string, query: HistoryQuery): HistoryPage {
  const records: AuditRecord[] = [];
  const segments = listSegments(dir);
  for (let s = segments.length - 1; s >= 0 && records.length <= query.limit; s--) {
    const { lines } = splitLines(fs.readFileSync(segments[s]!.file));
    for (let i = lines.length - 1; i >= 0 && records.length <= query.limit; i--) {
      let record: AuditRecord;
      try {
        record = JSON.parse(lines[i]!) as AuditRecord;
      } catch {
        continue;
      }
      if (query.beforeSeq !== undefined && record.seq >= query.beforeSeq) continue;
      if (matchesHistoryQuery(record, query)) records.push(record);
    }
  }
  const page = records.slice(0, query.limit);
  return records.length > query.limit ? { records: page, nextBeforeSeq: page.at(-1)!.seq } : { records: page };
}
