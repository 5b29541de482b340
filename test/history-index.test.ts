/**
 * The history index: newest-first pages with every filter a person can set, free-text search,
 * paging that neither skips nor repeats a call, live updates as calls are logged, and an index
 * that notices when it is behind or wrong and repairs itself from the log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryFilter, HistoryPage, HistoryRow } from '../shared/history';
import { historyQuerySchema } from '../shared/history';
import { AuditLog } from '../electron/core/audit/log';
import { HistoryIndex } from '../electron/core/history/index';
import { queryHistory } from '../electron/core/history/query';
import { writeSyntheticLog, type SyntheticCall } from '../electron/core/history/synthetic';
import { airlock, cleanupHomes, makeHome, tempDir } from './helpers/harness';
import { callEntry } from './history-helpers';

afterAll(() => cleanupHomes());

const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 1);

/** A 6,000-call log across several segments, and what each call is. */
async function fixture(calls = 6000): Promise<{ dir: string; expected: SyntheticCall[]; index: HistoryIndex }> {
  const dir = path.join(tempDir(), 'audit');
  const expected: SyntheticCall[] = [];
  writeSyntheticLog(dir, { calls, startMs: START, spacingMs: 60_000, maxSegmentBytes: 512 * 1024, seed: 42, onCall: (c) => expected.push(c) });
  const index = new HistoryIndex({ auditDir: dir });
  await index.open();
  await index.whenIdle();
  return { dir, expected, index };
}

function page(index: HistoryIndex, dir: string, input: Record<string, unknown>): HistoryPage {
  return queryHistory(index, dir, historyQuerySchema.parse({ view: 'calls', ...input }));
}

/** Follows the cursor to the end and returns every row the filter yields. */
function allRows(index: HistoryIndex, dir: string, filter: Record<string, unknown>, limit = 97): HistoryRow[] {
  const rows: HistoryRow[] = [];
  let beforeSeq: number | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const p = page(index, dir, { ...filter, limit, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
    rows.push(...p.rows);
    if (p.nextBeforeSeq === undefined) return rows;
    beforeSeq = p.nextBeforeSeq;
  }
  throw new Error('paging did not end');
}

function allSeqs(index: HistoryIndex, dir: string, filter: Record<string, unknown>, limit = 97): number[] {
  return allRows(index, dir, filter, limit).map((r) => r.seq);
}

function expectedSeqs(expected: SyntheticCall[], match: (c: SyntheticCall) => boolean): number[] {
  return expected
    .filter(match)
    .map((c) => c.seq)
    .reverse();
}

describe('history pages', () => {
  it('lists calls newest first, joined with their results, and pages through all of them exactly once', async () => {
    const { dir, expected, index } = await fixture();
    const first = page(index, dir, { limit: 50 });
    expect(first.index.state).toBe('ready');
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]!.seq).toBe(expected.at(-1)!.seq);
    const newest = first.rows[0]!;
    const truth = expected.at(-1)!;
    expect(newest.call).toMatchObject({ type: 'call', call: truth.call, server: truth.server, target: truth.tool, decision: truth.decision });
    expect(newest.outcome).toBe(truth.outcome);
    if (truth.decision === 'allow') expect(newest.result).toMatchObject({ type: 'result', call: truth.call, outcome: truth.outcome });
    else expect(newest.result).toBeUndefined();
    expect(allSeqs(index, dir, {})).toEqual(expectedSeqs(expected, () => true));
    index.close();
  });

  it('applies each filter, and all of them together, exactly as the log says', async () => {
    const { dir, expected, index } = await fixture();
    const cases: Array<[Record<string, unknown>, (c: SyntheticCall) => boolean]> = [
      [{ server: 'github' }, (c) => c.server === 'github'],
      [{ tool: 'write_file' }, (c) => c.tool === 'write_file'],
      [{ host: 'zed' }, (c) => c.host === 'zed'],
      [{ decision: 'deny' }, (c) => c.decision === 'deny'],
      [{ decidedBy: 'timeout' }, (c) => c.decidedBy === 'timeout'],
      [{ outcome: 'tool-error' }, (c) => c.outcome === 'tool-error'],
      [{ method: 'tools/call' }, () => true],
      [
        { since: new Date(START + DAY).toISOString(), until: new Date(START + 2 * DAY).toISOString() },
        (c) => c.ts >= START + DAY && c.ts < START + 2 * DAY,
      ],
      [
        { server: 'slack', decision: 'allow', host: 'cursor-vscode', outcome: 'result', since: new Date(START + DAY / 2).toISOString() },
        (c) => c.server === 'slack' && c.decision === 'allow' && c.host === 'cursor-vscode' && c.outcome === 'result' && c.ts >= START + DAY / 2,
      ],
      [{ server: 'no-such-server' }, () => false],
    ];
    for (const [filter, match] of cases) {
      const want = expectedSeqs(expected, match);
      expect(allSeqs(index, dir, filter), JSON.stringify(filter)).toEqual(want);
    }
    index.close();
  });

  it('finds calls by words in tool names and parameters, by word prefix and by path fragment', async () => {
    const { dir, expected, index } = await fixture();
    // Every synthetic call writes to /home/user/projects/<w1>/<w2>-<n>.md.
    const roadmap = expectedSeqs(expected, (c) => c.words.includes('roadmap'));
    const found = new Set(allSeqs(index, dir, { text: 'roadmap' }));
    for (const seq of roadmap) expect(found.has(seq)).toBe(true);

    // "budget/invoice" means the adjacent words, wherever they stand (path or content).
    const adjacent = /budget[^a-z0-9]+invoice/i;
    const pathHits = allRows(index, dir, { text: 'budget/invoice' });
    expect(pathHits.every((r) => adjacent.test(JSON.stringify(r.call.params)))).toBe(true);
    const hitSeqs = new Set(pathHits.map((r) => r.seq));
    const inPath = expectedSeqs(expected, (c) => c.words[0] === 'budget' && c.words[1] === 'invoice');
    expect(inPath.length).toBeGreaterThan(0);
    for (const seq of inPath) expect(hitSeqs.has(seq)).toBe(true);

    const prefix = allSeqs(index, dir, { text: 'WRITE_FI' });
    expect(prefix).toEqual(expectedSeqs(expected, (c) => c.tool === 'write_file'));

    const combined = allRows(index, dir, { text: 'budget/invoice', server: 'github', decision: 'allow' });
    expect(combined.map((r) => r.seq)).toEqual(pathHits.filter((r) => r.call.server === 'github' && r.call.decision === 'allow').map((r) => r.seq));

    expect(allSeqs(index, dir, { text: 'zzqxj' })).toEqual([]);
    // Punctuation alone, or FTS syntax typed by a person, finds nothing and breaks nothing.
    expect(page(index, dir, { text: '"*)(' }).rows).toEqual([]);
    expect(page(index, dir, { text: 'NEAR(read write) OR "x' }).rows.length).toBeGreaterThanOrEqual(0);
    index.close();
  });

  it('keeps the raw log view (every record kind) with its old filters', async () => {
    const { dir, index } = await fixture(300);
    const records = queryHistory(index, dir, historyQuerySchema.parse({ limit: 20 })).records;
    expect(records).toHaveLength(20);
    expect(records.map((r) => r.seq)).toEqual([...records.map((r) => r.seq)].sort((a, b) => b - a));
    expect(new Set(records.map((r) => r.type))).toEqual(new Set(['call', 'result']));
    const github = queryHistory(index, dir, historyQuerySchema.parse({ server: 'github', limit: 500 })).records;
    expect(github.length).toBeGreaterThan(0);
    expect(github.every((r) => r.type !== 'event' && r.server === 'github')).toBe(true);
    const denied = queryHistory(index, dir, historyQuerySchema.parse({ decision: 'deny', limit: 500 })).records;
    expect(denied.every((r) => r.type === 'call' && r.decision === 'deny')).toBe(true);
    index.close();
  });
});

describe('keeping the index current', () => {
  it('shows a call the moment it is logged, and its outcome once the result is logged', async () => {
    const dir = path.join(tempDir(), 'audit');
    const log = new AuditLog(dir);
    log.open();
    const index = new HistoryIndex({ auditDir: dir });
    await index.open();
    index.attach(log);
    log.append(callEntry({ call: 'live-1', target: 'send_email', params: { to: 'ops@example.com' } }));
    let rows = page(index, dir, {}).rows;
    expect(rows.map((r) => [r.call.call, r.outcome])).toEqual([['live-1', 'pending']]);
    log.append({ type: 'result', call: 'live-1', server: 'filesystem', target: 'send_email', outcome: 'tool-error', durationMs: 12, summary: 'bounced' });
    rows = page(index, dir, { outcome: 'tool-error' }).rows;
    expect(rows[0]).toMatchObject({ outcome: 'tool-error', result: { summary: 'bounced' } });
    expect(page(index, dir, { text: 'ops example' }).rows).toHaveLength(1);
    await log.close();
    index.close();
  });

  it('catches up on records written while it was closed, and rebuilds when the log is not the one it indexed', async () => {
    const dir = path.join(tempDir(), 'audit');
    const log = new AuditLog(dir);
    log.open();
    for (let i = 0; i < 10; i++) log.append(callEntry({ call: `a${i}` }));
    const index = new HistoryIndex({ auditDir: dir });
    await index.open();
    await index.whenIdle();
    index.close();
    // Written while no index was open (as `airlock` offline commands or a crash leave it).
    for (let i = 0; i < 5; i++) log.append(callEntry({ call: `b${i}` }));
    await log.close();
    const reopened = new HistoryIndex({ auditDir: dir });
    await reopened.open();
    await reopened.whenIdle();
    expect(page(reopened, dir, { limit: 100 }).rows.map((r) => r.call.call)).toEqual(['b4', 'b3', 'b2', 'b1', 'b0', 'a9', 'a8', 'a7', 'a6', 'a5', 'a4', 'a3', 'a2', 'a1', 'a0']);
    reopened.close();

    // A different log in the same place (restored from a backup, another machine's): rebuilt.
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.jsonl')) fs.rmSync(path.join(dir, f));
    const other = new AuditLog(dir);
    other.open();
    for (let i = 0; i < 3; i++) other.append(callEntry({ call: `other${i}` }));
    await other.close();
    const third = new HistoryIndex({ auditDir: dir });
    await third.open();
    await third.whenIdle();
    expect(page(third, dir, {}).rows.map((r) => r.call.call)).toEqual(['other2', 'other1', 'other0']);
    third.close();
  });

  it('throws away a corrupt index file and rebuilds it from the log', async () => {
    const dir = path.join(tempDir(), 'audit');
    writeSyntheticLog(dir, { calls: 200, seed: 3 });
    const index = new HistoryIndex({ auditDir: dir });
    await index.open();
    await index.whenIdle();
    index.close();
    fs.writeFileSync(index.file, Buffer.alloc(8192, 0x5a));
    const again = new HistoryIndex({ auditDir: dir });
    await again.open();
    await again.whenIdle();
    expect(page(again, dir, { limit: 500 }).rows).toHaveLength(200);
    expect(fs.statSync(again.file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(again.file)).mode & 0o777).toBe(0o700);
    again.close();
  });

  it('`airlock log --reindex` rebuilds the index from the segments when no core runs', async () => {
    const home = makeHome();
    const dir = path.join(home, 'audit');
    writeSyntheticLog(dir, { calls: 150, seed: 9 });
    const result = await airlock(['log', '--reindex'], { home });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/History index rebuilt from the log: \d+ records/);
    const index = new HistoryIndex({ auditDir: dir });
    await index.open();
    await index.whenIdle();
    expect(page(index, dir, { limit: 500 }).rows).toHaveLength(150);
    index.close();
  });
});

describe('filters that are not valid', () => {
  it('are refused by the contract schema', () => {
    const bad: Array<Partial<Record<keyof HistoryFilter | 'limit' | 'view', unknown>>> = [
      { decision: 'maybe' },
      { outcome: 'exploded' },
      { since: 'yesterday' },
      { limit: 100_000 },
      { view: 'everything' },
      { text: 'x'.repeat(500) },
    ];
    for (const input of bad) expect(historyQuerySchema.safeParse(input).success, JSON.stringify(input).slice(0, 60)).toBe(false);
  });
});
