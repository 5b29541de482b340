/**
 * What the History screen narrows by, as the person edits it, and its translation into the
 * contract's `HistoryFilter`. Pure: no React, no store, so it is tested on its own.
 */
import type { AuditRecord } from '../../../shared/audit';
import { DECIDED_BY, OUTCOMES, type CallOutcome, type CallRecord, type HistoryFilter } from '../../../shared/history';
import type { DecidedBy } from '../../../shared/types';

export type HistoryView = 'calls' | 'records';

export const TIME_PRESETS = ['any', '1h', '24h', '7d', '30d', 'custom'] as const;
export type TimePreset = (typeof TIME_PRESETS)[number];

export const TIME_PRESET_LABEL: Record<TimePreset, string> = {
  any: 'any time',
  '1h': 'last hour',
  '24h': 'last 24 hours',
  '7d': 'last 7 days',
  '30d': 'last 30 days',
  custom: 'between…',
};

const PRESET_MS: Record<Exclude<TimePreset, 'any' | 'custom'>, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export interface HistoryFilters {
  view: HistoryView;
  /** Free text: every word must occur, the last also as a prefix (see shared/history.ts). */
  text: string;
  /** Exact names (the index matches them exactly). */
  server: string;
  tool: string;
  host: string;
  decision: '' | 'allow' | 'deny';
  decidedBy: '' | DecidedBy;
  outcome: '' | CallOutcome;
  time: TimePreset;
  /** `custom` bounds, as a `datetime-local` input holds them (local time, no zone). */
  since: string;
  until: string;
}

export const EMPTY_FILTERS: HistoryFilters = {
  view: 'calls',
  text: '',
  server: '',
  tool: '',
  host: '',
  decision: '',
  decidedBy: '',
  outcome: '',
  time: 'any',
  since: '',
  until: '',
};

export const DECIDED_BY_LABEL: Record<DecidedBy, string> = {
  person: 'a person',
  rule: 'a rule',
  'session-grant': 'session grant',
  'retry-grant': 'retry grant',
  timeout: 'timeout',
  revoke: 'revocation',
  pause: 'pause',
  'host-cancelled': 'host cancelled',
  'host-gone': 'host gone',
  withheld: 'withheld definition',
  'audit-unavailable': 'log unavailable',
};

export const OUTCOME_LABEL: Record<CallOutcome, string> = {
  result: 'result',
  'tool-error': 'tool error',
  'rpc-error': 'protocol error',
  'upstream-failed': 'server failed',
  denied: 'denied',
  waiting: 'timed out',
  cancelled: 'cancelled',
  pending: 'no answer yet',
};

/** The same, short, for a list column. */
export const DECIDED_BY_SHORT: Record<DecidedBy, string> = {
  person: 'person',
  rule: 'rule',
  'session-grant': 'session',
  'retry-grant': 'retry',
  timeout: 'timeout',
  revoke: 'revoked',
  pause: 'paused',
  'host-cancelled': 'cancelled',
  'host-gone': 'host gone',
  withheld: 'withheld',
  'audit-unavailable': 'log down',
};

export const DECIDED_BY_OPTIONS: readonly DecidedBy[] = DECIDED_BY;
export const OUTCOME_OPTIONS: readonly CallOutcome[] = [...OUTCOMES, 'pending'];

/** A `datetime-local` value (local time) as ISO 8601 with a zone; undefined when empty or invalid. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** The contract filter for what the person chose (empty fields left out, names trimmed). */
export function toHistoryFilter(filters: HistoryFilters, now = Date.now()): HistoryFilter {
  const out: HistoryFilter = {};
  const server = filters.server.trim();
  const tool = filters.tool.trim();
  const host = filters.host.trim();
  const text = filters.text.trim();
  if (server) out.server = server.slice(0, 64);
  if (tool) out.tool = tool.slice(0, 256);
  if (host) out.host = host.slice(0, 256);
  if (filters.decision) out.decision = filters.decision;
  if (filters.decidedBy) out.decidedBy = filters.decidedBy;
  if (filters.outcome) out.outcome = filters.outcome;
  if (text) out.text = text.slice(0, 200);
  if (filters.time === 'custom') {
    const since = localToIso(filters.since);
    const until = localToIso(filters.until);
    if (since) out.since = since;
    if (until) out.until = until;
  } else if (filters.time !== 'any') {
    out.since = new Date(now - PRESET_MS[filters.time]).toISOString();
  }
  return out;
}

/** True when anything narrows the list. */
export function isFiltered(filters: HistoryFilters): boolean {
  return Object.keys(toHistoryFilter(filters)).length > 0;
}

/** The outcome history shows for a call record on its own (before its result is joined in). */
export function outcomeOfCall(call: CallRecord): CallOutcome {
  if (call.outcome) return call.outcome;
  return call.decision === 'allow' ? 'pending' : 'denied';
}

/**
 * Whether a call that just happened belongs in the list under `filter`. Free text is matched by
 * the index's own rules (word folding, prefixes), which the window does not repeat: with text in
 * the filter the answer is `unknown`, and the screen offers a refresh instead of guessing.
 */
export function callMatches(call: CallRecord, outcome: CallOutcome, filter: HistoryFilter): boolean | 'unknown' {
  if (filter.server !== undefined && call.server !== filter.server) return false;
  if (filter.tool !== undefined && call.target !== filter.tool) return false;
  if (filter.host !== undefined && call.host.name !== filter.host) return false;
  if (filter.method !== undefined && call.method !== filter.method) return false;
  if (filter.decision !== undefined && call.decision !== filter.decision) return false;
  if (filter.decidedBy !== undefined && call.decidedBy !== filter.decidedBy) return false;
  if (filter.outcome !== undefined && outcome !== filter.outcome) return false;
  const ts = Date.parse(call.ts);
  if (filter.since !== undefined && ts < Date.parse(filter.since)) return false;
  if (filter.until !== undefined && ts >= Date.parse(filter.until)) return false;
  if (filter.text !== undefined && filter.text.trim() !== '') return 'unknown';
  return true;
}

const CALL_ONLY: Array<keyof HistoryFilter> = ['host', 'method', 'decision', 'decidedBy', 'outcome', 'text'];

/** The same question for the full log view: server and tool match any record; call-only filters keep calls only. */
export function recordMatches(record: AuditRecord, filter: HistoryFilter): boolean | 'unknown' {
  if (record.type === 'call') return callMatches(record as CallRecord, outcomeOfCall(record as CallRecord), filter);
  if (CALL_ONLY.some((key) => filter[key] !== undefined)) return false;
  if (filter.server !== undefined && record.server !== filter.server) return false;
  if (filter.tool !== undefined && (record.type !== 'result' || record.target !== filter.tool)) return false;
  const ts = Date.parse(record.ts);
  if (filter.since !== undefined && ts < Date.parse(filter.since)) return false;
  if (filter.until !== undefined && ts >= Date.parse(filter.until)) return false;
  return true;
}

/** The filter as a query string for the streaming export (`GET /api/history/export`). */
export function exportQueryString(filter: HistoryFilter, format: 'jsonl' | 'csv'): string {
  const params = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(filter)) if (value !== undefined) params.set(key, String(value));
  return params.toString();
}
