/**
 * The Servers screen lists what each server offers (tools, prompts, resources, instructions, server
 * info) with its pin state, findings and who approved it; anything waiting links to its review card.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupHomes, connectHost, fixtureServer, tempDir, textOf, waitFor, type TestHost } from '../test/helpers/harness';
import { launchChromium, openWindow, screenshot, startAirlock, type Airlock, type Window } from './helpers';

const serverCard = (page: Page, name: string) => page.locator(`article.server-card[data-server="${name}"]`);
const definition = (page: Page, server: string, key: string) => serverCard(page, server).locator(`li.server-def[data-key="${key}"]`);

async function showServers(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Servers', exact: true }).click();
  await page.locator('.servers').waitFor();
}

describe('Servers screen: definitions', () => {
  let browser: Browser;
  let app: Airlock | undefined;
  let win: Window | undefined;
  const hosts: TestHost[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    expect(win?.errors ?? []).toEqual([]);
    for (const h of hosts.splice(0)) await h.close().catch(() => {});
    await win?.close();
    await app?.stop();
    win = undefined;
    app = undefined;
  });
  afterAll(async () => {
    await browser.close();
    cleanupHomes();
  });

  it('new definitions link to their review card; once approved they say by whom and when; a rug pull shows as changed with its findings', async () => {
    app = await startAirlock();
    const workspace = tempDir('airlock-workspace-');
    await app.add('demo', fixtureServer('demo-server.mjs', ['--root', workspace, '--rug-pull-after', '1'], { cwd: workspace }));
    win = await openWindow(browser, app.url);
    const { page } = win;
    const host = await connectHost(app.home, 'demo', { name: 'claude-code', version: '2.1.0' });
    hosts.push(host);
    const listed = host.client.listTools();

    // First sight: everything is new and withheld; each line links to the card that decides it.
    await showServers(page);
    await definition(page, 'demo', 'tool:send_email').waitFor();
    expect(await definition(page, 'demo', 'tool:send_email').getAttribute('data-state')).toBe('new');
    expect(await serverCard(page, 'demo').locator('.server-defs-waiting').textContent()).toMatch(/\d+ definitions withheld from hosts until you review them/);
    await screenshot(page, 'servers-definitions-new');
    await definition(page, 'demo', 'tool:send_email').getByRole('button', { name: 'Review tool send_email' }).click();
    const review = page.locator('article.review-card[data-kind="definitions"]');
    await review.waitFor();
    expect(await page.locator('.queue-row.selected').getAttribute('data-item-id')).toBe(await review.getAttribute('data-item-id'));
    await waitFor(async () => (await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.getAttribute('aria-label'))) === 'approve tool:send_email');
    await review.getByRole('button', { name: 'Approve all', exact: true }).click();
    await review.waitFor({ state: 'detached' });
    await listed;

    await showServers(page);
    await waitFor(async () => (await definition(page, 'demo', 'tool:send_email').getAttribute('data-state')) === 'approved');
    expect(await definition(page, 'demo', 'tool:send_email').textContent()).toContain('approved by you');
    expect(await serverCard(page, 'demo').locator('.server-defs-waiting').count()).toBe(0);
    expect(await serverCard(page, 'demo').getByRole('button', { name: /^Review / }).count()).toBe(0);

    // One call, then the server rewrites send_email's description with a hidden instruction.
    const first = host.client.callTool({ name: 'read_file', arguments: { path: 'README.md' } });
    await page.getByRole('button', { name: /^Pending/ }).click();
    await page.locator('article.call-card').waitFor();
    await page.keyboard.press('a');
    expect(textOf(await first)).toContain('Acme');
    await page.locator('article.review-card[data-kind="definitions"]').waitFor();

    await showServers(page);
    const changed = definition(page, 'demo', 'tool:send_email');
    await waitFor(async () => (await changed.getAttribute('data-state')) === 'changed');
    // Red only for a high finding; the unchanged tools keep their approval.
    expect(await changed.locator('.def-findings').getAttribute('class')).toContain('sev-count-high');
    expect(await changed.locator('.def-findings').textContent()).toMatch(/\d+ findings? · highest high/);
    expect(await definition(page, 'demo', 'tool:read_file').getAttribute('data-state')).toBe('approved');
    // Waiting and dangerous first.
    expect(await serverCard(page, 'demo').locator('li.server-def').first().getAttribute('data-key')).toBe('tool:send_email');
    await screenshot(page, 'servers-definitions-changed');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'servers-definitions-changed-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await changed.getByRole('button', { name: 'Review tool send_email' }).click();
    const again = page.locator('article.review-card[data-kind="definitions"]');
    await again.locator('li.definition[data-key="tool:send_email"]').waitFor();
    expect(await again.locator('h2').textContent()).toContain('demo changed');
  });

  it('definitions trusted on first use say so', async () => {
    app = await startAirlock();
    const workspace = tempDir('airlock-workspace-');
    await app.add('notes', fixtureServer('demo-server.mjs', ['--root', workspace], { cwd: workspace }));
    win = await openWindow(browser, app.url);
    const { page } = win;
    await showServers(page);
    // The box follows the core's settings, so it turns on once the core says so.
    await page.getByRole('checkbox', { name: /Trust on first use/ }).click();
    await waitFor(async () => page.getByRole('checkbox', { name: /Trust on first use/ }).isChecked());
    const host = await connectHost(app.home, 'notes');
    hosts.push(host);
    expect((await host.client.listTools()).tools.length).toBeGreaterThan(0);
    await waitFor(async () => (await definition(page, 'notes', 'tool:read_file').getAttribute('data-state')) === 'approved');
    expect(await definition(page, 'notes', 'tool:read_file').textContent()).toContain('trusted on first use');
    await screenshot(page, 'servers-definitions-tofu');
  });
});
