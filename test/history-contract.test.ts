/**
 * The history contract as the History screen uses it over the UI transport: pages of calls,
 * one call in full for the detail pane, index status and progress, and a rebuild on request
 * (from the screen, or from `airlock log --reindex` while the core runs).
 */
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { HistoryIndexState } from '../shared/history';
import { writeSyntheticLog } from '../electron/core/history/synthetic';
import { airlock, cleanupHomes, makeHome, startCore, waitFor, type TestCore } from './helpers/harness';
import { callEntry } from './history-helpers';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(() => cleanupHomes());

describe('history over the contract', () => {
  it('lists a big call cut for the list, and gives it whole (and checked) for the detail pane', async () => {
    t = await startCore();
    const content = 'line of a long file\n'.repeat(2000);
    const { record: call } = t.core.audit.append(
      callEntry({ call: 'big-write', target: 'write_file', params: { path: '/srv/notes.txt', content }, resources: [{ kind: 'path', raw: '/srv/notes.txt', resolved: '/srv/notes.txt', pointer: '/path' }] }),
    );
    t.core.audit.append({ type: 'result', call: 'big-write', server: 'filesystem', target: 'write_file', outcome: 'result', durationMs: 42, bytes: 17, summary: 'Successfully wrote' });

    const page = await t.api.call('history', { view: 'calls', limit: 10 });
    const row = page.rows.find((r) => r.call.call === 'big-write')!;
    expect(row).toMatchObject({ seq: call.seq, outcome: 'result', paramsTruncated: true, result: { durationMs: 42, summary: 'Successfully wrote' } });
    expect(typeof row.call.params).toBe('string');
    expect((row.call.params as string).length).toBeLessThan(5000);

    const entry = await t.api.call('historyEntry', { seq: call.seq });
    expect(entry).toMatchObject({ intact: true, outcome: 'result', call: { call: 'big-write', params: { content } }, result: { bytes: 17 } });
    // Not a call (an event's seq), or past the end: nothing.
    expect(await t.api.call('historyEntry', { seq: 1 })).toBeUndefined();
    expect(await t.api.call('historyEntry', { seq: 999_999 })).toBeUndefined();
  });

  it('rebuilds on request with progress events, and `airlock log --reindex` asks the running core to do it', async () => {
    const home = makeHome();
    writeSyntheticLog(path.join(home, 'audit'), { calls: 3000, seed: 21 });
    t = await startCore({ home });
    const before = await t.api.call('history', { view: 'calls', limit: 500, server: 'git' });
    expect((await t.api.call('historyIndexStatus', {})).state).toBe('ready');

    const states: HistoryIndexState[] = [];
    const off = t.api.on('historyIndexChanged', (s) => states.push(s));
    const done = await t.api.call('reindexHistory', {});
    expect(done.state).toBe('ready');
    expect(done.indexedThrough).toBe(done.lastSeq);
    await waitFor(() => states.some((s) => s.state === 'ready'));
    expect(states.some((s) => s.state === 'rebuilding')).toBe(true);
    expect((await t.api.call('history', { view: 'calls', limit: 500, server: 'git' })).rows.map((r) => r.seq)).toEqual(before.rows.map((r) => r.seq));

    states.length = 0;
    const cli = await airlock(['log', '--reindex'], { home });
    expect(cli.stdout).toContain('The running core is rebuilding the history index');
    await waitFor(() => states.some((s) => s.state === 'ready'), { timeout: 30_000 });
    off();
    expect((await t.api.call('history', { view: 'calls', limit: 500, server: 'git' })).rows.map((r) => r.seq)).toEqual(before.rows.map((r) => r.seq));
  });

  it('shows the log size and oldest record with the retention settings', async () => {
    const home = makeHome();
    writeSyntheticLog(path.join(home, 'audit'), { calls: 50, startMs: Date.UTC(2026, 0, 2), seed: 2 });
    t = await startCore({ home });
    const view = await t.api.call('historySettings', {});
    expect(view.retention).toEqual({});
    expect(view.log).toMatchObject({ firstSeq: 1, oldest: '2026-01-02T00:00:00.000Z' });
    expect(view.log.bytes).toBeGreaterThan(10_000);
    expect(view.log.lastSeq).toBeGreaterThan(50);
    await expect(t.api.call('setHistorySettings', { retention: { maxDays: 0 } })).rejects.toThrow(/maxDays/);
  });
});
