import fs from 'node:fs';
import path from 'node:path';
import type { AuditRecord } from '../../../shared/audit';
import type { HistoryIndexState } from '../../../shared/history';
import type { AuditLog, RecordLocation } from '../audit/log';
import { listSegments, readAt, readLines, segmentPath, type SegmentLine } from '../audit/segments';
import { RECORD_TYPE, SCHEMA, SCHEMA_VERSION } from './schema';
import { openDatabase, removeDatabase, restrictFiles, type Database, type Statement } from './sqlite';
import { searchableText } from './text';

export interface HistoryIndexOptions {
  /** The audit log folder (the source of truth). */
  auditDir: string;
  /** The index database (default: `<auditDir>/index/history.sqlite`). */
  file?: string;
  /** Longest stretch of indexing work before the event loop gets a turn (default 12 ms). */
  sliceMs?: number;
  /** Queued appends beyond this are dropped and re-read from the segments instead (bounded memory). */
  maxQueue?: number;
  /** Told whenever the index state changes (ready, catching up, rebuilding, unavailable). */
  onState?: (state: HistoryIndexState) => void;
}

interface Cursor {
  /** Segment being read and the byte offset after the last indexed record. */
  segment: number;
  offset: number;
  lines?: Generator<SegmentLine>;
  lineState?: { tornTailAt?: number; end?: number };
}

interface Meta {
  schema: number;
  lastSeq: number;
  lastHash: string;
  lastSeg: number;
  lastOff: number;
  lastLen: number;
}

/** How long index changes may stay uncommitted. */
const COMMIT_EVERY_MS = 1000;
/** Live records wait this long (or until this many queue up) before a slice indexes them together. */
const LIVE_DELAY_MS = 25;
const LIVE_BATCH = 256;
/** After a failure that repeats, how long before the index tries again. */
const RETRY_AFTER_MS = 10_000;

type Mode = 'closed' | 'live' | 'catching-up' | 'rebuilding' | 'unavailable';

/**
 * The history index: a SQLite (WebAssembly) database derived from the audit log. Appends reach it
 * through `AuditLog.onAppend`, which only queues; the work happens in short slices on later turns
 * of the event loop, so appends stay as fast as without it. When the index is behind (crash, a
 * log written while no core ran) it reads the missing records from the segments; when it does not
 * match the log (another log, a corrupt file, a newer schema) it rebuilds itself from the segments.
 */
export class HistoryIndex {
  readonly file: string;
  private db: Database | undefined;
  private mode: Mode = 'closed';
  private problem: string | undefined;
  private queue: Array<{ record: AuditRecord; location: RecordLocation }> = [];
  private cursor: Cursor = { segment: 0, offset: 0 };
  private meta: Meta = { schema: SCHEMA_VERSION, lastSeq: 0, lastHash: '', lastSeg: 0, lastOff: 0, lastLen: 0 };
  private forgetBelowSeq = 0;
  private scheduled: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  private statements = new Map<string, Statement>();
  private knownLastSeq = 0;
  private progress: number | undefined;
  private readonly sliceMs: number;
  private readonly maxQueue: number;
  private readonly onState: ((state: HistoryIndexState) => void) | undefined;

  constructor(readonly options: HistoryIndexOptions) {
    this.file = options.file ?? path.join(options.auditDir, 'index', 'history.sqlite');
    this.sliceMs = options.sliceMs ?? 12;
    this.maxQueue = options.maxQueue ?? 20_000;
    this.onState = options.onState;
  }

  // ── opening and consistency ─────────────────────────────────────────────

  /** Opens the index, checks it against the log and starts whatever catching up is needed. */
  async open(): Promise<void> {
    try {
      await this.openChecked();
    } catch {
      // A database that cannot even be opened or read is thrown away and rebuilt once.
      this.closeDb();
      removeDatabase(this.file);
      try {
        await this.openChecked();
      } catch (again) {
        this.fail(`the history index cannot be opened (${(again as Error).message}); history is unavailable until it can`);
        return;
      }
    }
    this.schedule();
  }

  private async openChecked(): Promise<void> {
    this.db = await openDatabase(this.file);
    const version = this.readMetaValue('schema');
    if (version !== undefined && Number(version) !== SCHEMA_VERSION) {
      this.closeDb();
      removeDatabase(this.file);
      this.db = await openDatabase(this.file);
    }
    this.db.exec(SCHEMA);
    this.meta = this.readMeta();
    this.writeMeta({ schema: SCHEMA_VERSION });
    restrictFiles(this.file);
    this.reconcile();
  }

  /** Compares the index with the log: continue, catch up, forget trimmed records, or rebuild. */
  private reconcile(): void {
    const segments = listSegments(this.options.auditDir);
    const first = segments[0];
    if (this.meta.lastSeq === 0) return this.startRebuild('empty');
    const located = segments.find((s) => s.index === this.meta.lastSeg);
    if (!located) {
      // Everything indexed lies in segments that retention removed: start over from what remains.
      if (first === undefined || this.meta.lastSeg < first.index) return this.startRebuild('trimmed');
      return this.startRebuild('mismatch');
    }
    let record: AuditRecord | undefined;
    try {
      record = JSON.parse(readAt(located.file, this.meta.lastOff, this.meta.lastLen)) as AuditRecord;
    } catch {
      record = undefined;
    }
    if (!record || record.seq !== this.meta.lastSeq || record.hash !== this.meta.lastHash) return this.startRebuild('mismatch');
    // Records of segments trimmed while no index was open.
    const firstSeqOfLog = first ? this.firstSeqOf(first.index) : undefined;
    if (firstSeqOfLog !== undefined) this.forgetBelowSeq = firstSeqOfLog;
    this.cursor = { segment: this.meta.lastSeg, offset: this.meta.lastOff + this.meta.lastLen };
    this.setMode('catching-up');
  }

  private firstSeqOf(segment: number): number | undefined {
    for (const line of readLines(segmentPath(this.options.auditDir, segment))) {
      try {
        return (JSON.parse(line.text) as AuditRecord).seq;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  private startRebuild(_why: string): void {
    const db = this.db!;
    if (db.inTransaction) db.exec('ROLLBACK');
    this.finalizeStatements();
    // Dropping is far faster than deleting a million rows; the schema is then created afresh.
    db.exec(`BEGIN; DROP TABLE IF EXISTS lines; DROP TABLE IF EXISTS calls; DROP TABLE IF EXISTS calls_text; DELETE FROM meta; ${SCHEMA} COMMIT;`);
    this.meta = { schema: SCHEMA_VERSION, lastSeq: 0, lastHash: '', lastSeg: 0, lastOff: 0, lastLen: 0 };
    this.writeMeta({ schema: SCHEMA_VERSION });
    this.queue = [];
    const first = listSegments(this.options.auditDir)[0];
    this.cursor = { segment: first?.index ?? 1, offset: 0 };
    this.setMode('rebuilding');
  }

  /** Drops everything and re-reads the whole log (`airlock log --reindex`). */
  rebuild(): Promise<void> {
    if (!this.db) return Promise.resolve();
    this.closeCursor();
    this.startRebuild('requested');
    this.schedule();
    return this.whenIdle();
  }

  // ── incremental updates ──────────────────────────────────────────────────

  /** Follows a live log: each append is queued (cheap) and indexed a moment later. */
  attach(log: AuditLog): () => void {
    this.knownLastSeq = log.lastSeq;
    return log.onAppend((record, location) => this.enqueue(record, location));
  }

  enqueue(record: AuditRecord, location: RecordLocation): void {
    this.knownLastSeq = Math.max(this.knownLastSeq, record.seq);
    // While reading from the segments the record will be read there anyway.
    if (this.mode !== 'live') return this.schedule();
    if (this.queue.length >= this.maxQueue) {
      // Too far behind to keep in memory: drop the queue and read the records from the segments.
      this.queue = [];
      this.cursor = { segment: this.meta.lastSeg, offset: this.meta.lastOff + this.meta.lastLen };
      this.setMode('catching-up');
      return this.schedule();
    }
    this.queue.push({ record, location });
    this.schedule();
  }

  /** Records that `seq` and everything before it were trimmed from the log. */
  forgetBelow(seq: number): void {
    this.forgetBelowSeq = Math.max(this.forgetBelowSeq, seq);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || !this.db) return;
    // Live appends are indexed a moment later, in one slice: calls keep the event loop first, and
    // a burst costs one slice instead of one per record. Catching up runs back to back.
    const wait = this.mode === 'live' && this.queue.length < LIVE_BATCH ? LIVE_DELAY_MS : 0;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      this.step();
    }, wait);
  }

  /** One slice of work; reschedules itself while work remains. */
  private step(): void {
    if (!this.db || this.mode === 'unavailable') return;
    const deadline = Date.now() + this.sliceMs;
    try {
      if (this.forgetBelowSeq > 0 && !this.forgetSlice(deadline)) return this.schedule();
      if (this.mode === 'catching-up' || this.mode === 'rebuilding') {
        if (!this.readSlice(deadline)) return this.schedule();
      }
      if (this.mode === 'live') this.drainQueue(deadline);
    } catch (error) {
      return this.recover(error);
    }
    if (this.queue.length > 0 || this.mode !== 'live') return this.schedule();
    this.resolveIdle();
  }

  /** Applies queued appends (all of them when `deadline` is undefined: a query wants them now). */
  private drainQueue(deadline?: number): void {
    if (this.queue.length === 0) return;
    this.transaction(() => {
      let i = 0;
      for (; i < this.queue.length; i++) {
        const { record, location } = this.queue[i]!;
        if (record.seq <= this.meta.lastSeq) continue;
        if (record.seq !== this.meta.lastSeq + 1) {
          // A gap (an append we never saw): read the rest from the segments.
          this.queue = [];
          this.cursor = { segment: this.meta.lastSeg, offset: this.meta.lastOff + this.meta.lastLen };
          this.setMode('catching-up');
          return;
        }
        this.apply(record, location);
        if (deadline !== undefined && (i & 63) === 63 && Date.now() > deadline) {
          i++;
          break;
        }
      }
      this.queue = this.queue.slice(i);
    });
  }

  /** Reads records from the segments into the index until the deadline; true when at the end of the log. */
  private readSlice(deadline: number): boolean {
    let done = false;
    this.transaction(() => {
      let count = 0;
      for (;;) {
        if (!this.cursor.lines) {
          const file = segmentPath(this.options.auditDir, this.cursor.segment);
          if (!fs.existsSync(file)) {
            const next = listSegments(this.options.auditDir).find((s) => s.index > this.cursor.segment);
            if (!next) {
              done = true;
              return;
            }
            this.cursor = { segment: next.index, offset: 0 };
            continue;
          }
          this.cursor.lineState = {};
          this.cursor.lines = readLines(file, this.cursor.offset, this.cursor.lineState);
        }
        const next = this.cursor.lines.next();
        if (next.done) {
          this.closeCursor();
          const later = listSegments(this.options.auditDir).find((s) => s.index > this.cursor.segment);
          if (!later) {
            done = true;
            return;
          }
          this.cursor = { segment: later.index, offset: 0 };
          continue;
        }
        const line = next.value;
        this.cursor.offset = line.offset + line.length;
        let record: AuditRecord;
        try {
          record = JSON.parse(line.text) as AuditRecord;
        } catch {
          // A damaged line: `verifyLog` names it; the index skips it and goes on.
          continue;
        }
        if (typeof record.seq === 'number' && record.seq > this.meta.lastSeq) {
          this.apply(record, { segment: this.cursor.segment, offset: line.offset, length: line.length });
        }
        if ((++count & 63) === 0 && Date.now() > deadline) return;
      }
    });
    if (done) {
      this.closeCursor();
      this.knownLastSeq = Math.max(this.knownLastSeq, this.meta.lastSeq);
      this.progress = undefined;
      this.setMode('live');
    } else {
      this.progress = this.estimateProgress();
      this.emitState();
    }
    return done;
  }

  private estimateProgress(): number {
    const segments = listSegments(this.options.auditDir);
    let total = 0;
    let done = 0;
    for (const s of segments) {
      let size = 0;
      try {
        size = fs.statSync(s.file).size;
      } catch {
        continue;
      }
      total += size;
      if (s.index < this.cursor.segment) done += size;
      else if (s.index === this.cursor.segment) done += Math.min(size, this.cursor.offset);
    }
    return total === 0 ? 1 : Math.min(1, done / total);
  }

  private closeCursor(): void {
    this.cursor.lines?.return(undefined);
    delete this.cursor.lines;
    delete this.cursor.lineState;
  }

  /** Deletes index rows of trimmed records, a few thousand per slice; true when finished. */
  private forgetSlice(deadline: number): boolean {
    const below = this.forgetBelowSeq;
    for (;;) {
      const ids = this.stmt('SELECT seq FROM lines WHERE seq < ? ORDER BY seq LIMIT 2000').all([below]).map((r) => Number(r.seq));
      if (ids.length === 0) {
        this.forgetBelowSeq = 0;
        return true;
      }
      const hi = ids.at(-1)! + 1;
      this.transaction(() => {
        this.stmt('DELETE FROM calls_text WHERE rowid IN (SELECT seq FROM calls WHERE seq < ?)').run([hi]);
        this.stmt('DELETE FROM calls WHERE seq < ?').run([hi]);
        this.stmt('DELETE FROM lines WHERE seq < ?').run([hi]);
      });
      if (Date.now() > deadline) return false;
    }
  }

  // ── applying one record ──────────────────────────────────────────────────

  private apply(record: AuditRecord, location: RecordLocation): void {
    const ts = Date.parse(record.ts);
    switch (record.type) {
      case 'call': {
        this.stmt('INSERT OR REPLACE INTO lines (seq, seg, off, len, type, ts, server, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run([
          record.seq,
          location.segment,
          location.offset,
          location.length,
          RECORD_TYPE.call,
          ts,
          record.server,
          record.target,
        ]);
        this.stmt(
          'INSERT OR REPLACE INTO calls (seq, call, ts, host, server, method, tool, decision, decided_by, outcome, result_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)',
        ).run([
          record.seq,
          record.call,
          ts,
          record.host?.name ?? 'unknown',
          record.server,
          record.method,
          record.target,
          record.decision,
          record.decidedBy,
          record.outcome ?? (record.decision === 'allow' ? 'pending' : 'denied'),
        ]);
        this.stmt('INSERT INTO calls_text (rowid, body) VALUES (?, ?)').run([record.seq, searchableText(record)]);
        break;
      }
      case 'result': {
        this.stmt('INSERT OR REPLACE INTO lines (seq, seg, off, len, type, ts, server, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run([
          record.seq,
          location.segment,
          location.offset,
          location.length,
          RECORD_TYPE.result,
          ts,
          record.server,
          record.target,
        ]);
        this.stmt('UPDATE calls SET outcome = ?, result_seq = ? WHERE seq = (SELECT seq FROM calls WHERE call = ? ORDER BY seq DESC LIMIT 1)').run([
          record.outcome,
          record.seq,
          record.call,
        ]);
        break;
      }
      default:
        this.stmt('INSERT OR REPLACE INTO lines (seq, seg, off, len, type, ts, server, target) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)').run([
          record.seq,
          location.segment,
          location.offset,
          location.length,
          RECORD_TYPE.event,
          ts,
          record.server ?? null,
        ]);
    }
    this.meta.lastSeq = record.seq;
    this.meta.lastHash = record.hash;
    this.meta.lastSeg = location.segment;
    this.meta.lastOff = location.offset;
    this.meta.lastLen = location.length;
    this.metaDirty = true;
  }

  private metaDirty = false;
  private txStartedAt = 0;
  private commitTimer: NodeJS.Timeout | undefined;

  /**
   * Runs `work` inside the open write transaction (starting one if needed) and commits when the
   * transaction is older than `commitEveryMs`, or soon after on a timer. Few commits keep the
   * index's fsyncs from competing with the log's; a crash loses at most the uncommitted stretch,
   * which the index re-reads from the segments (its position is stored in the same transaction).
   */
  private transaction(work: () => void): void {
    const db = this.db!;
    if (!db.inTransaction) {
      db.exec('BEGIN');
      this.txStartedAt = Date.now();
    }
    try {
      work();
      if (this.metaDirty) {
        this.writeMeta(this.meta);
        this.metaDirty = false;
      }
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      this.meta = this.readMeta();
      this.metaDirty = false;
      throw error;
    }
    if (Date.now() - this.txStartedAt >= COMMIT_EVERY_MS) this.commit();
    else if (!this.commitTimer) {
      this.commitTimer = setTimeout(() => {
        this.commitTimer = undefined;
        try {
          this.commit();
        } catch (error) {
          this.recover(error);
        }
      }, COMMIT_EVERY_MS);
      this.commitTimer.unref();
    }
  }

  private commit(): void {
    if (this.commitTimer) {
      clearTimeout(this.commitTimer);
      this.commitTimer = undefined;
    }
    if (this.db?.inTransaction) {
      this.db.exec('COMMIT');
      restrictFiles(this.file);
    }
  }

  // ── meta ─────────────────────────────────────────────────────────────────

  private readMetaValue(key: string): string | undefined {
    try {
      const row = this.db!.get('SELECT value FROM meta WHERE key = ?', [key]);
      return row ? String(row.value) : undefined;
    } catch {
      return undefined;
    }
  }

  private readMeta(): Meta {
    const get = (key: string) => this.readMetaValue(key);
    return {
      schema: Number(get('schema') ?? SCHEMA_VERSION),
      lastSeq: Number(get('lastSeq') ?? 0),
      lastHash: get('lastHash') ?? '',
      lastSeg: Number(get('lastSeg') ?? 0),
      lastOff: Number(get('lastOff') ?? 0),
      lastLen: Number(get('lastLen') ?? 0),
    };
  }

  private writeMeta(values: Partial<Meta>): void {
    const statement = this.stmt('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    for (const [key, value] of Object.entries(values)) statement.run([key, String(value)]);
  }

  // ── state ────────────────────────────────────────────────────────────────

  private setMode(mode: Mode): void {
    if (this.mode === mode) return;
    this.mode = mode;
    this.emitState();
    if (mode === 'live' || mode === 'unavailable') {
      const waiters = this.caughtUpWaiters;
      this.caughtUpWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private emitState(): void {
    this.onState?.(this.state());
  }

  state(): HistoryIndexState {
    const state: HistoryIndexState['state'] =
      this.mode === 'live' ? 'ready' : this.mode === 'closed' || this.mode === 'unavailable' ? 'unavailable' : this.mode;
    return {
      state,
      indexedThrough: this.meta.lastSeq,
      lastSeq: Math.max(this.knownLastSeq, this.meta.lastSeq),
      ...(this.progress !== undefined && state !== 'ready' ? { progress: this.progress } : {}),
      ...(this.problem ? { problem: this.problem } : {}),
    };
  }

  get ready(): boolean {
    return this.mode === 'live';
  }

  /** Resolves once everything known has been indexed. */
  whenIdle(): Promise<void> {
    if (!this.db || this.mode === 'unavailable') return Promise.resolve();
    if (this.mode === 'live' && this.queue.length === 0 && this.forgetBelowSeq === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.schedule();
    });
  }

  /**
   * Resolves once the index has read what the log held when it opened (or once it gives up), or
   * after `maxWaitMs`: a query right after a start sees the whole history, while a long rebuild
   * does not hold the screen — it answers with what is there, and the state says how far it got.
   */
  async whenCaughtUp(maxWaitMs: number): Promise<void> {
    if (this.mode === 'live' || this.mode === 'unavailable' || !this.db) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        this.caughtUpWaiters.push(resolve);
        this.schedule();
      }),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, maxWaitMs))),
    ]);
    clearTimeout(timer);
  }

  private caughtUpWaiters: Array<() => void> = [];

  private resolveIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * A database error while indexing (a corrupt file, a full disk): the file is thrown away and
   * rebuilt from the log. Failing again soon after means the cause persists: history reports
   * itself unavailable and tries again a little later (space may come back), never in a tight loop.
   */
  private recover(error: unknown): void {
    this.closeCursor();
    if (this.recovering) return;
    const now = Date.now();
    const repeated = now - this.lastRecoverAt < RETRY_AFTER_MS;
    this.lastRecoverAt = now;
    this.closeDb();
    try {
      removeDatabase(this.file);
    } catch {
      /* the retry below tries again */
    }
    if (repeated) {
      this.fail(`the history index cannot be written (${(error as Error).message}); it is rebuilt from the log once it can`);
      return;
    }
    this.reopen();
  }

  private reopen(): void {
    this.recovering = true;
    this.problem = undefined;
    this.mode = 'closed';
    void this.open().finally(() => {
      this.recovering = false;
    });
  }

  private recovering = false;
  private lastRecoverAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  /** History cannot be served: say why, and try again later (space may come back, a lock may go). */
  private fail(problem: string): void {
    this.problem = problem;
    this.setMode('unavailable');
    this.emitState();
    this.resolveIdle();
    if (!this.retryTimer && !this.closing) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        if (this.mode === 'unavailable' && !this.closing) this.reopen();
      }, RETRY_AFTER_MS);
      this.retryTimer.unref();
    }
  }

  private closing = false;

  /**
   * For queries: applies whatever appends are still queued, so a page includes the newest records.
   * Returns the database, or undefined when history cannot be served.
   */
  prepareForRead(): Database | undefined {
    if (!this.db || this.mode === 'unavailable') return undefined;
    try {
      // A short gap (the usual case after a start) is closed before answering; a long rebuild
      // answers with what is indexed so far, and the state says how far that is.
      if ((this.mode === 'catching-up' || this.mode === 'rebuilding') && this.forgetBelowSeq === 0) this.readSlice(Date.now() + 30);
      if (this.mode === 'live' && this.queue.length > 0) this.drainQueue();
    } catch (error) {
      this.recover(error);
      return undefined;
    }
    return this.db;
  }

  /** A page read found the index pointing at the wrong bytes: rebuild it from the log. */
  reportInconsistent(): void {
    if (!this.db || this.mode === 'rebuilding') return;
    this.closeCursor();
    this.startRebuild('inconsistent');
    this.schedule();
  }

  /** Prepared statements are cached: the WASM build does not garbage-collect them. */
  stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db!.prepare(sql);
      this.statements.set(sql, statement);
      if (this.statements.size > 200) {
        const [oldestSql, oldest] = this.statements.entries().next().value as [string, Statement];
        oldest.finalize();
        this.statements.delete(oldestSql);
      }
    }
    return statement;
  }

  private finalizeStatements(): void {
    for (const statement of this.statements.values()) {
      try {
        statement.finalize();
      } catch {
        /* already gone */
      }
    }
    this.statements.clear();
  }

  private closeDb(): void {
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    this.finalizeStatements();
    try {
      if (this.db?.isOpen) this.db.close();
    } catch {
      /* closing a broken database */
    }
    this.db = undefined;
  }

  /** Finishes queued work that fits in a short grace period, then closes the database. */
  close(): void {
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    try {
      if (this.db && this.mode === 'live') this.drainQueue();
      this.commit();
    } catch {
      /* re-read from the segments next time */
    }
    this.closeCursor();
    this.closeDb();
    this.setMode('closed');
    this.resolveIdle();
    for (const resolve of this.caughtUpWaiters.splice(0)) resolve();
  }
}
