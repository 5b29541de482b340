import fs from 'node:fs';
import path from 'node:path';
import { GENESIS_HASH, type AuditEntry, type AuditRecord, type TrimmedRange } from '../../../shared/audit';
import { ensurePrivateDir, fsyncDir, PRIVATE_FILE_MODE, writeNewPrivateFileDurably } from '../secure-fs';
import { recordHash } from './chain';
import { firstLine, lastLine, listSegments, segmentPath, splitLines } from './segments';

export class AuditUnavailable extends Error {}

/** How long a record appended with `sync: 'soon'` may wait for a flush to share. */
const SYNC_SOON_MS = 10;

/** The JSON each appended record was written as, so whoever forwards it (the window) need not serialise it again. */
export const serializedRecords = new WeakMap<AuditRecord, string>();

export interface AuditLogOptions {
  /** Start a new segment once the current one would grow past this (default 64 MiB). */
  maxSegmentBytes?: number;
  /** Start a new segment when the UTC day changes (default true). */
  rotateDaily?: boolean;
  now?: () => Date;
}

export interface AppendResult {
  record: AuditRecord;
  /** Resolves once the record is on stable storage (fdatasync, shared by every record written meanwhile). */
  durable: Promise<void>;
}

/** Where an appended record sits: segment number, byte offset and length of its line (newline included). */
export interface RecordLocation {
  segment: number;
  offset: number;
  length: number;
}

export type AppendListener = (record: AuditRecord, location: RecordLocation) => void;

export interface RecoveryNote {
  file: string;
  bytes: number;
  quarantinedTo: string;
}

interface Waiter {
  seq: number;
  /** Starts a flush of its own if none covers it; a 'soon' waiter rides on the next one. */
  urgent: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The append-only, hash-chained audit log. Each append is written to the file synchronously —
 * so a record exists before the call it describes is forwarded, and survives the process being
 * killed — and is made durable by a group commit: one fdatasync covers every record written
 * while the previous one ran. The core answers a host only once the call's decision is durable
 * and its result is written (see `Core.completeCall`).
 */
export class AuditLog {
  private fd: number | undefined;
  private segmentIndex = 0;
  private segmentBytes = 0;
  private segmentDay = '';
  private seq = 0;
  private head = GENESIS_HASH;
  private writtenSeq = 0;
  private syncedSeq = 0;
  private syncing = false;
  private waiters: Waiter[] = [];
  private soonTimer: NodeJS.Timeout | undefined;
  private failure: string | undefined;
  private readonly maxSegmentBytes: number;
  private readonly rotateDaily: boolean;
  private readonly now: () => Date;
  private listeners = new Set<AppendListener>();
  private problemListeners = new Set<(problem: string | undefined) => void>();
  private rotateListeners = new Set<(segment: number) => void>();
  readonly recovered: RecoveryNote[] = [];

  constructor(
    readonly dir: string,
    options: AuditLogOptions = {},
  ) {
    this.maxSegmentBytes = options.maxSegmentBytes ?? 64 * 1024 * 1024;
    this.rotateDaily = options.rotateDaily ?? true;
    this.now = options.now ?? (() => new Date());
  }

  /** Opens the newest segment and restores the chain head. A torn last line is quarantined, never dropped. */
  open(): void {
    try {
      this.openOrThrow();
      this.setFailure(undefined);
    } catch (error) {
      this.setFailure(`the audit log at ${this.dir} cannot be opened: ${(error as Error).message}`);
    }
  }

  /** Records why the log is unusable (or that it is usable again) and tells whoever shows it. */
  private setFailure(problem: string | undefined): void {
    if (problem === this.failure) return;
    this.failure = problem;
    for (const listener of this.problemListeners) {
      try {
        listener(problem);
      } catch {
        /* A listener's failure must not change what the log does. */
      }
    }
  }

  private openOrThrow(): void {
    ensurePrivateDir(this.dir);
    const segments = listSegments(this.dir);
    const last = segments.at(-1);
    if (!last) {
      this.openSegment(1);
      return;
    }
    let content = fs.readFileSync(last.file);
    const { tail } = splitLines(content);
    if (tail.length > 0) {
      const quarantineDir = path.join(this.dir, 'quarantine');
      ensurePrivateDir(quarantineDir);
      const quarantinedTo = path.join(quarantineDir, `${path.basename(last.file)}.torn-${Date.now()}`);
      // The fragment is kept (and made durable) before it is cut from the segment: never silently dropped.
      writeNewPrivateFileDurably(quarantinedTo, tail);
      const sfd = fs.openSync(last.file, 'r+');
      try {
        fs.ftruncateSync(sfd, content.length - tail.length);
        fs.fsyncSync(sfd);
      } finally {
        fs.closeSync(sfd);
      }
      this.recovered.push({ file: last.file, bytes: tail.length, quarantinedTo });
      content = content.subarray(0, content.length - tail.length);
    }
    this.restoreHead(segments.map((s) => s.file));
    this.openSegment(last.index, content.length);
  }

  /** Finds the newest complete record, looking back across segments if the newest is empty. */
  private restoreHead(files: string[]): void {
    for (let i = files.length - 1; i >= 0; i--) {
      const { lines } = splitLines(fs.readFileSync(files[i]!));
      const lastLine = lines.at(-1);
      if (lastLine === undefined) continue;
      const record = JSON.parse(lastLine) as AuditRecord;
      this.seq = this.writtenSeq = this.syncedSeq = record.seq;
      this.head = record.hash;
      this.segmentDay = i === files.length - 1 ? record.ts.slice(0, 10) : '';
      return;
    }
  }

  private openSegment(index: number, existingBytes = 0): void {
    const file = segmentPath(this.dir, index);
    this.fd = fs.openSync(file, 'a', PRIVATE_FILE_MODE);
    // A new file's name must survive power loss too, or fsynced records could vanish with it.
    if (existingBytes === 0) fsyncDir(this.dir);
    this.segmentIndex = index;
    this.segmentBytes = existingBytes;
    if (existingBytes === 0) this.segmentDay = '';
  }

  private rotate(): void {
    if (this.fd !== undefined) {
      const fd = this.fd;
      fs.fsyncSync(fd);
      // Forget the descriptor before anything else can fail: if opening the next segment throws,
      // a stale number must not be written to later (it may by then belong to another file).
      this.fd = undefined;
      fs.closeSync(fd);
    }
    this.syncedSeq = this.writtenSeq;
    this.resolveWaiters();
    this.openSegment(this.segmentIndex + 1);
    const segment = this.segmentIndex;
    // Rotation happens inside an append; listeners (retention appends a trim record) run only
    // once that append has finished, so no record is ever written in the middle of another.
    queueMicrotask(() => {
      for (const listener of this.rotateListeners) {
        try {
          listener(segment);
        } catch {
          /* see setFailure */
        }
      }
    });
  }

  /** Why the log cannot be written right now, if it cannot. */
  get problem(): string | undefined {
    return this.failure;
  }

  get lastSeq(): number {
    return this.seq;
  }

  get currentSegment(): string {
    return segmentPath(this.dir, this.segmentIndex);
  }

  /** Number of the segment being written; segments below it are complete and may be trimmed. */
  get currentSegmentIndex(): number {
    return this.segmentIndex;
  }

  /** Hash of the newest record (the genesis hash for an empty log). */
  get headHash(): string {
    return this.head;
  }

  /**
   * Called synchronously after each record is on file, with where it was written. Listeners must
   * be cheap (queue the work): they run on the append path. A throwing listener is ignored.
   */
  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when the log becomes unusable (with the reason) and when it works again (undefined). */
  onProblem(listener: (problem: string | undefined) => void): () => void {
    this.problemListeners.add(listener);
    return () => this.problemListeners.delete(listener);
  }

  /** Called after a new segment was started. */
  onRotate(listener: (segment: number) => void): () => void {
    this.rotateListeners.add(listener);
    return () => this.rotateListeners.delete(listener);
  }

  /**
   * Writes the record at once. Its fdatasync starts at once (`sync: 'now'`, the default) or rides
   * on the next flush anyone starts, at the latest after SYNC_SOON_MS (`sync: 'soon'`): a call's
   * result then shares the flush of the next call's decision instead of costing one of its own.
   */
  append(entry: AuditEntry, options: { sync?: 'now' | 'soon' } = {}): AppendResult {
    const now = this.now();
    const body = { v: 1 as const, seq: this.seq + 1, ts: now.toISOString(), prev: this.head, ...entry };
    const record = { ...body, hash: recordHash(body) } as AuditRecord;
    const json = JSON.stringify(record);
    serializedRecords.set(record, json);
    const bytes = Buffer.from(`${json}\n`, 'utf8');
    let location: RecordLocation;
    try {
      if (this.fd === undefined) this.openOrThrow();
      const day = record.ts.slice(0, 10);
      const dayChanged = this.rotateDaily && this.segmentDay !== '' && this.segmentDay !== day;
      if (this.segmentBytes > 0 && (dayChanged || this.segmentBytes + bytes.length > this.maxSegmentBytes)) this.rotate();
      location = { segment: this.segmentIndex, offset: this.segmentBytes, length: bytes.length };
      this.writeFully(bytes);
      if (this.segmentDay === '') this.segmentDay = day;
    } catch (error) {
      const problem = `the audit log cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      this.setFailure(problem);
      throw new AuditUnavailable(problem);
    }
    this.setFailure(undefined);
    this.seq = record.seq;
    this.head = record.hash;
    this.writtenSeq = record.seq;
    for (const listener of this.listeners) {
      try {
        listener(record, location);
      } catch {
        /* The record is written; an observer's failure must not turn that into an error. */
      }
    }
    return { record, durable: options.sync === 'soon' ? this.durableSoon(record.seq) : this.durableThrough(record.seq) };
  }

  private durableSoon(seq: number): Promise<void> {
    if (this.syncedSeq >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq, urgent: false, resolve, reject });
      this.armSoonTimer();
    });
  }

  private armSoonTimer(): void {
    if (this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      if (this.waiters.length === 0) return;
      // A flush is running: the waiters it does not cover get another turn of the timer.
      if (this.syncing) this.armSoonTimer();
      else this.scheduleSync();
    }, SYNC_SOON_MS);
    this.soonTimer.unref();
  }

  /** Writes all bytes or none: a failed write is cut back so no half record stays in the chain. */
  private writeFully(bytes: Buffer): void {
    const fd = this.fd!;
    let offset = 0;
    try {
      while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if (offset > 0) {
        try {
          fs.ftruncateSync(fd, this.segmentBytes);
        } catch {
          /* The torn line will be quarantined at the next open. */
        }
      }
      throw error;
    }
    this.segmentBytes += bytes.length;
  }

  private durableThrough(seq: number): Promise<void> {
    if (this.syncedSeq >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq, urgent: true, resolve, reject });
      this.scheduleSync();
    });
  }

  private scheduleSync(): void {
    if (this.syncing || this.fd === undefined) return;
    this.syncing = true;
    const target = this.writtenSeq;
    const fd = this.fd;
    const segment = this.segmentIndex;
    fs.fdatasync(fd, (error) => {
      this.syncing = false;
      // A rotation meanwhile fsynced and closed this file itself; an EBADF here is not a failure.
      if (error && segment !== this.segmentIndex) error = null;
      if (error) {
        const problem = `the audit log cannot be flushed to disk (${error.code ?? error.message})`;
        this.setFailure(problem);
        const failed = this.waiters.filter((w) => w.seq <= target);
        this.waiters = this.waiters.filter((w) => w.seq > target);
        for (const waiter of failed) waiter.reject(new AuditUnavailable(problem));
      } else {
        this.syncedSeq = Math.max(this.syncedSeq, target);
        this.resolveWaiters();
      }
      if (this.waiters.some((w) => w.urgent)) this.scheduleSync();
      else if (this.waiters.length > 0) this.armSoonTimer();
    });
  }

  private resolveWaiters(): void {
    const done = this.waiters.filter((w) => w.seq <= this.syncedSeq);
    this.waiters = this.waiters.filter((w) => w.seq > this.syncedSeq);
    for (const waiter of done) waiter.resolve();
  }

  /**
   * Removes the oldest `count` segments (never the one being written). The trim is first written
   * into the chain — naming the segments, their records and the hash the remaining log continues
   * from — and made durable; only then are the files deleted. A crash in between leaves extra
   * segments behind (trimmed again later), never a gap that verification cannot explain.
   */
  async trimOldest(count: number, reason: string, by = 'retention'): Promise<TrimmedRange | undefined> {
    const candidates = listSegments(this.dir).filter((s) => s.index < this.segmentIndex).slice(0, count);
    if (candidates.length === 0) return undefined;
    let firstSeq: number | undefined;
    let last: AuditRecord | undefined;
    let bytes = 0;
    for (const segment of candidates) {
      bytes += fs.statSync(segment.file).size;
      const first = firstLine(segment.file);
      if (first && firstSeq === undefined) firstSeq = (JSON.parse(first.text) as AuditRecord).seq;
      const tail = lastLine(segment.file);
      if (tail) last = JSON.parse(tail.text) as AuditRecord;
    }
    if (firstSeq === undefined || last === undefined) {
      for (const segment of candidates) fs.rmSync(segment.file, { force: true });
      return undefined;
    }
    const trimmed: TrimmedRange = {
      segments: candidates.map((s) => path.basename(s.file)),
      firstSeq,
      lastSeq: last.seq,
      lastHash: last.hash,
      records: last.seq - firstSeq + 1,
      bytes,
      reason,
    };
    const detail = `removed records #${firstSeq}–#${last.seq} (${trimmed.segments.length} segment(s), ${bytes} bytes): ${reason}`;
    await this.append({ type: 'event', event: 'audit-trimmed', by, detail, trimmed }).durable;
    for (const segment of candidates) fs.rmSync(segment.file, { force: true });
    fsyncDir(this.dir);
    return trimmed;
  }

  /** Waits for everything written so far to be durable, then closes the file. */
  async close(): Promise<void> {
    if (this.writtenSeq > this.syncedSeq) await this.durableThrough(this.writtenSeq).catch(() => undefined);
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
