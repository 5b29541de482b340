/**
 * The Hosts screen against the real `airlock serve`, pointed by HOME at a fixture home (a temp
 * folder, never the real home) holding Claude Desktop's and VS Code's config files. Every change is
 * checked on disk, in the host's own format.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AIRLOCK_BIN, cleanupHomes, waitFor } from '../test/helpers/harness';
import { at, EVERYTHING, fixtureHome, jsonc, MEMORY, read, strictJson, write } from '../test/fixtures/hosts/fixtures';
import { commandLine } from '../renderer/src/screens/hosts/commandLine';
import { launchChromium, openWindow, screenshot, startAirlock, type Airlock, type Window } from './helpers';

const J = JSON.stringify;
const CLI = fs.realpathSync(AIRLOCK_BIN);

const CLAUDE = '.config/Claude/claude_desktop_config.json';
const VSCODE = '.config/Code/User/mcp.json';

function claudeDesktopConfig(): string {
  return `{
  "mcpServers": {
    "everything": {
      "command": ${J(EVERYTHING)},
      "args": []
    },
    "github": {
      "command": ${J(EVERYTHING)},
      "args": ["stdio"]
    }
  },
  "globalShortcut": "Ctrl+Space"
}
`;
}

/** VS Code's own shape: `servers`, `type`, an `inputs` prompt, and comments (JSONC). */
function vscodeConfig(): string {
  return `{
  // Servers for the agent, kept by hand.
  "inputs": [
    { "type": "promptString", "id": "jira-token", "description": "Jira token", "password": true }
  ],
  "servers": {
    "github": { "type": "stdio", "command": ${J(MEMORY)}, "args": [] }, // a different github than Claude's
    "jira": { "type": "stdio", "command": ${J(MEMORY)}, "env": { "JIRA_TOKEN": "\${input:jira-token}" } },
    "linear": { "type": "http", "url": "https://mcp.linear.app/mcp" }
  }
}
`;
}

interface Fixture {
  home: string;
  claude: string;
  vscode: string;
}

function twoHosts(): Fixture {
  const { home } = fixtureHome();
  return { home, claude: write(path.join(home, CLAUDE), claudeDesktopConfig()), vscode: write(path.join(home, VSCODE), vscodeConfig()) };
}

const hostCard = (page: Page, id: string) => page.locator(`article.host-card[data-host="${id}"]`);
const entryRow = (page: Page, host: string, key: string) => hostCard(page, host).locator(`li.host-entry[data-entry="${key}"]`);

async function openHosts(win: Window): Promise<void> {
  await win.page.getByRole('button', { name: 'Hosts', exact: true }).click();
  await win.page.locator('.hosts').waitFor();
}

async function stateOf(page: Page, host: string, key: string): Promise<string | null> {
  return entryRow(page, host, key).getAttribute('data-state');
}

describe('Hosts screen', () => {
  let browser: Browser;
  let app: Airlock | undefined;
  let win: Window | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    expect(win?.errors ?? []).toEqual([]);
    expect(win?.dialogs ?? []).toEqual([]);
    await win?.close();
    await app?.stop();
    win = undefined;
    app = undefined;
  });
  afterAll(async () => {
    await browser.close();
    cleanupHomes();
  });

  async function start(home: string): Promise<Window> {
    app = await startAirlock({ HOME: home });
    win = await openWindow(browser, app.url);
    await openHosts(win);
    return win;
  }

  it('lists the hosts found with their files and servers, protects one host in one click, shows the exact command, and unprotect gives back the same bytes', async () => {
    const fx = twoHosts();
    const claudeBefore = read(fx.claude);
    const { page } = await start(fx.home);

    // Both hosts, with the file each keeps its servers in.
    await hostCard(page, 'claude-desktop').waitFor();
    expect(await hostCard(page, 'claude-desktop').locator('.host-file').first().textContent()).toBe(fx.claude);
    expect(await hostCard(page, 'vscode').locator('.host-file').first().textContent()).toBe(fx.vscode);
    expect(await stateOf(page, 'claude-desktop', 'everything')).toBe('unprotected');
    expect(await entryRow(page, 'claude-desktop', 'everything').locator('.host-state').textContent()).toBe('Not protected');
    // A remote entry is protectable too, shown by its URL; why some entries cannot be protected is said on the entry.
    expect(await stateOf(page, 'vscode', 'linear')).toBe('unprotected');
    expect(await entryRow(page, 'vscode', 'linear').textContent()).toContain('https://mcp.linear.app/mcp');
    expect(await entryRow(page, 'vscode', 'linear').getByTestId('host-entry-kind').textContent()).toBe('remote · Streamable HTTP');
    // It counts among the servers to protect; no "remote · not protectable" bucket any more.
    expect(await hostCard(page, 'vscode').locator('.host-summary').textContent()).toBe('0 of 2 servers protected · 1 cannot be protected');
    expect(await stateOf(page, 'vscode', 'jira')).toBe('unsupported');
    expect(await entryRow(page, 'vscode', 'jira').textContent()).toContain('"inputs" prompt');
    // Hosts that are not here are listed with where Airlock looked.
    expect(await page.locator('.hosts-absent summary').textContent()).toContain('Cursor');
    await screenshot(page, 'hosts-found', true);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'hosts-found-dark', true);
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('button', { name: 'Protect all servers of Claude Desktop', exact: true }).click();
    const outcome = hostCard(page, 'claude-desktop').getByTestId('host-outcome');
    await outcome.waitFor();
    expect(await outcome.textContent()).toContain('Protected 2 servers of Claude Desktop.');
    await waitFor(async () => (await stateOf(page, 'claude-desktop', 'everything')) === 'protected' && (await stateOf(page, 'claude-desktop', 'github')) === 'protected');

    // On disk: strict JSON Claude Desktop can read, each entry launching `airlock connect <name>` by absolute paths.
    const written = strictJson(read(fx.claude));
    expect(at(written, 'mcpServers', 'everything')).toEqual({ command: process.execPath, args: [CLI, 'connect', 'everything'], env: { AIRLOCK_HOME: app!.home } });
    expect(at(written, 'mcpServers', 'github', 'args')).toEqual([CLI, 'connect', 'github']);
    expect(at(written, 'globalShortcut')).toBe('Ctrl+Space');
    // The screen shows exactly that command.
    expect(await entryRow(page, 'claude-desktop', 'everything').getByTestId('host-command').textContent()).toBe(commandLine(process.execPath, [CLI, 'connect', 'everything']));
    // VS Code was not touched.
    expect(await stateOf(page, 'vscode', 'github')).toBe('unprotected');
    expect(read(fx.vscode)).toBe(vscodeConfig());
    // The imported servers are Airlock servers now.
    await page.getByRole('button', { name: 'Servers', exact: true }).click();
    await page.locator('article.server-card[data-server="everything"]').waitFor();
    await openHosts(win!);
    await screenshot(page, 'hosts-protected', true);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'hosts-protected-dark', true);
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('button', { name: 'Unprotect all servers of Claude Desktop', exact: true }).click();
    await waitFor(async () => (await outcome.textContent())?.includes('Unprotected 2 servers of Claude Desktop.'));
    expect(await outcome.textContent()).toContain('byte-identical');
    expect(read(fx.claude)).toBe(claudeBefore);
    await waitFor(async () => (await stateOf(page, 'claude-desktop', 'everything')) === 'unprotected');
  });

  it('protects and unprotects a single server; the rest of the file stays as it was', async () => {
    const fx = twoHosts();
    const { page } = await start(fx.home);
    await page.getByRole('button', { name: 'Protect everything', exact: true }).click();
    await waitFor(async () => (await stateOf(page, 'claude-desktop', 'everything')) === 'protected');
    expect(await stateOf(page, 'claude-desktop', 'github')).toBe('unprotected');
    const written = strictJson(read(fx.claude));
    expect(at(written, 'mcpServers', 'everything', 'args')).toEqual([CLI, 'connect', 'everything']);
    expect(at(written, 'mcpServers', 'github')).toEqual({ command: EVERYTHING, args: ['stdio'] });

    await page.getByRole('button', { name: 'Unprotect everything', exact: true }).click();
    await waitFor(async () => (await stateOf(page, 'claude-desktop', 'everything')) === 'unprotected');
    expect(read(fx.claude)).toBe(claudeDesktopConfig());
  });

  it('a name taken by a different server is asked for, never overwritten; VS Code keeps its comments and inputs', async () => {
    const fx = twoHosts();
    const { page } = await start(fx.home);
    await page.getByRole('button', { name: 'Protect all servers of Claude Desktop', exact: true }).click();
    await waitFor(async () => (await stateOf(page, 'claude-desktop', 'github')) === 'protected');

    // VS Code's "github" launches something else than the Airlock server "github" now does.
    await page.getByRole('button', { name: 'Protect github', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Nothing was changed in VS Code.');
    const name = dialog.getByRole('textbox');
    expect(await name.inputValue()).toBe('github-2');
    expect(read(fx.vscode)).toBe(vscodeConfig());
    await screenshot(page, 'hosts-name-question');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'hosts-name-question-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Cancel changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(read(fx.vscode)).toBe(vscodeConfig());

    // Ask again, and choose a name; the taken one is refused before anything is sent.
    await page.getByRole('button', { name: 'Protect github', exact: true }).click();
    await dialog.waitFor();
    await name.fill('github');
    expect(await dialog.locator('.field-problem').textContent()).toContain('is the name that is taken');
    expect(await dialog.getByRole('button', { name: 'Protect with this name' }).isDisabled()).toBe(true);
    await name.fill('github-vscode');
    await dialog.getByRole('button', { name: 'Protect with this name' }).click();
    await dialog.waitFor({ state: 'detached' });
    await waitFor(async () => (await stateOf(page, 'vscode', 'github')) === 'protected');

    const text = read(fx.vscode);
    expect(at(jsonc(text), 'servers', 'github')).toEqual({ type: 'stdio', command: process.execPath, args: [CLI, 'connect', 'github-vscode'], env: { AIRLOCK_HOME: app!.home } });
    expect(text).toContain('// Servers for the agent, kept by hand.');
    expect(text).toContain("// a different github than Claude's");
    expect(at(jsonc(text), 'inputs', '0', 'id')).toBe('jira-token');
    // Claude Desktop's github is still its own.
    expect(at(strictJson(read(fx.claude)), 'mcpServers', 'github', 'args')).toEqual([CLI, 'connect', 'github']);
    expect(await entryRow(page, 'vscode', 'github').textContent()).toContain('github-vscode');
  });

  it('a server added to a host file by hand raises an alert with one-click protect', async () => {
    const fx = twoHosts();
    const { page } = await start(fx.home);
    await hostCard(page, 'claude-desktop').waitFor();
    expect(await page.locator('.host-alerts').count()).toBe(0);

    // Someone (or some tool) adds a server behind Airlock's back.
    const edited = claudeDesktopConfig().replace('"mcpServers": {\n', `"mcpServers": {\n    "sneaky": { "command": ${J(MEMORY)} },\n`);
    fs.writeFileSync(fx.claude, edited);
    const alert = page.locator('li.host-alert[data-server="sneaky"]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain('Claude Desktop launches "sneaky" directly, not through Airlock');
    expect(await page.locator('.tab .badge-warn').textContent()).toBe('1');
    await screenshot(page, 'hosts-drift-alert');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'hosts-drift-alert-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('button', { name: 'Protect sneaky in Claude Desktop' }).click();
    await alert.waitFor({ state: 'detached' });
    expect(await page.locator('.host-alerts').count()).toBe(0);
    expect(await page.locator('.tab .badge-warn').count()).toBe(0);
    const written = strictJson(read(fx.claude));
    expect(at(written, 'mcpServers', 'sneaky', 'args')).toEqual([CLI, 'connect', 'sneaky']);
    // Only the alerted server was wrapped.
    expect(at(written, 'mcpServers', 'everything')).toEqual({ command: EVERYTHING, args: [] });
    await waitFor(async () => (await stateOf(page, 'claude-desktop', 'sneaky')) === 'protected');
  });

  it('a malformed host file is shown with its error and left untouched', async () => {
    const fx = twoHosts();
    const broken = write(path.join(fx.home, '.config/Code/User/settings.json'), '{\n  "mcp": { "servers": { "x": { "command": "y", } \n');
    const { page } = await start(fx.home);
    const error = hostCard(page, 'vscode').locator(`section.host-config[data-file="${broken}"] .host-config-error`);
    await error.waitFor();
    expect(await error.textContent()).toContain('Airlock cannot read this file, so it leaves it untouched.');

    // Protecting VS Code touches nothing while one of its files cannot be read, and says why.
    await page.getByRole('button', { name: 'Protect all servers of VS Code', exact: true }).click();
    const outcome = hostCard(page, 'vscode').getByTestId('host-outcome');
    await outcome.waitFor();
    expect(await outcome.getAttribute('role')).toBe('alert');
    expect(await outcome.textContent()).toContain('Nothing was changed in VS Code.');
    expect(await outcome.textContent()).toContain(broken);
    expect(read(broken)).toBe('{\n  "mcp": { "servers": { "x": { "command": "y", } \n');
    expect(read(fx.vscode)).toBe(vscodeConfig());
    await hostCard(page, 'vscode').scrollIntoViewIfNeeded();
    await screenshot(page, 'hosts-malformed');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'hosts-malformed-dark');
  });

  it("Claude Code's project scopes are grouped by project, and protecting a project leaves the user scope alone", async () => {
    const { home } = fixtureHome();
    const project = path.join(home, 'work', 'app');
    const claudeJson = write(
      path.join(home, '.claude.json'),
      J({ numStartups: 3, mcpServers: { everything: { command: EVERYTHING, args: [] } }, projects: { [project]: { mcpServers: { notes: { command: MEMORY, args: [] } } } } }, null, 2),
    );
    const mcpJson = write(path.join(project, '.mcp.json'), J({ mcpServers: { team: { command: MEMORY, args: ['--team'] } } }, null, 2));
    const { page } = await start(home);
    const card = hostCard(page, 'claude-code');
    await card.waitFor();
    const group = card.locator('.host-group').filter({ has: page.locator('.host-group-head', { hasText: project }) });
    expect(await group.locator('li.host-entry').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-entry')))).toEqual(['notes', 'team']);
    await screenshot(page, 'hosts-project-scopes', true);

    await page.getByRole('button', { name: `Protect all servers of Claude Code in ${project}`, exact: true }).click();
    await waitFor(async () => (await stateOf(page, 'claude-code', 'team')) === 'protected' && (await stateOf(page, 'claude-code', 'notes')) === 'protected');
    expect(await stateOf(page, 'claude-code', 'everything')).toBe('unprotected');
    const user = strictJson(read(claudeJson));
    expect(at(user, 'mcpServers', 'everything', 'command')).toBe(EVERYTHING);
    expect(at(user, 'projects', project, 'mcpServers', 'notes', 'args')).toEqual([CLI, 'connect', 'notes']);
    expect(at(user, 'numStartups')).toBe(3);
    expect(at(strictJson(read(mcpJson)), 'mcpServers', 'team', 'args')).toEqual([CLI, 'connect', 'team']);
  });

  it('names and commands from host files are shown as text, hidden characters visible', async () => {
    const { home } = fixtureHome();
    const key = 'git\u200bhub<img src=x onerror=alert(1)>';
    write(path.join(home, '.cursor/mcp.json'), J({ mcpServers: { [key]: { command: MEMORY, args: ['--note', 'a\u202eevil'] } } }, null, 2));
    const { page } = await start(home);
    const row = hostCard(page, 'cursor').locator('li.host-entry').first();
    await row.waitFor();
    expect(await row.locator('.host-entry-key').textContent()).toBe('git⟨ZWSP⟩hub<img src=x onerror=alert(1)>');
    expect(await row.getByTestId('host-command').textContent()).toContain('⟨RLO⟩');
    expect(await page.locator('.hosts img').count()).toBe(0);
  });

  it('with no host installed, says which hosts it looked for and where', async () => {
    const { home } = fixtureHome();
    const { page } = await start(home);
    const empty = page.getByTestId('empty-hosts');
    await empty.waitFor();
    expect(await empty.textContent()).toContain('No agent hosts found.');
    expect(await empty.locator('li[data-host="claude-desktop"]').textContent()).toContain(path.join(home, CLAUDE));
    expect(await empty.locator('li[data-host="vscode"]').textContent()).toContain(path.join(home, VSCODE));
    expect(await empty.locator('li[data-host="codex"]').textContent()).toContain(path.join(home, '.codex/config.toml'));
    await screenshot(page, 'hosts-empty', true);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'hosts-empty-dark', true);
  });
});
