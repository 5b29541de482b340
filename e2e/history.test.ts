import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../electron/core/history/export';
import { writeSyntheticLog, type SyntheticCall } from '../electron/core/history/synthetic';
import { listSegments } from '../electron/core/audit/segments';
import { airlock, cleanupHomes, connectHost, fixtureServer, makeHome, serveProcess, stopProcess, tempDir, textOf, waitFor, type TestHost } from '../test/helpers/harness';
import { ensureRendererBuilt, launchChromium, openWindow, RESULTS, screenshot, type Window } from './helpers';

/**
 * The History screen at scale, end to end: a valid 100 000-call log written by the synthetic
 * generator, `airlock serve` started on it, and the window driven in Debian's Chromium. Each step
 * builds on the one before (one log, one core): list and scroll, filter and open, export, the
 * history settings, a rule created from a call, and integrity verification before and after the
 * test edits the log.
 */
const CALLS = 100_000;
const ROW = 30;

describe('History screen with 100 000 calls', () => {
  let browser: Browser;
  let win: Window;
  let page: Page;
  let home: string;
  let serve: Awaited<ReturnType<typeof serveProcess>>;
  let host: TestHost | undefined;
  const calls: SyntheticCall[] = [];
  let lastSyntheticSeq = 0;
  const spans: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  let receiver: http.Server;

  const rows = () => page.locator('.history-table tbody tr');
  const tail = () => page.getByTestId('history-tail');
  const loadedRows = () => page.evaluate(() => document.querySelector('.history-table tbody')?.getBoundingClientRect().height ?? 0).then((h) => Math.round(h / ROW));

  /** Scrolls to the end until the list says it reached the beginning of the log; returns how many rows it holds. */
  async function scrollToEnd(timeout = 240_000): Promise<number> {
    const scroller = page.locator('.history-scroll');
    await waitFor(
      async () => {
        await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
        return (await tail().textContent())?.includes('the beginning of the log');
      },
      { timeout, interval: 50, message: 'the list to reach the beginning of the log' },
    );
    return loadedRows();
  }

  async function setField(label: string, value: string): Promise<void> {
    const field = page.locator('form[aria-label="filters"]').getByLabel(label, { exact: true });
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else {
      await field.fill(value);
      await field.press('Enter');
    }
    // The list shows the previous rows, dimmed, until the new first page arrives.
    await page.locator('.history-scroll:not(.stale)').waitFor();
  }

  async function visibleSeqs(): Promise<number[]> {
    return (await rows().evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-seq'))))).sort((a, b) => b - a);
  }

  /**
   * Waits until the bottom row in view is the given call. The last page can arrive after the
   * scroll that asked for it, leaving the view a little above the new bottom, so it scrolls again.
   */
  async function expectOldestInView(seq: number): Promise<void> {
    const scroller = page.locator('.history-scroll');
    await waitFor(
      async () => {
        await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
        return (await visibleSeqs()).at(-1) === seq;
      },
      { message: `call #${seq} at the bottom of the list` },
    );
  }

  /** Each step starts from an unfiltered list, so one step's failure does not cascade into the next. */
  async function clearFilters(): Promise<void> {
    await page.getByRole('button', { name: 'History' }).click();
    const clear = page.locator('form[aria-label="filters"]').getByRole('button', { name: 'Clear filters' });
    if ((await clear.count()) > 0) await clear.click();
    await page.locator('.history-scroll:not(.stale)').waitFor();
  }

  beforeAll(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    home = makeHome();
    // Small segments, so retention can trim some and the test can edit one in the middle.
    const written = writeSyntheticLog(path.join(home, 'audit'), { calls: CALLS, seed: 42, maxSegmentBytes: 4 * 1024 * 1024, onCall: (c) => void calls.push(c) });
    lastSyntheticSeq = written.lastSeq;
    expect(written.segments).toBeGreaterThan(10);
    serve = await serveProcess(home);
    // A registered server named like the synthetic one, so rules made from its calls apply to it.
    const workspace = tempDir('airlock-workspace-');
    const spec = fixtureServer('demo-server.mjs', ['--root', workspace], { cwd: workspace });
    const added = await airlock(['add', 'filesystem', '--cwd', workspace, '--', spec.command, ...spec.args], { home });
    expect(added.code, added.stderr).toBe(0);
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        spans.push({ headers: req.headers, body });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    win = await openWindow(browser, serve.url, { width: 1440, height: 900 });
    page = win.page;
  }, 180_000);

  afterAll(async () => {
    await host?.close().catch(() => {});
    await win?.close();
    await browser?.close();
    if (serve) await stopProcess(serve.child);
    receiver?.close();
    cleanupHomes();
  });

  it('lists every call newest first and scrolls through all 100 000 of them', async () => {
    await page.getByRole('button', { name: 'History' }).click();
    // The index is built from the segments at the first start; the screen says so meanwhile.
    await page.locator('[data-testid="index-status"], .history-table tbody tr').first().waitFor({ timeout: 120_000 });
    if (await page.getByTestId('index-status').isVisible()) await screenshot(page, 'history-indexing');
    await rows().first().waitFor({ timeout: 120_000 });
    await waitFor(async () => (await page.getByTestId('index-status').count()) === 0, { timeout: 120_000, message: 'the index to be ready' });
    await waitFor(async () => Number(await rows().first().getAttribute('data-seq')) === calls[CALLS - 1]!.seq, { message: 'the newest call first' });
    await screenshot(page, 'history-100k');

    const loaded = await scrollToEnd();
    expect(loaded).toBe(CALLS);
    expect(await tail().textContent()).toContain(`${CALLS.toLocaleString('en-US')} entries`);
    // Virtualised: only a screenful of rows exists in the page, however many are loaded.
    expect(await rows().count()).toBeLessThan(100);
    // The oldest call is at the bottom; row 50 000 from the top is the 50 000th newest call.
    await expectOldestInView(calls[0]!.seq);
    await page.locator('.history-scroll').evaluate((el, top) => el.scrollTo({ top }), 50_000 * ROW);
    await waitFor(async () => (await visibleSeqs()).includes(calls[CALLS - 1 - 50_000]!.seq), { message: 'row 50 000 in view' });
    await screenshot(page, 'history-100k-scrolled');
  }, 300_000);

  it('filters by server, tool, decision and who decided, searches free text, and opens a call in full', async () => {
    await setField('server', 'github');
    await setField('tool', 'create_issue');
    await setField('decision', 'deny');
    await setField('decided by', 'person');
    const expected = calls.filter((c) => c.server === 'github' && c.tool === 'create_issue' && c.decision === 'deny' && c.decidedBy === 'person');
    expect(expected.length).toBeGreaterThan(50);
    await waitFor(async () => Number(await rows().first().getAttribute('data-seq')) === expected.at(-1)!.seq, { message: 'the newest matching call first' });
    for (const text of await rows().allTextContents()) {
      expect(text).toContain('github');
      expect(text).toContain('create_issue');
      expect(text).toContain('deny');
    }
    expect(await scrollToEnd()).toBe(expected.length);
    await page.locator('.history-scroll').evaluate((el) => el.scrollTo({ top: 0 }));

    // Open the newest match: everything the log holds about it.
    await rows().first().click();
    const detail = page.locator('.history-detail');
    const newest = expected.at(-1)!;
    await detail.getByTestId('detail-tool').filter({ hasText: 'create_issue' }).waitFor();
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain(newest.host);
    expect(text).toContain(`/home/user/projects/${newest.words[0]}/${newest.words[1]}-`);
    expect(text).toContain('denied');
    expect(text).toContain('a person');
    expect(text).toContain('✓ record intact');
    expect(text).toContain('Not forwarded: the server never saw this call.');
    // The keyboard moves through the list, and the pane follows.
    await page.locator('.history-scroll').focus();
    await page.keyboard.press('ArrowDown');
    await detail.locator(`.call-detail[data-seq="${expected.at(-2)!.seq}"]`).waitFor();
    await page.keyboard.press('ArrowUp');
    await detail.locator(`.call-detail[data-seq="${newest.seq}"]`).waitFor();
    await screenshot(page, 'history-100k-filtered-detail');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'history-100k-filtered-detail-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Free text on top: every listed call's path or parameters hold the word.
    const word = newest.words[0]!;
    await setField('search', word);
    await waitFor(async () => (await rows().count()) > 0 && !(await tail().textContent())?.includes('Loading'), { message: 'search results' });
    const seqs = await visibleSeqs();
    for (const seq of seqs.slice(0, 10)) {
      await page.locator(`.history-table tbody tr[data-seq="${seq}"]`).click();
      await detail.locator(`.call-detail[data-seq="${seq}"]`).waitFor();
      expect(((await detail.locator('.json-tree').textContent()) ?? '').toLowerCase()).toContain(word);
    }
    await screenshot(page, 'history-100k-search');

    // A time range (decided at or after "from", before "to"), in the window's local time.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await setField('time', 'custom');
    await setField('from', '2026-01-01T10:00');
    await setField('to', '2026-01-01T11:00');
    const from = new Date('2026-01-01T10:00').getTime();
    const to = new Date('2026-01-01T11:00').getTime();
    const inRange = calls.filter((c) => c.ts >= from && c.ts < to);
    await waitFor(async () => Number(await rows().first().getAttribute('data-seq')) === inRange.at(-1)!.seq, { message: 'the newest call in the range first' });
    expect(await scrollToEnd()).toBe(inRange.length);
    await expectOldestInView(inRange[0]!.seq);
    await page.getByRole('button', { name: 'Clear filters' }).click();
  }, 300_000);

  it('exports the filtered view as CSV and JSONL that parse back to the same calls', async () => {
    await clearFilters();
    await setField('server', 'github');
    await setField('tool', 'create_issue');
    await setField('decision', 'deny');
    await setField('decided by', 'person');
    const expected = calls.filter((c) => c.server === 'github' && c.tool === 'create_issue' && c.decision === 'deny' && c.decidedBy === 'person');
    await waitFor(async () => Number(await rows().first().getAttribute('data-seq')) === expected.at(-1)!.seq);

    await page.getByRole('button', { name: 'Export' }).click();
    await screenshot(page, 'history-export-menu');
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: /CSV/ }).click()]);
    expect(csvDownload.suggestedFilename()).toMatch(/^airlock-history-.*\.csv$/);
    const csvFile = path.join(RESULTS, 'history-export.csv');
    await csvDownload.saveAs(csvFile);
    const table = parseCsv(fs.readFileSync(csvFile, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(table[0]!)).toEqual([...CSV_COLUMNS]);
    expect(table.map((r) => Number(r.seq))).toEqual(expected.map((c) => c.seq).reverse());
    for (const row of table) {
      expect(row.server).toBe('github');
      expect(row.tool).toBe('create_issue');
      expect(row.decision).toBe('deny');
      expect(row.decided_by).toBe('person');
    }

    await page.getByRole('button', { name: 'Export' }).click();
    const [jsonlDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: /JSONL/ }).click()]);
    const jsonlFile = path.join(RESULTS, 'history-export.jsonl');
    await jsonlDownload.saveAs(jsonlFile);
    const lines = fs
      .readFileSync(jsonlFile, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; outcome: string; call: { server: string; target: string; hash: string } });
    expect(lines.map((l) => l.seq)).toEqual(expected.map((c) => c.seq).reverse());
    expect(lines.every((l) => l.call.server === 'github' && l.call.target === 'create_issue' && l.outcome === 'denied' && /^[0-9a-f]{64}$/.test(l.call.hash))).toBe(true);
  }, 120_000);

  it('sets retention and the OpenTelemetry export next to the other settings; header values never come back', async () => {
    await page.getByRole('button', { name: 'Servers' }).click();
    const settings = page.locator('section.settings');
    const retention = settings.locator('form[aria-label="History retention"]');
    await retention.waitFor();
    const before = (await retention.getByTestId('log-size').textContent()) ?? '';
    expect(before).toMatch(/Log now: \d+ segments/);
    const segmentsBefore = listSegments(path.join(home, 'audit')).length;
    // Keep at most (a little less than) the log's size: the oldest segments go.
    const totalMb = listSegments(path.join(home, 'audit')).reduce((n, s) => n + fs.statSync(s.file).size, 0) / 1024 / 1024;
    await retention.getByRole('checkbox').nth(1).check();
    await retention.getByLabel('megabytes to keep').fill(String(Math.floor(totalMb - 10)));
    await retention.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText(/Retention saved: keep \d+ MB/).waitFor();
    await waitFor(async () => ((await retention.getByTestId('log-size').textContent()) ?? '') !== before, { message: 'the log to shrink' });
    expect(listSegments(path.join(home, 'audit')).length).toBeLessThan(segmentsBefore);

    const otel = settings.locator('form[aria-label="OpenTelemetry export"]');
    await otel.getByRole('checkbox', { name: /Send call records to OpenTelemetry/ }).check();
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`;
    await otel.getByLabel('OTLP endpoint').fill(endpoint);
    await otel.getByRole('button', { name: 'add headers' }).click();
    await otel.getByLabel('header 1 name').fill('X-Collector-Key');
    await otel.getByLabel('header 1 value').fill('collector-secret-123');
    await screenshot(page, 'history-settings-editing');
    await otel.getByRole('button', { name: 'Save export settings' }).click();
    await otel.getByTestId('telemetry-state').filter({ hasText: 'Sending to' }).waitFor();
    expect(await otel.getByTestId('stored-headers').textContent()).toContain('X-Collector-Key');
    await screenshot(page, 'history-settings', true);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'history-settings-dark', true);
    await page.emulateMedia({ colorScheme: 'light' });
    // A fresh window shows the same settings, and the header's value is nowhere in it.
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Servers' }).click();
    await otel.getByTestId('stored-headers').waitFor();
    expect(await page.locator('body').textContent()).not.toContain('collector-secret-123');
    expect(await otel.getByLabel('OTLP endpoint').inputValue()).toBe(endpoint);
  }, 120_000);

  it('creates a rule from a call: it shows on the Servers screen and the next such call passes without a card', async () => {
    await clearFilters();
    await setField('server', 'filesystem');
    await setField('tool', 'read_file');
    await setField('decision', 'allow');
    const expected = calls.filter((c) => c.server === 'filesystem' && c.tool === 'read_file' && c.decision === 'allow');
    await waitFor(async () => Number(await rows().first().getAttribute('data-seq')) === expected.at(-1)!.seq);
    await rows().first().click();
    const detail = page.locator('.history-detail');
    await detail.getByRole('button', { name: 'Create rule from this call' }).click();
    await detail.getByRole('radio', { name: /Allow/ }).check();
    await screenshot(page, 'history-create-rule');
    await detail.getByRole('button', { name: 'Create allow rule' }).click();
    await detail.getByText('Rule created:').waitFor();
    await detail.getByRole('button', { name: 'Show on Servers' }).click();
    const rule = page.locator('.server-card[data-server="filesystem"] li.rule');
    await rule.first().waitFor();
    expect(await rule.first().textContent()).toContain('read_file');
    expect(await rule.first().textContent()).toContain(`From history call #${expected.at(-1)!.seq}`);
    expect(await rule.first().locator('.rule-action').textContent()).toBe('allow');
    await screenshot(page, 'history-rule-on-servers');

    // The rule works: an agent's read_file passes without a card once the tool set is approved.
    host = await connectHost(home, 'filesystem', { name: 'claude-code', version: '2.1.0' });
    const listed = host.client.listTools();
    await page.getByRole('button', { name: 'Pending' }).click();
    const review = page.locator('article.review-card[data-kind="definitions"]');
    await review.locator('li.definition[data-key^="tool:"]').first().waitFor();
    await review.getByRole('button', { name: 'Approve all', exact: true }).click();
    await listed;
    const answer = await host.client.callTool({ name: 'read_file', arguments: { path: 'README.md' } });
    expect(textOf(answer)).toContain('Acme');

    // …and appears live at the top of the History screen, decided by the rule.
    await page.getByRole('button', { name: 'History' }).click();
    await waitFor(async () => Number(await rows().first().getAttribute('data-seq')) > lastSyntheticSeq, { message: 'the live call at the top' });
    expect(await rows().first().textContent()).toContain('allow · rule');
    // The collector received it as a span, with the header whose value the window never showed.
    await waitFor(() => spans.some((s) => s.body.includes('read_file') && s.headers['x-collector-key'] === 'collector-secret-123'), {
      timeout: 30_000,
      message: 'the span at the collector',
    });
  }, 120_000);

  it('Verify integrity says intact (and what retention trimmed), then names the record the test edited', async () => {
    await page.getByRole('button', { name: 'Verify integrity' }).click();
    const result = page.getByTestId('verify-result');
    await result.and(page.locator('[data-ok]')).waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-ok')).toBe('true');
    const okText = (await result.textContent()) ?? '';
    expect(okText).toContain('Audit log intact');
    expect(okText).toMatch(/records #1–#[\d,]+ · [\d,]+ records in \d+ segments \(.*\) · log above \d+ MB/);
    await screenshot(page, 'history-verify-ok');

    // The full log lists the trim itself, a line of the chain like any other.
    await clearFilters();
    await page.getByRole('button', { name: 'Full log' }).click();
    const trimRow = rows().filter({ hasText: 'audit-trimmed' }).first();
    await trimRow.click();
    const trimDetail = (await page.locator('.history-detail .record-detail').textContent()) ?? '';
    expect(trimDetail).toMatch(/trimmedrecords #1–#[\d,]+ \([\d,]+ records, [\d.]+ MB\) in \d+ segments: log above \d+ MB/);
    await screenshot(page, 'history-full-log');
    await page.getByRole('button', { name: 'Calls', exact: true }).click();

    // Edit one byte of a call record in a middle segment (same length: only its hash can tell).
    const segments = listSegments(path.join(home, 'audit'));
    const segment = segments[Math.floor(segments.length / 2)]!;
    const lines = fs.readFileSync(segment.file, 'utf8').split('\n');
    const index = lines.findIndex((l, i) => i > 10 && l.includes('"type":"call"') && l.includes('/home/user/projects/'));
    const edited = JSON.parse(lines[index]!) as { seq: number };
    lines[index] = lines[index]!.replace('/home/user/projects/', '/home/user/projectz/');
    fs.writeFileSync(segment.file, lines.join('\n'));

    await page.getByRole('button', { name: 'Verify integrity' }).click();
    await result.and(page.locator('[data-ok="false"]')).waitFor({ timeout: 60_000 });
    const brokenText = (await result.textContent()) ?? '';
    expect(brokenText).toContain(`Audit log broken at record #${edited.seq.toLocaleString('en-US')}`);
    expect(brokenText).toContain(path.basename(segment.file));
    expect(brokenText).toContain(`line ${(index + 1).toLocaleString('en-US')}`);
    expect(brokenText).toContain('does not match its hash');
    await result.getByRole('button', { name: `Open record #${edited.seq.toLocaleString('en-US')}` }).click();
    const detail = page.locator('.history-detail');
    await detail.getByTestId('not-intact').waitFor();
    // No rule is offered from a line someone edited.
    expect(await detail.getByRole('button', { name: 'Create rule from this call' }).count()).toBe(0);
    expect(await detail.textContent()).toContain('/home/user/projectz/');
    await screenshot(page, 'history-verify-broken');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'history-verify-broken-dark');
    expect(win.errors).toEqual([]);
  }, 120_000);
});
