/**
 * Export of the filtered view, as JSONL and CSV, through the contract and through browser mode's
 * streaming endpoint: parsed back, they hold exactly the calls the History screen shows for the
 * same filter, with secrets redacted and spreadsheet formulas defused.
 */
import http from 'node:http';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { HistoryRow } from '../shared/history';
import { writeSyntheticLog } from '../electron/core/history/synthetic';
import { CSV_COLUMNS } from '../electron/core/history/export';
import { cleanupHomes, makeHome, startCore, type TestCore } from './helpers/harness';
import { callEntry } from './history-helpers';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(() => cleanupHomes());

async function coreWithHistory(): Promise<TestCore> {
  const home = makeHome();
  writeSyntheticLog(path.join(home, 'audit'), { calls: 1200, startMs: Date.now() - 5 * 86_400_000, spacingMs: 60_000, seed: 11 });
  const core = await startCore({ home });
  // A record as an older Airlock might have written it: a raw token in the parameters.
  core.core.audit.append(
    callEntry({
      call: 'leaky',
      server: 'github',
      target: '=HYPERLINK("http://evil.example","click")',
      params: { repo: 'acme/app', note: 'token ghp_0123456789abcdefghijABCDEFGHIJ0123456789 inside' },
      decision: 'deny',
      decidedBy: 'person',
      outcome: 'denied',
    }),
  );
  return core;
}

async function allRows(core: TestCore, filter: Record<string, unknown>): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  let beforeSeq: number | undefined;
  for (;;) {
    const page = await core.api.call('history', { view: 'calls', limit: 500, ...filter, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
    rows.push(...page.rows);
    if (page.nextBeforeSeq === undefined) return rows;
    beforeSeq = page.nextBeforeSeq;
  }
}

function get(port: number, pathAndQuery: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathAndQuery, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

describe('export', () => {
  it('JSONL holds exactly the filtered calls, newest first, with both records intact and secrets redacted', async () => {
    t = await coreWithHistory();
    const filter = { server: 'github' };
    const shown = await allRows(t, filter);
    const exported = await t.api.call('exportHistory', { format: 'jsonl', ...filter });
    expect(exported).toMatchObject({ mimeType: 'application/x-ndjson; charset=utf-8', truncated: false, rows: shown.length });
    expect(exported.filename).toMatch(/^airlock-history-.*\.jsonl$/);
    const lines = exported.content.trimEnd().split('\n').map((l) => JSON.parse(l) as { seq: number; outcome: string; call: HistoryRow['call']; result?: HistoryRow['result'] });
    expect(lines.map((l) => l.seq)).toEqual(shown.map((r) => r.seq));
    expect(lines.map((l) => l.outcome)).toEqual(shown.map((r) => r.outcome));
    const withResult = lines.find((l) => l.result)!;
    expect(withResult.result).toMatchObject({ type: 'result', call: withResult.call.call });
    const leaky = lines.find((l) => l.call.call === 'leaky')!;
    expect(JSON.stringify(leaky)).not.toContain('ghp_0123456789');
    expect(leaky.call.params).toMatchObject({ note: '«redacted:github-token»' });
  });

  it('CSV parses back into the same calls, one column per field, with formula cells defused', async () => {
    t = await coreWithHistory();
    const filter = { decision: 'deny' as const, since: new Date(Date.now() - 3 * 86_400_000).toISOString() };
    const shown = await allRows(t, filter);
    const exported = await t.api.call('exportHistory', { format: 'csv', ...filter });
    const table = parse(exported.content, { columns: true }) as Array<Record<(typeof CSV_COLUMNS)[number], string>>;
    expect(Object.keys(table[0]!)).toEqual([...CSV_COLUMNS]);
    expect(table.map((r) => Number(r.seq))).toEqual(shown.map((r) => r.seq));
    for (const [i, row] of table.entries()) {
      const call = shown[i]!.call;
      expect(row).toMatchObject({ server: call.server, decision: 'deny', decided_by: call.decidedBy, call_id: call.call, record_hash: call.hash, host: call.host.name });
      expect(Date.parse(row.time)).toBe(Date.parse(call.ts));
    }
    const leaky = table.find((r) => r.call_id === 'leaky')!;
    expect(leaky.tool.startsWith("'=")).toBe(true);
    expect(leaky.params).toContain('«redacted:github-token»');
    expect(exported.content).not.toContain('ghp_0123456789');
  });

  it('caps the contract export and says so', async () => {
    t = await coreWithHistory();
    const exported = await t.api.call('exportHistory', { format: 'jsonl', maxRows: 10 });
    expect(exported).toMatchObject({ rows: 10, truncated: true });
    expect(exported.content.trimEnd().split('\n')).toHaveLength(10);
  });

  it('streams everything over HTTP in browser mode, only with the token in a header and from this origin', async () => {
    t = await coreWithHistory();
    const port = t.ui.port;
    const url = '/api/history/export?format=csv&server=slack&decision=allow';
    const ok = await get(port, url, { authorization: `Bearer ${t.ui.token}` });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(ok.headers['content-disposition']).toMatch(/^attachment; filename="airlock-history-.*\.csv"$/);
    expect(ok.headers['access-control-allow-origin']).toBeUndefined();
    const table = parse(ok.body, { columns: true }) as Array<{ seq: string; server: string; decision: string }>;
    const shown = await allRows(t, { server: 'slack', decision: 'allow' });
    expect(table.map((r) => Number(r.seq))).toEqual(shown.map((r) => r.seq));

    expect((await get(port, url, {})).status).toBe(403);
    expect((await get(port, url, { authorization: 'Bearer wrong-token' })).status).toBe(403);
    expect((await get(port, `${url}&token=${t.ui.token}`, {})).status).toBe(403);
    expect((await get(port, url, { authorization: `Bearer ${t.ui.token}`, origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(port, url, { authorization: `Bearer ${t.ui.token}`, host: 'evil.example' })).status).toBe(403);
    expect((await get(port, '/api/history/export?format=xml', { authorization: `Bearer ${t.ui.token}` })).status).toBe(400);
  });
});
