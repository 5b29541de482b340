import fs from 'node:fs';
import path from 'node:path';
import { GENESIS_HASH, type AuditRecord, type TrimmedRange } from '../../../shared/audit';
import { recordHash } from './chain';
import { listSegments, readLines } from './segments';

export interface VerifyProblem {
  file: string;
  line: number;
  seq?: number;
  ts?: string;
  reason: string;
}

export interface VerifyResult {
  ok: boolean;
  records: number;
  segments: number;
  firstSeq?: number;
  lastSeq?: number;
  lastHash: string;
  /** Every retention trim recorded in the chain, oldest first. */
  trims: TrimmedRange[];
  /** Set when the log no longer starts at record #1: the recorded trim that accounts for the start. */
  startsAfterTrim?: TrimmedRange;
  /** The first broken record; verification stops there. */
  problem?: VerifyProblem;
  /** An incomplete last line (a write cut short by a crash), reported, not counted as tampering. */
  tornTail?: { file: string; bytes: number };
  /** Fragments moved aside at earlier starts (torn last lines), so none goes unmentioned. */
  quarantined: Array<{ file: string; bytes: number }>;
}

/**
 * Checks the chain one line at a time: each record's hash, its link to the one before, and its
 * sequence number. A log whose first record is not #1 must contain a trim record (in the chain,
 * so itself protected) naming exactly the record it continues from; otherwise the missing start
 * is reported as removed records.
 */
export class ChainVerifier {
  private prev = GENESIS_HASH;
  private expectedSeq: number | undefined;
  private records = 0;
  private firstSeq: number | undefined;
  private lastSeq: number | undefined;
  private start: { seq: number; prev: string; file: string } | undefined;
  private accounted: TrimmedRange | undefined;
  private readonly trims: TrimmedRange[] = [];
  problem: VerifyProblem | undefined;

  /** Feeds one complete line; returns false once a problem was found (stop feeding). */
  line(text: string, file: string, lineNo: number): boolean {
    if (this.problem) return false;
    let record: AuditRecord;
    try {
      record = JSON.parse(text) as AuditRecord;
    } catch {
      return this.fail(file, lineNo, undefined, undefined, 'the line is not valid JSON (edited or corrupted)');
    }
    if (typeof record !== 'object' || record === null || typeof record.seq !== 'number' || typeof record.prev !== 'string') {
      return this.fail(file, lineNo, undefined, undefined, 'the line is not an audit record');
    }
    if (this.expectedSeq === undefined) {
      this.firstSeq = record.seq;
      if (record.seq !== 1 || record.prev !== GENESIS_HASH) {
        // The log was trimmed (or its start removed): the claim is checked when a trim record turns up.
        this.start = { seq: record.seq, prev: record.prev, file };
        this.prev = record.prev;
      }
    } else if (record.seq !== this.expectedSeq) {
      return this.fail(file, lineNo, record.seq, record.ts, `sequence jumps from ${this.expectedSeq - 1} to ${record.seq} (records removed or reordered)`);
    }
    if (record.prev !== this.prev) {
      return this.fail(file, lineNo, record.seq, record.ts, 'it does not link to the record before it (a record was removed, inserted or reordered)');
    }
    if (recordHash(record) !== record.hash) {
      return this.fail(file, lineNo, record.seq, record.ts, 'its content does not match its hash (the record was edited)');
    }
    if (record.type === 'event' && record.event === 'audit-trimmed' && record.trimmed) {
      this.trims.push(record.trimmed);
      if (this.start && record.trimmed.lastSeq + 1 === this.start.seq && record.trimmed.lastHash === this.start.prev) {
        this.accounted = record.trimmed;
      }
    }
    this.prev = record.hash;
    this.expectedSeq = record.seq + 1;
    this.lastSeq = record.seq;
    this.records++;
    return true;
  }

  fail(file: string, line: number, seq: number | undefined, ts: string | undefined, reason: string): false {
    this.problem = { file: path.basename(file), line, ...(seq !== undefined ? { seq } : {}), ...(ts ? { ts } : {}), reason };
    return false;
  }

  result(segments: number, extra: Pick<VerifyResult, 'tornTail' | 'quarantined'>): VerifyResult {
    if (!this.problem && this.start && !this.accounted) {
      this.problem = {
        file: path.basename(this.start.file),
        line: 1,
        seq: this.start.seq,
        reason: `the log starts at record #${this.start.seq}, but no trim record accounts for the records before it (records were removed)`,
      };
    }
    return {
      ok: this.problem === undefined,
      records: this.records,
      segments,
      ...(this.firstSeq !== undefined ? { firstSeq: this.firstSeq } : {}),
      ...(this.lastSeq !== undefined ? { lastSeq: this.lastSeq } : {}),
      lastHash: this.prev,
      trims: this.trims,
      ...(this.accounted ? { startsAfterTrim: this.accounted } : {}),
      ...(this.problem ? { problem: this.problem } : {}),
      ...extra,
    };
  }
}

function quarantinedFiles(dir: string): VerifyResult['quarantined'] {
  const qdir = path.join(dir, 'quarantine');
  let names: string[];
  try {
    names = fs.readdirSync(qdir);
  } catch {
    return [];
  }
  return names.sort().map((name) => ({ file: name, bytes: fs.statSync(path.join(qdir, name)).size }));
}

/**
 * Walks every segment oldest first, yielding now and then so an async driver can give the event
 * loop back: a long verification never holds it for more than a few milliseconds at a time.
 */
function* walk(dir: string): Generator<void, VerifyResult> {
  const segments = listSegments(dir);
  const verifier = new ChainVerifier();
  let tornTail: VerifyResult['tornTail'];
  let count = 0;
  outer: for (let s = 0; s < segments.length; s++) {
    const { file } = segments[s]!;
    const state: { tornTailAt?: number; end?: number } = {};
    let lineNo = 0;
    for (const line of readLines(file, 0, state)) {
      lineNo++;
      if (!verifier.line(line.text, file, lineNo)) break outer;
      if (++count % 256 === 0) yield;
    }
    if (state.tornTailAt !== undefined) {
      const bytes = fs.statSync(file).size - state.tornTailAt;
      if (s === segments.length - 1) tornTail = { file: path.basename(file), bytes };
      else {
        verifier.fail(file, lineNo + 1, undefined, undefined, 'an incomplete line in the middle of the log');
        break;
      }
    }
  }
  return verifier.result(segments.length, { ...(tornTail ? { tornTail } : {}), quarantined: quarantinedFiles(dir) });
}

/** Verifies the whole log synchronously (the CLI). */
export function verifyAuditLog(dir: string): VerifyResult {
  const steps = walk(dir);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Verifies the whole log in slices of about 10 ms (the core, while it keeps serving calls). */
export async function verifyAuditLogAsync(dir: string): Promise<VerifyResult> {
  const steps = walk(dir);
  let sliceStart = Date.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (Date.now() - sliceStart > 10) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = Date.now();
    }
  }
}
