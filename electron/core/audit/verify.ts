import fs from 'node:fs';
import path from 'node:path';
import { GENESIS_HASH, type AuditRecord } from '../../../shared/audit';
import { recordHash } from './chain';
import { listSegments, splitLines } from './segments';

export interface VerifyProblem {
  file: string;
  line: number;
  seq?: number;
  reason: string;
}

export interface VerifyResult {
  ok: boolean;
  records: number;
  segments: number;
  lastSeq?: number;
  lastHash: string;
  /** The first broken record; verification stops there. */
  problem?: VerifyProblem;
  /** An incomplete last line (a write cut short by a crash), reported, not counted as tampering. */
  tornTail?: { file: string; bytes: number };
}

/** Walks every segment oldest first and checks each record's hash, link and sequence. */
export function verifyAuditLog(dir: string): VerifyResult {
  const segments = listSegments(dir);
  let prev = GENESIS_HASH;
  let expectedSeq: number | undefined;
  let records = 0;
  let lastSeq: number | undefined;
  let tornTail: VerifyResult['tornTail'];
  for (let s = 0; s < segments.length; s++) {
    const { file } = segments[s]!;
    const { lines, tail } = splitLines(fs.readFileSync(file));
    if (tail.length > 0) {
      if (s === segments.length - 1) tornTail = { file, bytes: tail.length };
      else return fail(file, lines.length + 1, undefined, 'an incomplete line in the middle of the log');
    }
    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1;
      let record: AuditRecord;
      try {
        record = JSON.parse(lines[i]!) as AuditRecord;
      } catch {
        return fail(file, lineNo, undefined, 'the line is not valid JSON (edited or corrupted)');
      }
      if (typeof record !== 'object' || record === null || typeof record.seq !== 'number') {
        return fail(file, lineNo, undefined, 'the line is not an audit record');
      }
      if (expectedSeq !== undefined && record.seq !== expectedSeq) {
        return fail(file, lineNo, record.seq, `sequence jumps from ${expectedSeq - 1} to ${record.seq} (records removed or reordered)`);
      }
      if (record.prev !== prev) {
        return fail(file, lineNo, record.seq, 'it does not link to the record before it (a record was removed, inserted or reordered)');
      }
      if (recordHash(record) !== record.hash) {
        return fail(file, lineNo, record.seq, 'its content does not match its hash (the record was edited)');
      }
      prev = record.hash;
      expectedSeq = record.seq + 1;
      lastSeq = record.seq;
      records++;
    }
  }
  return { ok: true, records, segments: segments.length, lastSeq, lastHash: prev, tornTail };

  function fail(file: string, line: number, seq: number | undefined, reason: string): VerifyResult {
    return {
      ok: false,
      records,
      segments: segments.length,
      lastSeq,
      lastHash: prev,
      problem: { file: path.basename(file), line, seq, reason },
      tornTail,
    };
  }
}
