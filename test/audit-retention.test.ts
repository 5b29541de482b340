/**
 * Retention and verification: old segments are removed whole, the trim is written into the chain
 * first, and `airlock log --verify` / the `verifyLog` command still pass and say what was trimmed.
 * A start removed without such a record, or an edited record, is named as the first broken one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../shared/audit';
import { AuditLog } from '../electron/core/audit/log';
import { listSegments } from '../electron/core/audit/segments';
import { verifyAuditLog } from '../electron/core/audit/verify';
import { applyRetention } from '../electron/core/history/retention';
import { HistoryService } from '../electron/core/history/service';
import { writeSyntheticLog } from '../electron/core/history/synthetic';
import { airlock, cleanupHomes, makeHome, startCore, tempDir, waitFor, type TestCore } from './helpers/harness';
import { callEntry, readAllRecords } from './history-helpers';

const DAY = 86_400_000;
let t: TestCore | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(() => cleanupHomes());

/** A log written over `days` days (one segment per UTC day), `perDay` calls a day, ending today. */
async function logOverDays(dir: string, days: number, perDay: number, now: number): Promise<AuditLog> {
  let clock = now - (days - 1) * DAY;
  const log = new AuditLog(dir, { now: () => new Date(clock) });
  log.open();
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < perDay; i++) log.append(callEntry({ call: `d${d}-${i}` }));
    clock += DAY;
  }
  clock -= DAY;
  return log;
}

describe('retention', () => {
  it('removes whole segments older than N days, records the trim in the chain, and the log still verifies', async () => {
    const dir = path.join(tempDir(), 'audit');
    const now = Date.UTC(2026, 5, 30, 12);
    const log = await logOverDays(dir, 10, 5, now);
    expect(listSegments(dir)).toHaveLength(10);

    // Segments of days 1–6 are more than 3 days old; day 7's newest record is exactly 3 days old and stays.
    const trim = await applyRetention(log, { maxDays: 3 }, now);
    expect(trim).toMatchObject({ firstSeq: 1, lastSeq: 30, records: 30, reason: 'older than 3 days' });
    expect(trim!.segments).toEqual(['audit-000001.jsonl', 'audit-000002.jsonl', 'audit-000003.jsonl', 'audit-000004.jsonl', 'audit-000005.jsonl', 'audit-000006.jsonl']);
    expect(listSegments(dir).map((s) => path.basename(s.file))).toEqual(['audit-000007.jsonl', 'audit-000008.jsonl', 'audit-000009.jsonl', 'audit-000010.jsonl']);

    const result = verifyAuditLog(dir);
    expect(result.problem).toBeUndefined();
    expect(result).toMatchObject({ ok: true, firstSeq: 31, startsAfterTrim: { firstSeq: 1, lastSeq: 30 } });
    const trimRecord = readAllRecords(dir).at(-1)!;
    expect(trimRecord).toMatchObject({ type: 'event', event: 'audit-trimmed', by: 'retention', trimmed: { lastSeq: 30 } });

    // The log goes on, and a second trim later still verifies across both.
    log.append(callEntry({ call: 'after-trim' }));
    const second = await applyRetention(log, { maxDays: 1 }, now);
    expect(second).toMatchObject({ firstSeq: 31, lastSeq: 40 });
    const again = verifyAuditLog(dir);
    expect(again).toMatchObject({ ok: true, firstSeq: 41, startsAfterTrim: { firstSeq: 31, lastSeq: 40 } });
    expect(again.trims.map((tr) => tr.lastSeq)).toEqual([30, 40]);
    await log.close();
  });

  it('removes the oldest segments while the log is over N MB, never the one being written', async () => {
    const dir = path.join(tempDir(), 'audit');
    const log = new AuditLog(dir, { maxSegmentBytes: 256 * 1024 });
    log.open();
    const big = 'x'.repeat(2000);
    for (let i = 0; i < 1500; i++) log.append(callEntry({ call: `big-${i}`, params: { content: big } }));
    const before = listSegments(dir).reduce((n, s) => n + fs.statSync(s.file).size, 0);
    expect(before).toBeGreaterThan(3 * 1024 * 1024);

    const trim = await applyRetention(log, { maxMegabytes: 1 });
    expect(trim?.reason).toBe('log above 1 MB');
    const after = listSegments(dir).reduce((n, s) => n + fs.statSync(s.file).size, 0);
    expect(after).toBeLessThanOrEqual(1024 * 1024 + 256 * 1024);
    expect(listSegments(dir).at(-1)!.index).toBe(log.currentSegmentIndex);
    expect(verifyAuditLog(dir)).toMatchObject({ ok: true, startsAfterTrim: { lastSeq: trim!.lastSeq } });
    await log.close();
  });

  it('trims as the log rotates during heavy logging, and the chain stays whole', async () => {
    const dir = path.join(tempDir(), 'audit');
    const log = new AuditLog(dir, { maxSegmentBytes: 128 * 1024 });
    log.open();
    const service = new HistoryService({ log, settings: () => ({ retention: { maxMegabytes: 1 } }), saveSettings: () => {}, version: 'test' });
    await service.start();
    const big = 'y'.repeat(1500);
    for (let i = 0; i < 3000; i++) {
      const { durable } = log.append(callEntry({ call: `r${i}`, params: { content: big } }));
      if (i % 100 === 99) await durable;
    }
    await waitFor(() => readAllRecords(dir).some((r) => r.type === 'event' && r.event === 'audit-trimmed'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const result = verifyAuditLog(dir);
    expect(result.problem).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.trims.length).toBeGreaterThan(0);
    const total = listSegments(dir).reduce((n, seg) => n + fs.statSync(seg.file).size, 0);
    expect(total).toBeLessThan(2 * 1024 * 1024);
    await service.close();
    await log.close();
  });

  it('applies the retention setting through the contract, forgets trimmed calls in history, and verifyLog explains the trim', async () => {
    const home = makeHome();
    // 40 days of history, written before this core started, one segment per ~2 days.
    const dir = path.join(home, 'audit');
    writeSyntheticLog(dir, { calls: 400, startMs: Date.now() - 40 * DAY, spacingMs: DAY / 10, maxSegmentBytes: 12 * 1024, seed: 5 });
    t = await startCore({ home });
    const before = await t.api.call('history', { view: 'calls', limit: 500 });
    expect(before.rows).toHaveLength(400);

    const view = await t.api.call('setHistorySettings', { retention: { maxDays: 30 } });
    expect(view.retention).toEqual({ maxDays: 30 });
    const after = await t.api.call('history', { view: 'calls', limit: 500 });
    expect(after.rows.length).toBeLessThan(400);
    expect(after.rows.length).toBeGreaterThan(250);
    // What remains is the newest part of the history, without a gap.
    const oldest = Date.parse(after.rows.at(-1)!.call.ts);
    expect(oldest).toBeGreaterThan(Date.now() - 33 * DAY);

    const report = await t.api.call('verifyLog', {});
    expect(report.ok).toBe(true);
    expect(report.startsAfterTrim?.reason).toBe('older than 30 days');
    expect(report.summary).toMatch(/chain verified\. Earlier records #1–#\d+ \(\d+ segments\) were trimmed by retention \(older than 30 days\)/);

    // The setting survives a restart (kept in the 0600 settings file).
    await t.stop();
    t = await startCore({ home });
    expect((await t.api.call('historySettings', {})).retention).toEqual({ maxDays: 30 });

    const cli = await airlock(['log', '--verify'], { home });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/Audit log intact/);
    expect(cli.stdout).toMatch(/Trimmed: records #1–#\d+ \(audit-000001\.jsonl, .*\): older than 30 days\./);
  });
});

describe('verification', () => {
  it('names a start removed without a trim record as the first broken record', async () => {
    const dir = path.join(tempDir(), 'audit');
    const now = Date.UTC(2026, 5, 30, 12);
    const log = await logOverDays(dir, 4, 3, now);
    await log.close();
    fs.rmSync(listSegments(dir)[0]!.file);
    const result = verifyAuditLog(dir);
    expect(result.ok).toBe(false);
    expect(result.problem).toMatchObject({ file: 'audit-000002.jsonl', line: 1, seq: 4 });
    expect(result.problem!.reason).toMatch(/no trim record accounts for the records before it/);
  });

  it('a segment deleted after a legitimate trim is still caught', async () => {
    const dir = path.join(tempDir(), 'audit');
    const now = Date.UTC(2026, 5, 30, 12);
    const log = await logOverDays(dir, 5, 3, now);
    await applyRetention(log, { maxDays: 4 }, now);
    await log.close();
    expect(verifyAuditLog(dir).ok).toBe(true);
    fs.rmSync(listSegments(dir)[0]!.file);
    const result = verifyAuditLog(dir);
    expect(result.ok).toBe(false);
    expect(result.problem!.reason).toMatch(/no trim record accounts/);
  });

  it('verifyLog names the first edited record, and airlock log --verify fails with the same words', async () => {
    const home = makeHome();
    t = await startCore({ home });
    for (let i = 0; i < 5; i++) t.core.record({ type: 'event', event: 'paused', by: `test-${i}` });
    await t.core.audit.close();
    const file = listSegments(path.join(home, 'audit')).at(-1)!.file;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const target = JSON.parse(lines[2]!) as AuditRecord;
    lines[2] = JSON.stringify({ ...target, by: 'someone-else' });
    fs.writeFileSync(file, lines.join('\n'));

    const report = await t.api.call('verifyLog', {});
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ seq: target.seq, line: 3, reason: 'its content does not match its hash (the record was edited)' });
    expect(report.records).toBe(2);
    expect(report.summary).toBe(`Audit log BROKEN at record #${target.seq} (${path.basename(file)}, line 3, ${target.ts}): its content does not match its hash (the record was edited). The 2 records before it verify.`);

    const cli = await airlock(['log', '--verify'], { home });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`Audit log BROKEN at record #${target.seq}`);
  });
});
