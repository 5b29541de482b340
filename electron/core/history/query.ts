import fs from 'node:fs';
import type { AuditRecord } from '../../../shared/audit';
import type {
  CallOutcome,
  CallRecord,
  HistoryEntry,
  HistoryFilter,
  HistoryPage,
  HistoryRow,
  ResultRecord,
} from '../../../shared/history';
import type { z } from 'zod';
import type { historyQuerySchema } from '../../../shared/history';
import { recordHash } from '../audit/chain';
import { segmentPath } from '../audit/segments';
import type { HistoryIndex } from './index';
import type { Database } from './sqlite';
import { ftsQuery } from './text';

export type HistoryQuery = z.output<typeof historyQuerySchema>;

/** How long one page may search before it answers with what it found and a cursor to go on. */
export const PAGE_BUDGET_MS = 40;
/** Clock steps smaller than this cannot hide a record from a time-range filter. */
const CLOCK_SLACK_MS = 10 * 60 * 1000;
const PARAMS_PREVIEW_BYTES = 4096;
/** Largest stretch of seqs one window query may cover. */
const MAX_WINDOW = 262_144;

export class HistoryUnavailable extends Error {}

interface Plan {
  /** The SQL returning matching seqs within [lo, hi), newest first, at most n. */
  sql: string;
  params: Array<string | number>;
  lo: number;
  hi: number;
  /** FTS5 query for free text: the search is then driven by the text index, newest match first. */
  match?: string;
  /** Whether conditions besides the text must be checked on each text match. */
  hasConditions?: boolean;
}

const CALL_ONLY: Array<keyof HistoryFilter> = ['host', 'method', 'decision', 'decidedBy', 'outcome', 'text'];

/** True when the filter can only match call records. */
export function callOnly(filter: HistoryFilter): boolean {
  return CALL_ONLY.some((key) => filter[key] !== undefined);
}

/**
 * Builds the seq query for a filter. Every condition is an equality on an indexed column (or a
 * range on seq and ts), and free text goes through the FTS5 index restricted to the same seq
 * window, so each window costs index walks, never a scan of the whole log.
 */
function plan(db: Database, filter: HistoryFilter, table: 'calls' | 'lines', beforeSeq: number | undefined, lastSeq: number): Plan | undefined {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const eq = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  let hi = Math.min(beforeSeq ?? lastSeq + 1, lastSeq + 1);
  let lo = 1;
  const since = filter.since !== undefined ? Date.parse(filter.since) : undefined;
  const until = filter.until !== undefined ? Date.parse(filter.until) : undefined;
  if (since !== undefined) {
    const row = db.get('SELECT seq FROM calls WHERE ts < ? ORDER BY ts DESC LIMIT 1', [since - CLOCK_SLACK_MS]);
    if (row) lo = Number(row.seq);
    where.push(`${table === 'calls' ? 'c' : 'l'}.ts >= ?`);
    params.push(since);
  }
  if (until !== undefined) {
    const row = db.get('SELECT seq FROM calls WHERE ts >= ? ORDER BY ts LIMIT 1', [until + CLOCK_SLACK_MS]);
    if (row) hi = Math.min(hi, Number(row.seq) + 1);
    where.push(`${table === 'calls' ? 'c' : 'l'}.ts < ?`);
    params.push(until);
  }
  if (table === 'lines') {
    eq('l.server', filter.server);
    eq('l.target', filter.tool);
    return { sql: `SELECT l.seq AS seq FROM lines l WHERE l.seq >= ? AND l.seq < ?${where.map((w) => ` AND ${w}`).join('')} ORDER BY l.seq DESC LIMIT ?`, params, lo, hi };
  }
  eq('c.server', filter.server);
  eq('c.tool', filter.tool);
  eq('c.host', filter.host);
  eq('c.method', filter.method);
  eq('c.decision', filter.decision);
  eq('c.decided_by', filter.decidedBy);
  eq('c.outcome', filter.outcome);
  let match: string | undefined;
  if (filter.text !== undefined && filter.text.trim() !== '') {
    match = ftsQuery(filter.text);
    // Text with no letters or digits can match nothing the index holds.
    if (match === undefined) return undefined;
  }
  const conditions = where.map((w) => ` AND ${w}`).join('');
  return {
    sql: `SELECT c.seq AS seq FROM calls c WHERE c.seq >= ?2 AND c.seq < ?3${conditions} ORDER BY c.seq DESC LIMIT ?1`,
    params,
    lo,
    hi,
    ...(match !== undefined ? { match, hasConditions: where.length > 0 } : {}),
  };
}

/**
 * Finds up to `limit` matching seqs below the cursor, newest first. The search walks back in seq
 * windows sized to the time left (each window's cost predicts the next one's), and stops when the
 * page is full, the log's start is reached, or the time budget is spent — then the cursor says
 * where to continue.
 */
function findSeqs(index: HistoryIndex, db: Database, p: Plan, table: 'calls' | 'lines', limit: number, budgetMs: number): { seqs: number[]; next?: number } {
  if (p.match !== undefined) return findByText(index, db, p, limit, budgetMs);
  const started = performance.now();
  const seqs: number[] = [];
  let hi = p.hi;
  let window = 4096;
  const statement = index.stmt(p.sql);
  while (hi > p.lo) {
    const lo = Math.max(p.lo, hi - window);
    const need = limit + 1 - seqs.length;
    const bound =
      table === 'lines'
        ? [lo, hi, ...p.params, need]
        : // calls: ?1 = limit, ?2 = lo, ?3 = hi, then the filter values in order
          [need, lo, hi, ...p.params];
    const windowStarted = performance.now();
    const rows = statement.all(bound);
    for (const row of rows) seqs.push(Number(row.seq));
    if (seqs.length > limit) {
      seqs.length = limit;
      return { seqs, next: seqs[limit - 1]! };
    }
    hi = lo;
    if (hi <= p.lo) return { seqs };
    const now = performance.now();
    const left = budgetMs - (now - started);
    const perSeq = Math.max(now - windowStarted, 0.05) / window;
    // Half the time left, and at most 4× the last window: a cold stretch of the file can cost
    // more per record than the warm one just measured.
    const affordable = Math.floor((left * 0.5) / perSeq);
    if (affordable < 1024) return { seqs, next: hi };
    window = Math.min(window * 4, affordable, MAX_WINDOW);
  }
  return { seqs };
}

/**
 * Free text: the FTS5 index yields matching calls newest first (one query per page, so a prefix
 * word's term list is gathered once); other conditions are checked on batches of those matches.
 */
function findByText(index: HistoryIndex, db: Database, p: Plan, limit: number, budgetMs: number): { seqs: number[]; next?: number } {
  const started = performance.now();
  const seqs: number[] = [];
  // Not cached: the walk may stop early, and a finalized statement leaves no read cursor behind.
  const matches = db.prepare('SELECT rowid AS seq FROM calls_text WHERE calls_text MATCH ? AND rowid >= ? AND rowid < ? ORDER BY rowid DESC');
  const check = p.hasConditions ? index.stmt(p.sql.replace('c.seq >= ?2 AND c.seq < ?3', 'c.seq IN (SELECT value FROM json_each(?2)) AND ?3 = ?3')) : undefined;
  try {
    let batch: number[] = [];
    const flush = (): boolean => {
      if (batch.length === 0) return false;
      const found = check ? check.all([limit + 1 - seqs.length, JSON.stringify(batch), 0, ...p.params]).map((r) => Number(r.seq)) : batch;
      seqs.push(...found);
      batch = [];
      return seqs.length > limit;
    };
    let last = p.hi;
    for (const row of matches.iterate([p.match!, p.lo, p.hi])) {
      last = Number(row.seq);
      batch.push(last);
      if (batch.length >= (check ? 256 : limit + 1 - seqs.length)) {
        if (flush()) break;
        if (performance.now() - started > budgetMs) return { seqs, next: last };
      }
    }
    if (seqs.length <= limit) flush();
    if (seqs.length > limit) {
      seqs.length = limit;
      return { seqs, next: seqs[limit - 1]! };
    }
    return { seqs };
  } finally {
    matches.finalize();
  }
}

function readRecord(fd: number, offset: number, length: number): AuditRecord {
  const buffer = Buffer.alloc(length);
  fs.readSync(fd, buffer, 0, length, offset);
  return JSON.parse(buffer.toString('utf8').replace(/\n$/, '')) as AuditRecord;
}

interface Located {
  seq: number;
  seg: number;
  off: number;
  len: number;
}

/** Reads records from the segments by location, one open file per segment touched. */
function readRecords(auditDir: string, located: Located[]): Map<number, AuditRecord> {
  const bySegment = new Map<number, Located[]>();
  for (const l of located) bySegment.set(l.seg, [...(bySegment.get(l.seg) ?? []), l]);
  const records = new Map<number, AuditRecord>();
  for (const [segment, items] of bySegment) {
    let fd: number;
    try {
      fd = fs.openSync(segmentPath(auditDir, segment), 'r');
    } catch {
      continue; // trimmed meanwhile
    }
    try {
      for (const item of items) {
        try {
          records.set(item.seq, readRecord(fd, item.off, item.len));
        } catch {
          /* reported as inconsistent below */
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return records;
}

function locate(index: HistoryIndex, seqs: number[]): Located[] {
  if (seqs.length === 0) return [];
  const rows = index.stmt(`SELECT seq, seg, off, len FROM lines WHERE seq IN (${seqs.map(() => '?').join(',')})`).all(seqs);
  return rows.map((r) => ({ seq: Number(r.seq), seg: Number(r.seg), off: Number(r.off), len: Number(r.len) }));
}

function toRow(call: CallRecord, result: ResultRecord | undefined, outcome: CallOutcome, full: boolean): HistoryRow {
  const row: HistoryRow = { seq: call.seq, call, outcome, ...(result ? { result } : {}) };
  if (!full) {
    const params = JSON.stringify(call.params ?? null);
    if (params.length > PARAMS_PREVIEW_BYTES) {
      row.call = { ...call, params: `${params.slice(0, PARAMS_PREVIEW_BYTES)}…` };
      row.paramsTruncated = true;
    }
  }
  return row;
}

/** Joins call seqs with their records and results; drops (and reports) rows the log contradicts. */
function assembleRows(index: HistoryIndex, auditDir: string, seqs: number[], full: boolean): HistoryRow[] {
  if (seqs.length === 0) return [];
  const calls = index
    .stmt(`SELECT seq, outcome, result_seq FROM calls WHERE seq IN (${seqs.map(() => '?').join(',')})`)
    .all(seqs)
    .map((r) => ({ seq: Number(r.seq), outcome: String(r.outcome) as CallOutcome, resultSeq: r.result_seq === null ? undefined : Number(r.result_seq) }));
  const wanted = [...seqs, ...calls.flatMap((c) => (c.resultSeq !== undefined ? [c.resultSeq] : []))];
  const records = readRecords(auditDir, locate(index, wanted));
  const bySeq = new Map(calls.map((c) => [c.seq, c]));
  const rows: HistoryRow[] = [];
  let inconsistent = false;
  for (const seq of seqs) {
    const info = bySeq.get(seq);
    const call = records.get(seq);
    if (!info || !call) continue;
    if (call.seq !== seq || call.type !== 'call') {
      inconsistent = true;
      continue;
    }
    const result = info.resultSeq !== undefined ? records.get(info.resultSeq) : undefined;
    if (result && (result.type !== 'result' || result.call !== call.call)) {
      inconsistent = true;
      continue;
    }
    rows.push(toRow(call as CallRecord, result as ResultRecord | undefined, info.outcome, full));
  }
  if (inconsistent) index.reportInconsistent();
  return rows;
}

function assembleRecords(index: HistoryIndex, auditDir: string, seqs: number[]): AuditRecord[] {
  const records = readRecords(auditDir, locate(index, seqs));
  const out: AuditRecord[] = [];
  let inconsistent = false;
  for (const seq of seqs) {
    const record = records.get(seq);
    if (!record) continue;
    if (record.seq !== seq) {
      inconsistent = true;
      continue;
    }
    out.push(record);
  }
  if (inconsistent) index.reportInconsistent();
  return out;
}

function tsOf(index: HistoryIndex, seq: number): string | undefined {
  const row = index.stmt('SELECT ts FROM lines WHERE seq < ? ORDER BY seq DESC LIMIT 1').get([seq]);
  return row ? new Date(Number(row.ts)).toISOString() : undefined;
}

/** One page of history, newest first. */
export function queryHistory(index: HistoryIndex, auditDir: string, query: HistoryQuery, budgetMs = PAGE_BUDGET_MS): HistoryPage {
  const db = index.prepareForRead();
  const state = index.state();
  if (!db) return { records: [], rows: [], index: state };
  const table = query.view === 'calls' || callOnly(query) ? 'calls' : 'lines';
  const p = plan(db, query, table, query.beforeSeq, state.indexedThrough);
  if (!p) return { records: [], rows: [], index: state };
  const { seqs, next } = findSeqs(index, db, p, table, query.limit, budgetMs);
  const page: HistoryPage = { records: [], rows: [], index: index.state() };
  if (query.view === 'calls') page.rows = assembleRows(index, auditDir, seqs, false);
  else page.records = assembleRecords(index, auditDir, seqs);
  if (next !== undefined) {
    page.nextBeforeSeq = next;
    if (seqs.length < query.limit) {
      const ts = tsOf(index, next);
      if (ts) page.searchedBackTo = ts;
    }
  }
  return page;
}

/** Every matching call, newest first, in batches (for export): no time budget, but the caller yields between batches. */
export function* iterateCalls(index: HistoryIndex, auditDir: string, filter: HistoryFilter, batch = 500): Generator<HistoryRow[]> {
  let beforeSeq: number | undefined;
  for (;;) {
    const db = index.prepareForRead();
    if (!db) throw new HistoryUnavailable(index.state().problem ?? 'the history index is not available');
    const p = plan(db, filter, 'calls', beforeSeq, index.state().indexedThrough);
    if (!p) return;
    const { seqs, next } = findSeqs(index, db, p, 'calls', batch, 250);
    if (seqs.length > 0) yield assembleRows(index, auditDir, seqs, true);
    if (next === undefined) return;
    beforeSeq = next;
  }
}

/** One call in full, for the detail pane. */
export function historyEntry(index: HistoryIndex, auditDir: string, seq: number): HistoryEntry | undefined {
  if (!index.prepareForRead()) throw new HistoryUnavailable(index.state().problem ?? 'the history index is not available');
  const [row] = assembleRows(index, auditDir, [seq], true);
  if (!row) return undefined;
  const intact = recordHash(row.call) === row.call.hash && (!row.result || recordHash(row.result) === row.result.hash);
  return { call: row.call, ...(row.result ? { result: row.result } : {}), outcome: row.outcome, intact };
}
