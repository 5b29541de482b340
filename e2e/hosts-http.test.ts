/**
 * The Hosts screen with a remote entry and the HTTP mode, against the real `airlock serve` (its
 * ingress on a random loopback port) pointed by HOME at a fixture home (a temp folder, never the
 * real home). The remote server is the SDK's own Streamable HTTP server on 127.0.0.1; a host
 * connects to the protected entry exactly as Claude Code would, with the URL and headers the file
 * now holds, and its call stops at a card in the window. Every change is checked on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AIRLOCK_BIN, cleanupHomes, textOf, waitFor } from '../test/helpers/harness';
import { at, backupsOf, EVERYTHING, fixtureHome, read, strictJson, write } from '../test/fixtures/hosts/fixtures';
import { filesContaining } from '../test/fixtures/oauth/helpers';
import { approveFirstSight, launchChromium, openWindow, RESULTS, screenshot, startAirlock, type Airlock, type Window } from './helpers';
import { startUpstream, type Upstream } from '../test/fixtures/servers/remote-echo';

const CLI = fs.realpathSync(AIRLOCK_BIN);
const SECRET = 'Bearer static-notes-key-0123456789abcdef';
const TEAM = 'blue-team-header-value-42';


interface Fixture {
  home: string;
  project: string;
  claudeCode: string;
  claudeDesktop: string;
}

/** Claude Code's `~/.claude.json` with a remote (`type: "http"`) entry carrying static headers, a local entry, and keys Airlock does not own. */
function claudeCodeConfig(home: string, upstreamUrl: string): string {
  return JSON.stringify(
    {
      numStartups: 3,
      mcpServers: {
        notes: { type: 'http', url: upstreamUrl, headers: { Authorization: SECRET, 'X-Team': TEAM } },
        everything: { command: EVERYTHING, args: [] },
      },
      projects: { [path.join(home, 'app')]: { allowedTools: ['mcp__notes__echo'] } },
    },
    null,
    2,
  );
}

function homeWith(upstreamUrl: string): Fixture {
  const { home } = fixtureHome();
  return {
    home,
    project: path.join(home, 'app'),
    claudeCode: write(path.join(home, '.claude.json'), claudeCodeConfig(home, upstreamUrl)),
    claudeDesktop: write(path.join(home, '.config/Claude/claude_desktop_config.json'), JSON.stringify({ mcpServers: { memo: { command: EVERYTHING, args: [] } } }, null, 2)),
  };
}

const hostCard = (page: Page, id: string) => page.locator(`article.host-card[data-host="${id}"]`);
const entryRow = (page: Page, host: string, key: string) => hostCard(page, host).locator(`li.host-entry[data-entry="${key}"]`);
const stateOf = (page: Page, host: string, key: string) => entryRow(page, host, key).getAttribute('data-state');

/** The screen tabs; Pending's name carries its count once something waits. */
async function openScreen(page: Page, name: 'Hosts' | 'Pending'): Promise<void> {
  await page.getByRole('navigation', { name: 'screens' }).getByRole('button', { name: new RegExp(`^${name}\\b`) }).click();
  if (name === 'Hosts') await page.locator('.hosts').waitFor();
}

/** The window, and (the screen scrolls inside the window) one host card whole, in light and dark. */
async function bothSchemes(page: Page, name: string, card?: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const suffix = scheme === 'dark' ? '-dark' : '';
    await screenshot(page, `${name}${suffix}`);
    if (card) await hostCard(page, card).screenshot({ path: path.join(RESULTS, `${name}-card${suffix}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('Hosts screen: remote entries and the HTTP mode', () => {
  let browser: Browser;
  let upstream: Upstream | undefined;
  let app: Airlock | undefined;
  let win: Window | undefined;
  let client: Client | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    expect(win?.errors ?? []).toEqual([]);
    expect(win?.dialogs ?? []).toEqual([]);
    await client?.close().catch(() => {});
    await win?.close();
    await app?.stop();
    await upstream?.close();
    client = undefined;
    win = undefined;
    app = undefined;
    upstream = undefined;
  });
  afterAll(async () => {
    await browser.close();
    cleanupHomes();
  });

  async function start(): Promise<{ fx: Fixture; page: Page }> {
    upstream = await startUpstream();
    const fx = homeWith(upstream.url);
    // Port 0: the ingress takes a free loopback port, and protect writes the one it listens on.
    app = await startAirlock({ HOME: fx.home, AIRLOCK_INGRESS_PORT: '0' });
    win = await openWindow(browser, app.url);
    await openScreen(win.page, 'Hosts');
    await entryRow(win.page, 'claude-code', 'notes').waitFor();
    return { fx, page: win.page };
  }

  it('shows a remote entry by its URL and header names, protects it over HTTP, a host reaches the server through the ingress, and unprotect gives back the same bytes', async () => {
    const { fx, page } = await start();
    const before = fs.readFileSync(fx.claudeCode);

    // The remote entry: protectable, shown by its URL and its header NAMES; no header value anywhere in the window.
    const notes = entryRow(page, 'claude-code', 'notes');
    expect(await stateOf(page, 'claude-code', 'notes')).toBe('unprotected');
    expect(await notes.locator('.host-state').textContent()).toBe('Not protected');
    expect(await notes.getByTestId('host-entry-kind').textContent()).toBe('remote · Streamable HTTP');
    expect(await notes.getByTestId('host-url').textContent()).toBe(upstream!.url);
    expect(await notes.getByTestId('host-headers').locator('code').allTextContents()).toEqual(['Authorization', 'X-Team']);
    expect(await notes.textContent()).toContain('header values move to Airlock’s encrypted store');
    expect(await hostCard(page, 'claude-code').locator('.host-summary').textContent()).toBe('0 of 2 servers protected');
    const html = await page.content();
    expect(html).not.toContain('static-notes-key');
    expect(html).not.toContain(TEAM);

    // Claude Desktop reads stdio entries only: the HTTP choice is there, switched off, with the reason.
    const desktopHttp = hostCard(page, 'claude-desktop').getByRole('radio', { name: /Over HTTP to Airlock’s ingress/ });
    expect(await desktopHttp.isDisabled()).toBe(true);
    expect(await hostCard(page, 'claude-desktop').getByRole('radio', { name: /Through airlock connect/ }).isChecked()).toBe(true);
    expect(await hostCard(page, 'claude-desktop').getByTestId('protect-mode').textContent()).toContain('Claude Desktop reads only stdio servers from its config file');

    // Claude Code can take either; stdio is the default until the person chooses HTTP.
    const choice = hostCard(page, 'claude-code').getByTestId('protect-mode');
    expect(await choice.getByRole('radio', { name: 'Through airlock connect (stdio — the host file keeps no secret)' }).isChecked()).toBe(true);
    await bothSchemes(page, 'hosts-remote-entry', 'claude-code');
    await choice.getByRole('radio', { name: 'Over HTTP to Airlock’s ingress (the host file holds a per-host token)' }).check();
    expect(await notes.getByRole('button', { name: 'Protect notes', exact: true }).textContent()).toBe('Protect over HTTP');
    expect(await hostCard(page, 'claude-desktop').getByRole('button', { name: 'Protect all servers of Claude Desktop', exact: true }).textContent()).toBe('Protect all');

    await notes.getByRole('button', { name: 'Protect notes', exact: true }).click();
    await waitFor(async () => (await stateOf(page, 'claude-code', 'notes')) === 'protected');

    // On disk: strict JSON Claude Code reads; the entry points at the ingress with a bearer host token, and no original header is left.
    const text = read(fx.claudeCode);
    const written = strictJson(text);
    const entry = at(written, 'mcpServers', 'notes');
    const ingressUrl = entry.url as string;
    expect(ingressUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp\/notes$/);
    expect(Number(new URL(ingressUrl).port)).not.toBe(53980);
    expect(entry.type).toBe('http');
    expect(Object.keys(entry.headers)).toEqual(['Authorization']);
    const hostToken = /^Bearer (airlock_ht_[\w-]+)$/.exec(entry.headers.Authorization)?.[1];
    expect(hostToken).toBeTruthy();
    expect(text).not.toContain('static-notes-key');
    expect(text).not.toContain(TEAM);
    expect(text).not.toContain('X-Team');
    expect(at(written, 'numStartups')).toBe(3);
    expect(at(written, 'projects', fx.project, 'allowedTools')).toEqual(['mcp__notes__echo']);
    expect(at(written, 'mcpServers', 'everything')).toEqual({ command: EVERYTHING, args: [] });
    expect(backupsOf(fx.claudeCode)).toHaveLength(1);
    // The header values are in Airlock's encrypted store: nowhere in clear in its home.
    expect(filesContaining(app!.home, ['static-notes-key-0123456789abcdef', TEAM, hostToken!])).toEqual([]);

    // The result says which mode, the ingress URL, and that the token sits in the host file.
    const outcome = hostCard(page, 'claude-code').getByTestId('host-outcome');
    expect(await outcome.locator('strong').textContent()).toBe('Protected 1 server of Claude Code over HTTP.');
    const facts = await outcome.getByTestId('host-outcome-facts').innerText();
    expect(facts).toMatch(/mode\s+Over HTTP to Airlock’s ingress\n/);
    expect(facts).toContain(ingressUrl.replace(/notes$/, '<server>'));
    expect(facts).toMatch(/host token\s+"claude-code", created now — in the host file, in each entry’s Authorization header/);
    expect(await outcome.getByTestId('host-outcome-caution').textContent()).toContain('The host file now holds a secret: the host token.');
    const said = await outcome.locator('ul').innerText();
    expect(said).toContain(`"notes" now connects to Airlock’s HTTP ingress at ${ingressUrl}; Airlock connects to ${upstream!.url} over Streamable HTTP.`);
    expect(said).toContain('Headers of "notes" moved to Airlock’s encrypted store: Authorization, X-Team.');

    // The protected entry: its mode and the ingress URL; the token is never in the window.
    expect(await notes.getByTestId('host-entry-kind').textContent()).toBe('via HTTP ingress');
    expect(await notes.getAttribute('data-mode')).toBe('http');
    expect(await notes.getByTestId('host-url').textContent()).toBe(ingressUrl);
    expect(await notes.getByTestId('host-token-note').textContent()).toContain('the host token, in the host file (never shown here)');
    expect(await notes.textContent()).toContain(`It connects to ${upstream!.url} over Streamable HTTP, sending Authorization, X-Team from Airlock’s encrypted store.`);
    expect(await page.content()).not.toContain(hostToken!);
    // Only the one entry changed; the local one still waits, with the HTTP choice kept.
    expect(await stateOf(page, 'claude-code', 'everything')).toBe('unprotected');
    expect(await hostCard(page, 'claude-code').locator('.host-summary').textContent()).toBe('1 of 2 servers protected');
    await bothSchemes(page, 'hosts-http-protected', 'claude-code');

    // A host connects exactly as Claude Code would: the file's URL and headers. Its call stops at a card here.
    client = new Client({ name: 'claude-code', version: '2.1.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(ingressUrl), { requestInit: { headers: entry.headers } }));
    await openScreen(page, 'Pending');
    const listed = client.listTools();
    await approveFirstSight(page, 'notes');
    expect((await listed).tools.map((t) => t.name)).toEqual(['echo']);
    const call = client.callTool({ name: 'echo', arguments: { text: 'hello through the ingress' } });
    const card = page.locator('article.call-card');
    await card.getByTestId('tool-name').filter({ hasText: 'echo' }).waitFor();
    await card.getByRole('button', { name: 'Approve once', exact: true }).click();
    expect(textOf(await call)).toBe('echo: hello through the ingress');
    // The server got its headers from Airlock's store on every request, and never the host's token.
    expect(upstream!.requests.length).toBeGreaterThan(0);
    expect(upstream!.requests.every((h) => h.authorization === SECRET && h['x-team'] === TEAM)).toBe(true);
    expect(JSON.stringify(upstream!.requests)).not.toContain('airlock_ht_');
    await client.close();
    client = undefined;

    // Unprotect: the original bytes, the host token revoked, and a summary that says what the entry does again.
    await openScreen(page, 'Hosts');
    await notes.getByRole('button', { name: 'Unprotect notes', exact: true }).click();
    await waitFor(async () => (await outcome.locator('strong').textContent()) === 'Unprotected 1 server of Claude Code.');
    const undone = await outcome.innerText();
    expect(undone).toContain(`"notes" connects to its original URL again, ${upstream!.url}, not through Airlock; its original headers (Authorization, X-Team) are in the host file again`);
    expect(undone).not.toContain('launches its original command');
    expect(undone).toContain('Revoked the host token "claude-code": no protected entry uses it any more.');
    expect(undone).toContain('byte-identical');
    expect(fs.readFileSync(fx.claudeCode).equals(before)).toBe(true);
    await waitFor(async () => (await stateOf(page, 'claude-code', 'notes')) === 'unprotected');
    await bothSchemes(page, 'hosts-http-unprotected', 'claude-code');
  });

  it('protects a remote entry through airlock connect by default: no secret in the host file, and unprotect says it connects to its URL again', async () => {
    const { fx, page } = await start();
    const before = read(fx.claudeCode);
    await page.getByRole('button', { name: 'Protect all servers of Claude Code', exact: true }).click();
    await waitFor(async () => (await stateOf(page, 'claude-code', 'notes')) === 'protected' && (await stateOf(page, 'claude-code', 'everything')) === 'protected');

    // Claude Code reads the entry by its type: stdio now, launching the wrapper by absolute paths; no URL, no header.
    const text = read(fx.claudeCode);
    expect(at(strictJson(text), 'mcpServers', 'notes')).toEqual({ type: 'stdio', command: process.execPath, args: [CLI, 'connect', 'notes'], env: { AIRLOCK_HOME: app!.home } });
    expect(text).not.toContain('static-notes-key');
    expect(text).not.toContain('airlock_ht_');

    const outcome = hostCard(page, 'claude-code').getByTestId('host-outcome');
    expect(await outcome.locator('strong').textContent()).toBe('Protected 2 servers of Claude Code.');
    const facts = await outcome.getByTestId('host-outcome-facts').innerText();
    expect(facts).toMatch(/mode\s+Through airlock connect \(stdio\)/);
    expect(facts).toMatch(/host file\s+keeps no secret/);
    expect(await outcome.getByTestId('host-outcome-caution').count()).toBe(0);
    expect(await outcome.innerText()).toContain(`"notes" now launches airlock connect notes; Airlock connects to ${upstream!.url} over Streamable HTTP.`);
    expect(await outcome.innerText()).toContain('"everything" now launches airlock connect everything.');
    const notes = entryRow(page, 'claude-code', 'notes');
    expect(await notes.getAttribute('data-mode')).toBe('stdio');
    expect(await notes.getByTestId('host-entry-kind').textContent()).toBe('via airlock connect');
    await bothSchemes(page, 'hosts-remote-stdio-protected', 'claude-code');

    await page.getByRole('button', { name: 'Unprotect all servers of Claude Code', exact: true }).click();
    await waitFor(async () => (await outcome.locator('strong').textContent()) === 'Unprotected 2 servers of Claude Code.');
    const undone = await outcome.innerText();
    expect(undone).toContain(`"notes" connects to its original URL again, ${upstream!.url}, not through Airlock`);
    expect(undone).toContain('"everything" launches its original command again, not through Airlock');
    expect(undone).not.toContain('Revoked the host token');
    expect(read(fx.claudeCode)).toBe(before);
  });

  it('an HTTP wrapper removed by hand raises an alert whose one-click Protect puts it back over HTTP, with the same host token', async () => {
    const { fx, page } = await start();
    const original = read(fx.claudeCode);
    await hostCard(page, 'claude-code').getByRole('radio', { name: /^Over HTTP to Airlock’s ingress/ }).check();
    await page.getByRole('button', { name: 'Protect notes', exact: true }).click();
    await waitFor(async () => (await stateOf(page, 'claude-code', 'notes')) === 'protected');
    const token = at(strictJson(read(fx.claudeCode)), 'mcpServers', 'notes', 'headers', 'Authorization');

    // Someone puts the original entry back by hand: the host now talks to the server without Airlock.
    fs.writeFileSync(fx.claudeCode, original);
    const alert = page.locator('li.host-alert[data-server="notes"]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain(`Airlock's wrapper for "notes" was removed from ${fx.claudeCode}`);
    expect(await alert.textContent()).toContain('Protect puts it back over HTTP to Airlock’s ingress, as it was');
    const button = page.getByRole('button', { name: 'Protect notes in Claude Code', exact: true });
    expect(await button.textContent()).toBe('Protect over HTTP');
    await bothSchemes(page, 'hosts-http-drift-alert');

    // Even with the host's choice back on stdio, the alert re-wraps the way the entry was.
    await hostCard(page, 'claude-code').getByRole('radio', { name: /^Through airlock connect/ }).check();
    await button.click();
    await alert.waitFor({ state: 'detached' });
    const entry = at(strictJson(read(fx.claudeCode)), 'mcpServers', 'notes');
    expect(entry.type).toBe('http');
    expect(entry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp\/notes$/);
    expect(entry.headers).toEqual({ Authorization: token });
    const facts = await hostCard(page, 'claude-code').getByTestId('host-outcome-facts').innerText();
    expect(facts).toMatch(/host token\s+"claude-code" — in the host file/);
    expect(facts).not.toContain('created now');
  });
});
