/**
 * The call-history part of the contract: filters, pages, verification, export and the history
 * settings (retention, OpenTelemetry). Pure data and zod schemas; no Node or DOM APIs.
 */
import { z } from 'zod';
import type { AuditRecord, CallEntry, ResultEntry, TrimmedRange } from './audit';
import type { Outcome } from './types';

export type CallRecord = AuditRecord & CallEntry;
export type ResultRecord = AuditRecord & ResultEntry;

export const DECIDED_BY = [
  'person',
  'rule',
  'session-grant',
  'retry-grant',
  'timeout',
  'revoke',
  'pause',
  'host-cancelled',
  'host-gone',
  'withheld',
  'audit-unavailable',
] as const;

export const OUTCOMES = ['result', 'tool-error', 'rpc-error', 'upstream-failed', 'denied', 'waiting', 'cancelled'] as const;

/** A call's outcome as history shows it: `pending` while it was forwarded and no result is recorded yet. */
export type CallOutcome = Outcome | 'pending';

/** ISO 8601 time with a zone, e.g. 2026-05-01T00:00:00Z. */
const isoTime = z.iso.datetime({ offset: true });

/** What the History screen can narrow the list by. Every field is optional; all given ones must match. */
export const historyFilterSchema = z
  .object({
    server: z.string().min(1).max(64).optional(),
    /** Tool name, resource URI or prompt name, exactly. */
    tool: z.string().min(1).max(256).optional(),
    /** The host's clientInfo name, exactly (e.g. "claude-ai", "cursor-vscode"). */
    host: z.string().min(1).max(256).optional(),
    method: z.enum(['tools/call', 'resources/read', 'prompts/get']).optional(),
    decision: z.enum(['allow', 'deny']).optional(),
    decidedBy: z.enum(DECIDED_BY).optional(),
    outcome: z.enum([...OUTCOMES, 'pending']).optional(),
    /** Decided at or after this time. */
    since: isoTime.optional(),
    /** Decided before this time. */
    until: isoTime.optional(),
    /**
     * Words to find in tool names, server, host, resources, note and (redacted) parameters. Each
     * word must occur; the last word also matches words it begins (search as you type: `pass`
     * finds `passwd`); `notes.md` finds the adjacent words `notes` `md`. Case and accents are
     * ignored.
     */
    text: z.string().max(200).optional(),
  })
  .strict();

export type HistoryFilter = z.output<typeof historyFilterSchema>;

export const historyQuerySchema = historyFilterSchema
  .extend({
    limit: z.number().int().min(1).max(500).default(100),
    /** Cursor: only entries older than this seq (the previous page's `nextBeforeSeq`). */
    beforeSeq: z.number().int().min(0).optional(),
    /**
     * `calls` (the History screen): one row per call, joined with its result, in `rows`.
     * `records` (default, the raw log): audit records of every kind in `records`; call-only filters
     * (host, method, decision, decidedBy, outcome, text) limit it to call records.
     */
    view: z.enum(['records', 'calls']).default('records'),
  })
  .strict();

/** One call as the History screen lists it. */
export interface HistoryRow {
  /** The call record's seq: its stable id in the log, and the cursor. */
  seq: number;
  /** The decision record, exactly as logged (parameters redacted at write time). */
  call: CallRecord;
  /** What came back, when the call was forwarded and answered. */
  result?: ResultRecord;
  outcome: CallOutcome;
  /** Set when `call.params` was cut for the list (over 4 KB); `historyEntry` has it whole. */
  paramsTruncated?: true;
}

export type HistoryIndexStateName = 'ready' | 'catching-up' | 'rebuilding' | 'unavailable';

export interface HistoryIndexState {
  state: HistoryIndexStateName;
  /** Seq of the newest record in the index. */
  indexedThrough: number;
  /** Seq of the newest record in the log. */
  lastSeq: number;
  /** 0..1 while rebuilding or catching up. */
  progress?: number;
  problem?: string;
}

export interface HistoryPage {
  /** View `records`: matching audit records, newest first. Empty in view `calls`. */
  records: AuditRecord[];
  /** View `calls`: matching calls, newest first. Empty in view `records`. */
  rows: HistoryRow[];
  /**
   * Pass as `beforeSeq` for the next (older) page; absent when nothing older matches. A page can
   * hold fewer than `limit` entries and still have a cursor: the search spent its time budget
   * (rare filters over a long history) and continues from there.
   */
  nextBeforeSeq?: number;
  /** Time of the oldest position searched so far, for a "searched back to …" hint on short pages. */
  searchedBackTo?: string;
  index: HistoryIndexState;
}

export const historyEntrySchema = z.object({ seq: z.number().int().min(1) }).strict();

export interface HistoryEntry {
  call: CallRecord;
  result?: ResultRecord;
  outcome: CallOutcome;
  /** Both records' hashes recomputed and matching (the detail pane's "record intact"). */
  intact: boolean;
}

export interface VerifyLogReport {
  ok: boolean;
  /** One sentence for the banner or dialog. */
  summary: string;
  records: number;
  segments: number;
  firstSeq?: number;
  lastSeq?: number;
  /** Retention trims recorded in the chain, oldest first. */
  trims: TrimmedRange[];
  /** When the log starts after a trim: the trim that accounts for the missing start. */
  startsAfterTrim?: TrimmedRange;
  /** The first broken record: verification stops there; every record before it verifies. */
  firstBroken?: { seq?: number; ts?: string; file: string; line: number; reason: string };
  tornTail?: { file: string; bytes: number };
  quarantined: Array<{ file: string; bytes: number }>;
  checkedAt: string;
  durationMs: number;
}

export const exportHistorySchema = historyFilterSchema
  .extend({
    format: z.enum(['jsonl', 'csv']),
    /** At most this many calls, newest first (the HTTP export streams without this cap). */
    maxRows: z.number().int().min(1).max(200_000).default(50_000),
  })
  .strict();

export interface HistoryExport {
  filename: string;
  mimeType: string;
  content: string;
  rows: number;
  /** More calls matched than `maxRows`; use the streaming export for all of them. */
  truncated: boolean;
}

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

export const retentionSchema = z
  .object({
    /** Remove segments whose newest record is older than this many days. */
    maxDays: z.number().int().min(1).max(36_500).optional(),
    /** Remove the oldest segments while the log is larger than this. */
    maxMegabytes: z.number().int().min(1).max(10_000_000).optional(),
  })
  .strict();

export const telemetrySchema = z
  .object({
    enabled: z.boolean(),
    /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
    endpoint: z.url({ protocol: /^https?$/ }).max(2048),
    /** Extra headers (collector API keys). Stored in the 0600 settings; only names are ever shown. */
    headers: z.record(headerName, z.string().max(4096)).default({}),
    /** Also send redacted parameters and result summaries (gen_ai.tool.call.arguments / .result). */
    includeArguments: z.boolean().default(false),
  })
  .strict();

/** Stored in settings under `history`. */
export const historySettingsSchema = z
  .object({
    retention: retentionSchema.default({}),
    telemetry: telemetrySchema.optional(),
  })
  .strict();

export type HistorySettings = z.output<typeof historySettingsSchema>;

/** What the UI sees: header values never leave the core. */
export interface HistorySettingsView {
  retention: { maxDays?: number; maxMegabytes?: number };
  telemetry?: { enabled: boolean; endpoint: string; headerNames: string[]; includeArguments: boolean };
  log: { segments: number; bytes: number; oldest?: string; firstSeq?: number; lastSeq: number };
}

/**
 * A change to the history settings. `retention` replaces the retention policy; `telemetry: null`
 * removes the exporter; telemetry `headers` omitted keep the stored ones.
 */
export const setHistorySettingsSchema = z
  .object({
    retention: retentionSchema.optional(),
    telemetry: telemetrySchema.extend({ headers: z.record(headerName, z.string().max(4096)).optional() }).strict().nullable().optional(),
  })
  .strict();
