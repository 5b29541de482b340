import fs from 'node:fs';
import { GENESIS_HASH, type AuditEntry, type AuditRecord } from '../../../shared/audit';
import { recordHash } from '../audit/chain';
import { segmentPath } from '../audit/segments';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../secure-fs';

/**
 * A realistic, valid (hash-chained) audit log of any size, written straight into segments: for
 * benchmarks, for tests of the index at scale, and for the History screen's end-to-end test and
 * demo. Deterministic for a given seed, so tests can count what they expect.
 */
export interface SyntheticOptions {
  /** Number of calls (each is one call record, plus a result record when allowed). */
  calls: number;
  /** Time of the first record (ms); calls are `spacingMs` apart. */
  startMs?: number;
  spacingMs?: number;
  maxSegmentBytes?: number;
  seed?: number;
  /** Called for every call written (tests collect expectations). */
  onCall?: (call: SyntheticCall) => void;
}

export interface SyntheticCall {
  seq: number;
  call: string;
  server: string;
  tool: string;
  host: string;
  decision: 'allow' | 'deny';
  decidedBy: string;
  outcome: string;
  ts: number;
  words: string[];
}

export const SYNTHETIC = {
  servers: ['filesystem', 'github', 'slack', 'memory', 'everything', 'postgres', 'fetch', 'git'],
  tools: ['read_file', 'write_file', 'list_directory', 'search_files', 'create_issue', 'post_message', 'query', 'fetch_url', 'git_commit', 'move_file'],
  hosts: ['claude-ai', 'cursor-vscode', 'Visual Studio Code', 'claude-code', 'zed'],
  words: ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'report', 'notes', 'budget', 'invoice', 'readme', 'config', 'roadmap', 'draft', 'minutes', 'summary'],
};

/** Mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticResult {
  records: number;
  calls: number;
  segments: number;
  lastSeq: number;
  lastHash: string;
}

export function writeSyntheticLog(dir: string, options: SyntheticOptions): SyntheticResult {
  ensurePrivateDir(dir);
  const random = prng(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const maxSegmentBytes = options.maxSegmentBytes ?? 64 * 1024 * 1024;
  let time = options.startMs ?? Date.UTC(2026, 0, 1);
  const spacing = options.spacingMs ?? 1000;
  let seq = 0;
  let prev = GENESIS_HASH;
  let segment = 1;
  let segmentBytes = 0;
  let fd = fs.openSync(segmentPath(dir, segment), 'w', PRIVATE_FILE_MODE);
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pending.length === 0) return;
    fs.writeSync(fd, pending.join(''));
    pending = [];
    pendingBytes = 0;
  };
  const write = (entry: AuditEntry, ts: number) => {
    const body = { v: 1 as const, seq: seq + 1, ts: new Date(ts).toISOString(), prev, ...entry };
    const record = { ...body, hash: recordHash(body) } as AuditRecord;
    const line = `${JSON.stringify(record)}\n`;
    const bytes = Buffer.byteLength(line);
    if (segmentBytes > 0 && segmentBytes + bytes > maxSegmentBytes) {
      flush();
      fs.closeSync(fd);
      segment++;
      segmentBytes = 0;
      fd = fs.openSync(segmentPath(dir, segment), 'w', PRIVATE_FILE_MODE);
    }
    pending.push(line);
    pendingBytes += bytes;
    segmentBytes += bytes;
    if (pendingBytes > 1024 * 1024) flush();
    seq = record.seq;
    prev = record.hash;
    return record;
  };
  let records = 0;
  for (let i = 0; i < options.calls; i++) {
    const server = pick(SYNTHETIC.servers);
    const tool = pick(SYNTHETIC.tools);
    const hostName = pick(SYNTHETIC.hosts);
    const w1 = pick(SYNTHETIC.words);
    const w2 = pick(SYNTHETIC.words);
    const r = random();
    const decision: 'allow' | 'deny' = r < 0.8 ? 'allow' : 'deny';
    const decidedBy = decision === 'allow' ? (r < 0.5 ? 'rule' : r < 0.7 ? 'person' : 'session-grant') : r < 0.9 ? 'person' : r < 0.95 ? 'timeout' : 'rule';
    const callId = `c${i.toString(36)}x${Math.floor(random() * 1e9).toString(36)}`;
    const path = `/home/user/projects/${w1}/${w2}-${i % 997}.md`;
    const refusalOutcome = decidedBy === 'timeout' ? 'waiting' : 'denied';
    const call = write(
      {
        type: 'call',
        call: callId,
        host: { name: hostName, version: '1.0.0', session: `s${(i >> 6).toString(36)}`, transport: 'stdio' },
        server,
        method: 'tools/call',
        target: tool,
        resources: [{ kind: 'path', raw: path, resolved: path, pointer: '/path' }],
        params: { path, content: `${pick(SYNTHETIC.words)} ${pick(SYNTHETIC.words)} ${pick(SYNTHETIC.words)}` },
        request: recordHashless(i),
        decision,
        decidedBy: decidedBy as never,
        ...(decision === 'deny' ? { outcome: refusalOutcome as never } : {}),
      },
      time,
    );
    records++;
    let outcome: string = refusalOutcome;
    if (decision === 'allow') {
      const rr = random();
      outcome = rr < 0.9 ? 'result' : rr < 0.97 ? 'tool-error' : 'rpc-error';
      write(
        {
          type: 'result',
          call: callId,
          server,
          target: tool,
          outcome: outcome as never,
          durationMs: Math.floor(random() * 500),
          bytes: Math.floor(random() * 5000),
          summary: `${w1} ${w2} done`,
          ...(outcome === 'rpc-error' ? { errorCode: -32603 } : {}),
        },
        time + 5,
      );
      records++;
    }
    options.onCall?.({ seq: call.seq, call: callId, server, tool, host: hostName, decision, decidedBy, outcome, ts: time, words: [w1, w2] });
    time += spacing;
  }
  flush();
  fs.closeSync(fd);
  return { records, calls: options.calls, segments: segment, lastSeq: seq, lastHash: prev };
}

function recordHashless(i: number): string {
  return i.toString(16).padStart(64, '0');
}
