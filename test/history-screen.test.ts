import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../shared/audit';
import type { CallRecord } from '../shared/history';
import { callMatches, EMPTY_FILTERS, exportQueryString, isFiltered, outcomeOfCall, recordMatches, toHistoryFilter } from '../renderer/src/history/filters';
import { appendOlder, insertLive, itemOfLiveCall, itemOfRecord, mergeNewestFirst, withResult } from '../renderer/src/history/items';
import { maskableSecrets, valueAt } from '../renderer/src/history/secrets';

function call(seq: number, patch: Partial<CallRecord> = {}): CallRecord {
  return {
    v: 1,
    seq,
    ts: '2026-03-01T10:00:00.000Z',
    prev: '0'.repeat(64),
    hash: 'f'.repeat(64),
    type: 'call',
    call: `c${seq}`,
    host: { name: 'claude-code', version: '2.1.0', session: 's1', transport: 'stdio' },
    server: 'files',
    method: 'tools/call',
    target: 'read_file',
    resources: [{ kind: 'path', raw: 'notes.md', resolved: '/work/notes.md', pointer: '/path' }],
    params: { path: 'notes.md' },
    request: 'a'.repeat(64),
    decision: 'allow',
    decidedBy: 'person',
    ...patch,
  } as CallRecord;
}

const event = (seq: number, server?: string): AuditRecord =>
  ({ v: 1, seq, ts: '2026-03-01T10:00:00.000Z', prev: '0'.repeat(64), hash: 'e'.repeat(64), type: 'event', event: 'rule-added', ...(server ? { server } : {}) }) as AuditRecord;

describe('History screen: filters as the person sets them', () => {
  it('sends only what narrows, trimmed, with time presets and local times as zoned ISO', () => {
    expect(toHistoryFilter(EMPTY_FILTERS)).toEqual({});
    expect(isFiltered(EMPTY_FILTERS)).toBe(false);
    const now = Date.parse('2026-03-02T12:00:00Z');
    expect(toHistoryFilter({ ...EMPTY_FILTERS, server: ' files ', tool: 'read_file', decision: 'deny', decidedBy: 'rule', outcome: 'pending', text: ' pass wd ', time: '24h' }, now)).toEqual({
      server: 'files',
      tool: 'read_file',
      decision: 'deny',
      decidedBy: 'rule',
      outcome: 'pending',
      text: 'pass wd',
      since: '2026-03-01T12:00:00.000Z',
    });
    const custom = toHistoryFilter({ ...EMPTY_FILTERS, time: 'custom', since: '2026-03-01T08:30', until: '' });
    expect(custom.since).toBe(new Date(2026, 2, 1, 8, 30).toISOString());
    expect(custom.until).toBeUndefined();
    expect(exportQueryString({ server: 'files', text: 'a&b' }, 'csv')).toBe('format=csv&server=files&text=a%26b');
  });

  it('decides whether a live call belongs in the list; free text is left to the index', () => {
    const c = call(7);
    expect(callMatches(c, 'pending', {})).toBe(true);
    expect(callMatches(c, 'pending', { server: 'files', tool: 'read_file', host: 'claude-code', decision: 'allow', decidedBy: 'person' })).toBe(true);
    expect(callMatches(c, 'pending', { server: 'other' })).toBe(false);
    expect(callMatches(c, 'pending', { outcome: 'result' })).toBe(false);
    expect(callMatches(c, 'result', { outcome: 'result' })).toBe(true);
    expect(callMatches(c, 'pending', { until: '2026-03-01T10:00:00.000Z' })).toBe(false);
    expect(callMatches(c, 'pending', { since: '2026-03-01T10:00:00.000Z' })).toBe(true);
    expect(callMatches(c, 'pending', { text: 'notes' })).toBe('unknown');
    expect(callMatches(c, 'pending', { text: 'notes', server: 'other' })).toBe(false);
    expect(outcomeOfCall(c)).toBe('pending');
    expect(outcomeOfCall(call(8, { decision: 'deny' }))).toBe('denied');
    expect(outcomeOfCall(call(9, { decision: 'deny', outcome: 'waiting' }))).toBe('waiting');
  });

  it('in the full log, call-only filters keep calls only and server matches events too', () => {
    expect(recordMatches(event(3, 'files'), { server: 'files' })).toBe(true);
    expect(recordMatches(event(3, 'files'), { server: 'other' })).toBe(false);
    expect(recordMatches(event(3, 'files'), { decision: 'allow' })).toBe(false);
    expect(recordMatches(event(3), { tool: 'read_file' })).toBe(false);
    expect(recordMatches(call(4), { tool: 'read_file' })).toBe(true);
  });
});

describe('History screen: the loaded rows', () => {
  it('keeps newest first with each seq once, whatever order pages and live records arrive in', () => {
    const page1 = [10, 9, 8].map((s) => itemOfLiveCall(call(s)));
    const live = [itemOfLiveCall(call(12)), itemOfLiveCall(call(11))];
    const merged = mergeNewestFirst(live, page1);
    expect(merged.map((i) => i.seq)).toEqual([12, 11, 10, 9, 8]);
    // An older page overlapping what is loaded adds only what is older.
    const older = appendOlder(merged, [8, 7, 6].map((s) => itemOfLiveCall(call(s))));
    expect(older.map((i) => i.seq)).toEqual([12, 11, 10, 9, 8, 7, 6]);
    // A live record lands in order; the same seq again replaces (a joined result).
    expect(insertLive(older, itemOfLiveCall(call(13))).map((i) => i.seq)[0]).toBe(13);
    const updated = insertLive(older, withResult(itemOfLiveCall(call(11)), { durationMs: 42, outcome: 'result' } as never));
    expect(updated).toHaveLength(7);
    expect(updated[1]).toMatchObject({ seq: 11, outcome: 'result', durationMs: 42 });
    expect(itemOfRecord(event(5))).toMatchObject({ kind: 'record', seq: 5 });
  });

  it('shows the first resource, else a short preview of the parameters', () => {
    expect(itemOfLiveCall(call(1)).preview).toBe('/work/notes.md');
    const long = itemOfLiveCall(call(2, { resources: [], params: { q: 'x'.repeat(500) } }));
    expect(long.preview.length).toBeLessThanOrEqual(161);
    expect(long.preview.endsWith('…')).toBe(true);
  });
});

describe('History screen: secrets in logged parameters', () => {
  it('masks secret-shaped values the log still holds, and leaves redaction markers readable', () => {
    const params = { headers: { Authorization: '«redacted:bearer-token»' }, token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'a/b': { c: 1 } };
    expect(maskableSecrets(params)).toEqual([{ pointer: '/token', kind: 'github-token' }]);
    expect(valueAt(params, '/a~1b/c')).toBe(1);
    expect(valueAt(params, '/missing/x')).toBeUndefined();
  });
});
