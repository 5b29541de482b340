import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import NodeWebSocket from 'ws';
import { cleanupHomes } from '../test/helpers/harness';
import { launchChromium, openWindow, screenshot, startAirlock, type Airlock } from './helpers';

/** Browser mode is for this user's own browser on this machine, holding this launch's token. */
describe('browser mode refuses strangers', () => {
  let browser: Browser;
  let app: Airlock;

  beforeAll(async () => {
    // A DNS-rebinding attacker's name that resolves to 127.0.0.1.
    browser = await launchChromium(['--host-resolver-rules=MAP rebind.test 127.0.0.1']);
  });
  afterAll(async () => {
    await browser.close();
    cleanupHomes();
  });
  beforeEach(async () => {
    app = await startAirlock();
  });
  afterEach(async () => app.stop());

  it('takes the token out of the address bar and keeps working', async () => {
    const win = await openWindow(browser, app.url);
    try {
      await win.page.getByTestId('empty-pending').waitFor();
      expect(win.page.url()).not.toContain('token');
      expect(win.page.url()).not.toContain(app.token);
      await screenshot(win.page, 'empty-pending');
      await win.page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(win.page, 'empty-pending-dark');
      // Not left in history either: going back leaves the app instead of revisiting a token URL.
      await win.page.goBack();
      expect(win.page.url()).not.toContain('token');
    } finally {
      await win.close();
    }
  });

  it('a wrong token gets no data, and the page says what to do', async () => {
    const win = await openWindow(browser, `http://127.0.0.1:${app.port}/#token=${'A'.repeat(43)}`);
    try {
      await win.page.getByRole('alert').filter({ hasText: /Cannot reach Airlock|refused/i }).waitFor({ timeout: 20_000 });
      expect(await win.page.locator('.topbar').count()).toBe(0);
      await screenshot(win.page, 'wrong-token');
    } finally {
      await win.close();
    }
    // The same, straight at the socket: the handshake is refused with 403.
    const status = await new Promise<number>((resolve) => {
      const ws = new NodeWebSocket(`ws://127.0.0.1:${app.port}/api`, ['airlock.v1', 'airlock.token.wrong']);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(status).toBe(403);
  });

  it('no token at all: the page explains where the address comes from', async () => {
    const win = await openWindow(browser, `http://127.0.0.1:${app.port}/`);
    try {
      await win.page.getByText('This page needs the address Airlock printed').waitFor();
      await screenshot(win.page, 'no-token');
    } finally {
      await win.close();
    }
  });

  it('a foreign Host (DNS rebinding) is refused, page and API alike', async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(`http://rebind.test:${app.port}/#token=${app.token}`);
      expect(response?.status()).toBe(403);
      expect(await page.textContent('body')).toContain('foreign Host');
      const opened = await page.evaluate(
        ([port, token]) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(`ws://rebind.test:${port}/api`, ['airlock.v1', `airlock.token.${token}`]);
            ws.onopen = () => resolve('open');
            ws.onerror = () => resolve('refused');
          }),
        [app.port, app.token] as const,
      );
      expect(opened).toBe('refused');
      await screenshot(page, 'foreign-host');
    } finally {
      await page.close();
    }
  });

  it('a foreign Origin cannot open the API even with the right token', async () => {
    // A page on another origin, in the same browser, tries the socket with a stolen token.
    const page = await browser.newPage();
    try {
      await page.route('http://evil.test/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>evil page</p>' }));
      await page.goto('http://evil.test/');
      const fromPage = await page.evaluate(
        ([port, token]) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, ['airlock.v1', `airlock.token.${token}`]);
            ws.onopen = () => resolve('open');
            ws.onerror = () => resolve('refused');
          }),
        [app.port, app.token] as const,
      );
      expect(fromPage).toBe('refused');
    } finally {
      await page.close();
    }
    // And with an explicit Origin header from a non-browser client.
    const status = await new Promise<number>((resolve) => {
      const ws = new NodeWebSocket(`ws://127.0.0.1:${app.port}/api`, ['airlock.v1', `airlock.token.${app.token}`], { origin: 'https://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(status).toBe(403);
    const page2 = await fetch(`http://127.0.0.1:${app.port}/`, { headers: { origin: 'https://evil.example' } });
    expect(page2.status).toBe(403);
    expect(page2.headers.get('access-control-allow-origin')).toBeNull();
  });
});
