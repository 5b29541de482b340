/**
 * What the list keeps per row: only what a row shows, so 100 000 loaded rows stay small. The
 * detail pane asks the core for the whole call (`historyEntry`) when one is opened.
 */
import type { AuditRecord } from '../../../shared/audit';
import type { CallOutcome, CallRecord, HistoryRow, ResultRecord } from '../../../shared/history';
import type { DecidedBy, GatedMethod, ServerRequestMethod } from '../../../shared/types';
import { outcomeOfCall } from './filters';

const PREVIEW_CHARS = 160;

export interface CallItem {
  kind: 'call';
  seq: number;
  ts: string;
  callId: string;
  host: string;
  server: string;
  method: GatedMethod | ServerRequestMethod;
  target: string;
  /** The first resource touched (resolved), else a one-line preview of the parameters. */
  preview: string;
  decision: 'allow' | 'deny';
  decidedBy: DecidedBy;
  outcome: CallOutcome;
  durationMs?: number;
}

export interface RecordItem {
  kind: 'record';
  seq: number;
  ts: string;
  /** The full record (the log view is for reading every kind of line; it stays short in practice). */
  record: AuditRecord;
}

export type HistoryItem = CallItem | RecordItem;

function previewOf(call: CallRecord): string {
  const resource = call.resources[0];
  if (resource) return resource.resolved + (call.resources.length > 1 ? `  +${call.resources.length - 1}` : '');
  if (call.params === undefined || call.params === null) return '';
  const text = typeof call.params === 'string' ? call.params : JSON.stringify(call.params);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

export function callItem(call: CallRecord, outcome: CallOutcome, result?: ResultRecord): CallItem {
  return {
    kind: 'call',
    seq: call.seq,
    ts: call.ts,
    callId: call.call,
    host: call.host.name,
    server: call.server,
    method: call.method,
    target: call.target,
    preview: previewOf(call),
    decision: call.decision,
    decidedBy: call.decidedBy,
    outcome,
    ...(result ? { durationMs: result.durationMs } : {}),
  };
}

export function itemOfRow(row: HistoryRow): CallItem {
  return callItem(row.call, row.outcome, row.result);
}

export function itemOfRecord(record: AuditRecord): RecordItem {
  return { kind: 'record', seq: record.seq, ts: record.ts, record };
}

/** A call item as a live call record first shows it. */
export function itemOfLiveCall(call: CallRecord): CallItem {
  return callItem(call, outcomeOfCall(call));
}

/** A call item once its result arrived. */
export function withResult(item: CallItem, result: ResultRecord): CallItem {
  return { ...item, outcome: result.outcome, durationMs: result.durationMs };
}

/**
 * Newest first, each seq once. `incoming` may hold rows already present (a page overlapping live
 * arrivals); the later copy wins, since it knows more (a joined result).
 */
export function mergeNewestFirst(current: readonly HistoryItem[], incoming: readonly HistoryItem[]): HistoryItem[] {
  if (incoming.length === 0) return current as HistoryItem[];
  const bySeq = new Map<number, HistoryItem>();
  for (const item of current) bySeq.set(item.seq, item);
  for (const item of incoming) bySeq.set(item.seq, item);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq);
}

/** Appends an older page: only rows older than everything loaded (a cheap concat, no re-sort). */
export function appendOlder(current: readonly HistoryItem[], older: readonly HistoryItem[]): HistoryItem[] {
  const oldest = current.length > 0 ? current[current.length - 1]!.seq : Number.POSITIVE_INFINITY;
  const fresh = older.filter((item) => item.seq < oldest);
  return fresh.length === 0 ? (current as HistoryItem[]) : current.concat(fresh);
}

/** Inserts live items (newer than most of the list) keeping newest-first order. */
export function insertLive(current: readonly HistoryItem[], item: HistoryItem): HistoryItem[] {
  let at = 0;
  while (at < current.length && current[at]!.seq > item.seq) at++;
  if (current[at]?.seq === item.seq) {
    const copy = current.slice();
    copy[at] = item;
    return copy;
  }
  return [...current.slice(0, at), item, ...current.slice(at)];
}
