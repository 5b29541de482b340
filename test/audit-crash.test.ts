/**
 * Crash safety of the audit log: a real process logs at full speed (8 concurrent "hosts", each
 * writing a call's decision and its result and acknowledging both once the decision is durable,
 * as the core does before answering a host) and is killed with SIGKILL at a random moment, again
 * and again on the same log. After every kill the chain must verify and every acknowledged record must be there; a
 * torn last line is quarantined (kept, reported), never silently dropped.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../electron/core/audit/log';
import { verifyAuditLog } from '../electron/core/audit/verify';
import { HistoryIndex } from '../electron/core/history/index';
import { cleanupHomes, tempDir } from './helpers/harness';
import { bundleChild, readAllRecords } from './history-helpers';

const RUNS = 30;

const CHILD = `
import { AuditLog } from './electron/core/audit/log';
import { HistoryIndex } from './electron/core/history/index';

const dir = process.argv[2];
// Small segments, so kills also land around rotations.
const log = new AuditLog(dir, { maxSegmentBytes: 64 * 1024 });
log.open();
if (log.problem) { process.stderr.write(log.problem); process.exit(2); }
const index = new HistoryIndex({ auditDir: dir });
await index.open();
index.attach(log);
let n = 0;
const run = process.argv[3];
async function host(k) {
  for (;;) {
    const id = run + '-' + k + '-' + n++;
    const { record, durable } = log.append({
      type: 'call', call: id, host: { name: 'crash-test', version: '1', session: 's' + k, transport: 'stdio' },
      server: 'filesystem', method: 'tools/call', target: 'write_file', resources: [],
      params: { path: '/tmp/' + id, content: 'x'.repeat(n % 300) }, request: '0'.repeat(64),
      decision: 'allow', decidedBy: 'rule',
    });
    const result = log.append({ type: 'result', call: id, server: 'filesystem', target: 'write_file', outcome: 'result', durationMs: 1 }, { sync: 'soon' });
    result.durable.catch(() => {});
    await durable;
    // stdout to a pipe is synchronous on Linux: once this returns, the parent has the ack.
    process.stdout.write(record.seq + ' ' + result.record.seq + ' ' + id + '\\n');
  }
}
process.stdout.write('ready\\n');
for (let k = 0; k < 8; k++) void host(k);
`;

let childFile: string;

beforeAll(async () => {
  childFile = await bundleChild(CHILD, 'crash-writer');
});
afterAll(() => cleanupHomes());

/** Acknowledged calls by id: the seq of the decision and of the result. */
type Acked = Map<string, [number, number]>;

function runAndKill(dir: string, run: number, killAfterMs: number): Promise<{ acked: Acked; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childFile, dir, `r${run}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: Acked = new Map();
    let buffer = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') {
          timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
          continue;
        }
        const [seq, resultSeq, id] = line.split(' ');
        acked.set(id!, [Number(seq), Number(resultSeq)]);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the writer exited by itself (${code}): ${stderr}`));
      else resolve({ acked, stderr });
    });
  });
}

describe('kill -9 during heavy logging', () => {
  it(`loses no acknowledged record and keeps the chain verifiable over ${RUNS} kills`, async () => {
    const dir = path.join(tempDir(), 'audit');
    const allAcked: Acked = new Map();
    let tornTails = 0;
    for (let run = 0; run < RUNS; run++) {
      const { acked } = await runAndKill(dir, run, 20 + Math.floor(Math.random() * 400));
      for (const [id, seq] of acked) allAcked.set(id, seq);

      const verified = verifyAuditLog(dir);
      expect(verified.problem, `run ${run}: ${JSON.stringify(verified.problem)}`).toBeUndefined();
      expect(verified.ok).toBe(true);
      if (verified.tornTail) tornTails++;

      const records = readAllRecords(dir);
      const decisions = new Map(records.flatMap((r) => (r.type === 'call' ? [[r.call, r.seq] as const] : [])));
      const results = new Map(records.flatMap((r) => (r.type === 'result' ? [[r.call, r.seq] as const] : [])));
      const missing = [...allAcked].filter(([id, [seq, resultSeq]]) => decisions.get(id) !== seq || results.get(id) !== resultSeq);
      expect(missing, `run ${run}: acknowledged but missing`).toEqual([]);
    }
    expect(allAcked.size).toBeGreaterThan(RUNS * 10);

    // Opening the log, as the next core start does, quarantines a torn tail: kept, not dropped.
    const log = new AuditLog(dir);
    log.open();
    expect(log.problem).toBeUndefined();
    for (const note of log.recovered) {
      expect(fs.statSync(note.quarantinedTo).size).toBe(note.bytes);
    }
    const after = verifyAuditLog(dir);
    expect(after.ok).toBe(true);
    expect(after.tornTail).toBeUndefined();
    // Each torn tail a kill left was moved to quarantine by the next open, none lost on the way.
    expect(after.quarantined.length).toBe(tornTails);
    await log.close();

    // The index the killed writers kept catches up (or rebuilds) and agrees with the log.
    const index = new HistoryIndex({ auditDir: dir });
    await index.open();
    await index.whenIdle();
    expect(index.state()).toMatchObject({ state: 'ready', indexedThrough: after.lastSeq });
    const calls = readAllRecords(dir).filter((r) => r.type === 'call').length;
    const db = index.prepareForRead()!;
    expect(Number(db.get('SELECT count(*) AS n FROM calls')!.n)).toBe(calls);
    index.close();
  }, 240_000);
});

describe('records that wait for company', () => {
  it('are flushed on their own when no other record comes, and while other flushes run', async () => {
    const dir = path.join(tempDir(), 'audit');
    const log = new AuditLog(dir);
    log.open();
    const entry = (id: string) => ({ type: 'result' as const, call: id, server: 'filesystem', target: 'write_file', outcome: 'result' as const, durationMs: 1 });
    await log.append(entry('alone'), { sync: 'soon' }).durable;
    // Interleaved with records that flush at once, as a busy core writes them.
    const all: Array<Promise<void>> = [];
    for (let i = 0; i < 200; i++) {
      all.push(log.append(entry(`soon-${i}`), { sync: 'soon' }).durable);
      if (i % 3 === 0) all.push(log.append(entry(`now-${i}`)).durable);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(all);
    await log.close();
    expect(verifyAuditLog(dir).ok).toBe(true);
  });
});
