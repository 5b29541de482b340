import fs from 'node:fs';
import path from 'node:path';
import { GENESIS_HASH, type AuditEntry, type AuditRecord } from '../../../shared/audit';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../secure-fs';
import { recordHash } from './chain';
import { listSegments, segmentPath, splitLines } from './segments';

export class AuditUnavailable extends Error {}

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

export interface RecoveryNote {
  file: string;
  bytes: number;
  quarantinedTo: string;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The append-only, hash-chained audit log. Each append is written to the file synchronously —
 * so a record exists before the call it describes is forwarded, and survives the process being
 * killed — and is made durable by a group commit: one fdatasync covers every record written
 * while the previous one ran. Whoever answers a host waits for `durable` first.
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
  private failure: string | undefined;
  private readonly maxSegmentBytes: number;
  private readonly rotateDaily: boolean;
  private readonly now: () => Date;
  private listeners = new Set<(record: AuditRecord) => void>();
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
      this.failure = undefined;
    } catch (error) {
      this.failure = `the audit log at ${this.dir} cannot be opened: ${(error as Error).message}`;
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
      fs.writeFileSync(quarantinedTo, tail, { mode: PRIVATE_FILE_MODE });
      fs.truncateSync(last.file, content.length - tail.length);
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
    this.segmentIndex = index;
    this.segmentBytes = existingBytes;
    if (existingBytes === 0) this.segmentDay = '';
  }

  private rotate(): void {
    if (this.fd !== undefined) {
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
    }
    this.syncedSeq = this.writtenSeq;
    this.resolveWaiters();
    this.openSegment(this.segmentIndex + 1);
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

  onAppend(listener: (record: AuditRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(entry: AuditEntry): AppendResult {
    const now = this.now();
    const body = { v: 1 as const, seq: this.seq + 1, ts: now.toISOString(), prev: this.head, ...entry };
    const record = { ...body, hash: recordHash(body) } as AuditRecord;
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    try {
      if (this.fd === undefined) this.openOrThrow();
      const day = record.ts.slice(0, 10);
      const dayChanged = this.rotateDaily && this.segmentDay !== '' && this.segmentDay !== day;
      if (this.segmentBytes > 0 && (dayChanged || this.segmentBytes + bytes.length > this.maxSegmentBytes)) this.rotate();
      this.writeFully(bytes);
      if (this.segmentDay === '') this.segmentDay = day;
    } catch (error) {
      this.failure = `the audit log cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      throw new AuditUnavailable(this.failure);
    }
    this.failure = undefined;
    this.seq = record.seq;
    this.head = record.hash;
    this.writtenSeq = record.seq;
    for (const listener of this.listeners) listener(record);
    return { record, durable: this.durableThrough(record.seq) };
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
      this.waiters.push({ seq, resolve, reject });
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
        this.failure = `the audit log cannot be flushed to disk (${error.code ?? error.message})`;
        const failed = this.waiters.filter((w) => w.seq <= target);
        this.waiters = this.waiters.filter((w) => w.seq > target);
        for (const waiter of failed) waiter.reject(new AuditUnavailable(this.failure));
      } else {
        this.syncedSeq = Math.max(this.syncedSeq, target);
        this.resolveWaiters();
      }
      if (this.waiters.length > 0) this.scheduleSync();
    });
  }

  private resolveWaiters(): void {
    const done = this.waiters.filter((w) => w.seq <= this.syncedSeq);
    this.waiters = this.waiters.filter((w) => w.seq > this.syncedSeq);
    for (const waiter of done) waiter.resolve();
  }

  /** Waits for everything written so far to be durable, then closes the file. */
  async close(): Promise<void> {
    if (this.writtenSeq > this.syncedSeq) await this.durableThrough(this.writtenSeq).catch(() => undefined);
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
