import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureServer, tempDir, textOf, waitFor, type TestHost } from '../test/helpers/harness';
import { connectApproved, useChromium, openWindow, screenshot, startAirlock, type Airlock, type Window } from './helpers';

/** The rest of the window: keyboard, the kill switch, Servers and History. */
describe('approval window: keyboard, Pause all, Servers, History', () => {
  const chromium = useChromium();
  let app: Airlock;
  let win: Window;
  let host: TestHost;

  beforeEach(async () => {
    app = await startAirlock();
    const workspace = tempDir('airlock-workspace-');
    await app.add('demo', fixtureServer('demo-server.mjs', ['--root', workspace], { cwd: workspace }));
    win = await openWindow(chromium.browser, app.url);
    host = await connectApproved(app, win.page, 'demo', { name: 'claude-code', version: '2.1.0' });
  });
  afterEach(async () => {
    await host?.close().catch(() => {});
    await win?.close();
    await app?.stop();
  });

  it('arrows move between cards and A approves only the selected one', async () => {
    const calls = ['README.md', 'notes/todo.md', 'config/settings.json'].map((path) => ({
      path,
      result: host.client.callTool({ name: 'read_file', arguments: { path } }),
    }));
    await waitFor(async () => (await win.page.locator('.queue-row').count()) === 3, { message: 'three cards' });
    // Oldest first, the first one selected.
    expect(await win.page.locator('.queue-row.selected').textContent()).toContain('README.md');
    await win.page.keyboard.press('ArrowDown');
    await win.page.keyboard.press('ArrowDown');
    expect(await win.page.locator('.queue-row.selected').textContent()).toContain('config/settings.json');
    expect(await win.page.locator('article.call-card .json-tree').textContent()).toContain('config/settings.json');
    await screenshot(win.page, 'keyboard-third-selected');
    await win.page.keyboard.press('a');
    expect(textOf(await calls[2]!.result)).toContain('eu-west-1');
    await waitFor(async () => (await win.page.locator('.queue-row').count()) === 2);
    // The others are untouched; S on the (now selected) second one grants the session.
    await win.page.keyboard.press('ArrowUp');
    expect(await win.page.locator('.queue-row.selected').textContent()).toContain('README.md');
    await win.page.keyboard.press('s');
    expect(textOf(await calls[0]!.result)).toContain('Acme billing service');
    // Session grant for read_file: the remaining read_file card was already waiting and still needs a decision.
    await win.page.locator('.queue-row').first().waitFor();
    await win.page.keyboard.press('d');
    expect((await calls[1]!.result).isError).toBe(true);
  });

  it('Pause all denies what waits, refuses new calls with a banner, and Resume brings asking back', async () => {
    const held = host.client.callTool({ name: 'write_file', arguments: { path: 'a.txt', content: 'x' } });
    await win.page.locator('article.call-card').waitFor();
    const toggle = win.page.getByRole('switch', { name: 'Pause all' });
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.click();
    const answer = await held;
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toContain('Airlock is paused');
    await win.page.getByTestId('paused-banner').waitFor();
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    // While paused nothing waits: refused at once, no card.
    const refused = await host.client.callTool({ name: 'read_file', arguments: { path: 'README.md' } });
    expect(textOf(refused)).toContain('Airlock is paused');
    expect(await win.page.locator('article.call-card').count()).toBe(0);
    expect(await win.page.getByTestId('empty-pending').textContent()).toContain('Airlock is paused');
    await screenshot(win.page, 'paused');
    await win.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(win.page, 'paused-dark');
    await win.page.getByTestId('paused-banner').getByRole('button', { name: 'Resume' }).click();
    await win.page.getByTestId('paused-banner').waitFor({ state: 'detached' });
    const again = host.client.callTool({ name: 'read_file', arguments: { path: 'README.md' } });
    await win.page.locator('article.call-card').waitFor();
    await win.page.keyboard.press('a');
    expect(textOf(await again)).toContain('Acme');
  });

  it('History lists decisions newest first, filters by decision and tool, and shows a record in full with secrets redacted', async () => {
    const allowed = host.client.callTool({ name: 'http_request', arguments: { url: 'https://api.example.com/v1/x', headers: { Authorization: 'Bearer sk_live_51HxDemoDemoDemoDemoDemo0000' } } });
    const card = win.page.locator('article.call-card');
    await card.waitFor();
    // The secret is masked on the card until clicked.
    expect(await card.locator('.json-tree').textContent()).not.toContain('sk_live_51HxDemo');
    await card.locator('.secret-mask').click();
    expect(await card.locator('.json-tree').textContent()).toContain('Bearer sk_live_51HxDemoDemoDemoDemoDemo0000');
    await card.getByRole('button', { name: 'Approve once', exact: true }).click();
    await allowed;
    const denied = host.client.callTool({ name: 'delete_file', arguments: { path: 'README.md' } });
    await card.getByTestId('tool-name').filter({ hasText: 'delete_file' }).waitFor();
    await card.getByRole('button', { name: 'Deny', exact: true }).click();
    await denied;

    await win.page.getByRole('button', { name: 'History' }).click();
    const rows = win.page.locator('.history-table tbody tr');
    await waitFor(async () => (await rows.allTextContents()).some((t) => t.includes('delete_file')));
    const texts = await rows.allTextContents();
    // Newest first: the denial comes before the approval.
    expect(texts.findIndex((t) => t.includes('delete_file'))).toBeLessThan(texts.findIndex((t) => t.includes('http_request')));

    await win.page.getByLabel('decision').selectOption('deny');
    await waitFor(async () => (await rows.allTextContents()).every((t) => t.includes('deny')));
    expect((await rows.allTextContents()).join('\n')).toContain('delete_file');
    expect((await rows.allTextContents()).join('\n')).not.toContain('http_request');

    await win.page.getByLabel('decision').selectOption('');
    await win.page.getByLabel('tool').fill('http_request');
    await waitFor(async () => (await rows.count()) > 0 && (await rows.allTextContents()).every((t) => t.includes('http_request')));
    await rows.filter({ hasText: 'allow' }).first().click();
    const detail = win.page.locator('.history-detail');
    await detail.getByText('allow', { exact: true }).waitFor();
    const detailText = (await detail.textContent()) ?? '';
    expect(detailText).toContain('claude-code');
    expect(detailText).toContain('«redacted:');
    expect(detailText).not.toContain('sk_live_51HxDemo');
    expect(detailText).toContain('api.example.com');
    await screenshot(win.page, 'history-detail');
    await win.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(win.page, 'history-detail-dark');

    await win.page.getByRole('button', { name: 'Servers' }).click();
    await win.page.locator('.server-card[data-server="demo"]').waitFor();
    expect(await win.page.locator('.server-card[data-server="demo"] .state-chip').textContent()).toBe('running');
    await screenshot(win.page, 'servers-dark');
  });
});
