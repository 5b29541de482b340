import { stringify } from 'csv-stringify/sync';
import type { HistoryFilter, HistoryRow } from '../../../shared/history';
import { redact, redactText } from '../../../shared/secrets';
import type { HistoryIndex } from './index';
import { iterateCalls } from './query';

export type ExportFormat = 'jsonl' | 'csv';

export const CSV_COLUMNS = [
  'seq',
  'time',
  'host',
  'host_version',
  'session',
  'server',
  'method',
  'tool',
  'resources',
  'decision',
  'decided_by',
  'note',
  'outcome',
  'duration_ms',
  'bytes',
  'error_code',
  'summary',
  'params',
  'call_id',
  'request_hash',
  'record_hash',
] as const;

/**
 * Records were redacted when written; exports redact again, so a line written before a secret
 * pattern was known (or edited into the log) still leaves without it.
 */
function scrub(row: HistoryRow): HistoryRow {
  const call = {
    ...row.call,
    params: redact(row.call.params),
    ...(row.call.note !== undefined ? { note: redactText(row.call.note) } : {}),
    resources: row.call.resources.map((r) => ({ ...r, raw: redactText(r.raw), resolved: redactText(r.resolved) })),
  };
  const result = row.result ? { ...row.result, ...(row.result.summary !== undefined ? { summary: redactText(row.result.summary) } : {}) } : undefined;
  return { ...row, call, ...(result ? { result } : {}) };
}

/** One JSON line per call: both records exactly as logged (hashes intact), plus the joined outcome. */
export function jsonlLine(row: HistoryRow): string {
  const clean = scrub(row);
  return `${JSON.stringify({ seq: clean.seq, outcome: clean.outcome, call: clean.call, ...(clean.result ? { result: clean.result } : {}) })}\n`;
}

function csvCells(row: HistoryRow): Array<string | number> {
  const { call, result } = scrub(row);
  return [
    call.seq,
    call.ts,
    call.host.name,
    call.host.version,
    call.host.session,
    call.server,
    call.method,
    call.target,
    call.resources.map((r) => `${r.kind}:${r.resolved}`).join(' '),
    call.decision,
    call.decidedBy,
    call.note ?? '',
    row.outcome,
    result?.durationMs ?? '',
    result?.bytes ?? '',
    result?.errorCode ?? '',
    result?.summary ?? '',
    JSON.stringify(call.params ?? null),
    call.call,
    call.request,
    call.hash,
  ];
}

/**
 * CSV per RFC 4180 (csv-stringify). Cells that a spreadsheet would run as a formula (=, +, -, @,
 * tab, CR) are escaped: tool names and parameters come from agents and servers.
 */
export function csvHeader(): string {
  return stringify([[...CSV_COLUMNS]], { escape_formulas: true });
}

export function csvLines(rows: HistoryRow[]): string {
  return stringify(rows.map(csvCells), { escape_formulas: true });
}

export function exportFilename(format: ExportFormat, now = new Date()): string {
  return `airlock-history-${now.toISOString().replace(/[:.]/g, '-').slice(0, 19)}.${format}`;
}

export function mimeTypeOf(format: ExportFormat): string {
  return format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
}

/**
 * Writes the filtered view, newest first, chunk by chunk. `write` may return a promise
 * (backpressure); the loop also yields to the event loop between batches.
 */
export async function writeExport(
  index: HistoryIndex,
  auditDir: string,
  filter: HistoryFilter,
  format: ExportFormat,
  write: (chunk: string) => void | Promise<void>,
  maxRows = Number.POSITIVE_INFINITY,
): Promise<{ rows: number; truncated: boolean }> {
  let rows = 0;
  if (format === 'csv') await write(csvHeader());
  for (const batch of iterateCalls(index, auditDir, filter)) {
    const take = batch.slice(0, Math.max(0, maxRows - rows));
    if (take.length > 0) await write(format === 'csv' ? csvLines(take) : take.map(jsonlLine).join(''));
    rows += take.length;
    if (take.length < batch.length) return { rows, truncated: true };
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { rows, truncated: false };
}
