import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { airlock, cleanupHomes } from '../test/helpers/harness';
// @ts-expect-error: plain .mjs fixtures without types
import { startAuthorizationServer } from '../test/fixtures/oauth/authorization-server.mjs';
// @ts-expect-error: plain .mjs fixtures without types
import { startProtectedServer } from '../test/fixtures/servers/protected-mcp.mjs';
import { closeBrowser, signInWithBrowser } from '../test/fixtures/oauth/helpers';
import { launchChromium, openWindow, screenshot, startAirlock, type Airlock } from './helpers';

interface Closable {
  close(): Promise<void>;
}

let browser: Browser;
let running: Closable[] = [];
let app: Airlock | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  for (const server of running.reverse()) await server.close();
  running = [];
});
afterAll(async () => {
  await browser.close();
  await closeBrowser();
  cleanupHomes();
});

/** A real OAuth authorization server and a protected MCP server on loopback, registered in a real `airlock serve`. */
async function remoteSetup(options: { audienceFor?: (resource: string) => string } = {}) {
  const as = await startAuthorizationServer(options);
  const mcp = await startProtectedServer({ issuer: as.issuer });
  running.push(as, mcp);
  app = await startAirlock();
  const added = await airlock(['add', 'crm', '--url', mcp.url], { home: app.home });
  expect(added.code, added.stderr).toBe(0);
  return { as, mcp };
}

describe('remote servers in the window', () => {
  it('logs in from the Servers screen: the sign-in link, the authority it brings, and logging out', async () => {
    await remoteSetup();
    const window = await openWindow(browser, app!.url);
    const { page } = window;
    await page.getByRole('link', { name: 'Servers' }).or(page.getByRole('button', { name: 'Servers' })).first().click();
    const card = page.locator('[data-server="crm"]');
    // Nothing is known about its authorization server yet, so nothing to warn about: just a way in.
    await card.getByRole('button', { name: 'Log in' }).click();
    const link = card.getByRole('link', { name: 'open the sign-in page' });
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\?/);
    expect(await link.getAttribute('rel')).toContain('noopener');
    await signInWithBrowser(href!);

    // The authority the token carries replaces the warning.
    await expect.poll(() => card.locator('dl.facts').innerText(), { timeout: 15_000 }).toContain('mcp:read');
    const facts = await card.locator('dl.facts').innerText();
    expect(facts).toMatch(/issuer\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(facts).toContain('expires');
    expect(await card.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'remote-logged-in');

    await card.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => card.getByRole('alert').count()).toBe(1);
    expect(await card.getByRole('alert').innerText()).toContain('Not logged in');
    expect(await card.getByRole('button', { name: 'Log out' }).count()).toBe(0);
    expect(window.errors).toEqual([]);
    await window.close();
  });

  it('shows an audience mismatch prominently, at the top of the permission story', async () => {
    await remoteSetup({ audienceFor: () => 'https://some-other-service.example/' });
    const window = await openWindow(browser, app!.url);
    const { page } = window;
    await page.getByRole('link', { name: 'Servers' }).or(page.getByRole('button', { name: 'Servers' })).first().click();
    const card = page.locator('[data-server="crm"]');
    await card.getByRole('button', { name: 'Log in' }).click();
    await signInWithBrowser((await card.getByRole('link', { name: 'open the sign-in page' }).getAttribute('href'))!);
    const warning = card.getByRole('alert');
    await expect.poll(() => warning.innerText(), { timeout: 15_000 }).toContain('Audience mismatch');
    expect(await warning.innerText()).toContain('https://some-other-service.example/');
    await screenshot(page, 'remote-audience-mismatch');
    await window.close();
  });
});
