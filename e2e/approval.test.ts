import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectHost, fixtureServer, isAlive, pidsInGroup, tempDir, textOf, waitFor, type TestHost } from '../test/helpers/harness';
import { approveFirstSight, useChromium, openWindow, pidsByCommandLine, screenshot, startAirlock, type Airlock, type Window } from './helpers';

/** The decisions a person makes on a call card, end to end: browser → core → real server → agent. */
describe('approval window: deciding on a call', () => {
  const chromium = useChromium();
  let app: Airlock;
  let win: Window;
  let workspace: string;
  const hosts: TestHost[] = [];

  beforeEach(async () => {
    app = await startAirlock();
    workspace = tempDir('airlock-workspace-');
    await app.add('demo', fixtureServer('demo-server.mjs', ['--root', workspace], { cwd: workspace }));
    win = await openWindow(chromium.browser, app.url);
  });
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close().catch(() => {});
    await win?.close();
    await app?.stop();
  });

  /** A host connecting; the first one to list the server's tools waits for the person's first-sight review. */
  async function agent(name = 'claude-code'): Promise<TestHost> {
    const firstSight = hosts.length === 0;
    const host = await connectHost(app.home, 'demo', { name, version: '2.1.0' });
    hosts.push(host);
    const listed = host.client.listTools();
    if (firstSight) await approveFirstSight(win.page, 'demo');
    expect((await listed).tools.map((t) => t.name)).toContain('read_file');
    return host;
  }

  it('Approve once forwards the exact call and the agent gets the real result', async () => {
    const host = await agent();
    const result = host.client.callTool({ name: 'write_file', arguments: { path: 'notes/plan.md', content: 'ship it' } });
    const card = win.page.locator('article.call-card');
    await card.getByTestId('tool-name').filter({ hasText: 'write_file' }).waitFor();
    expect(await card.locator('.op-source').allTextContents()).toEqual(['server claims: write', 'Airlock reads: write']);
    expect(await card.locator('.chip-path .chip-value').first().textContent()).toContain(path.join(workspace, 'notes/plan.md'));
    expect(await card.getByText('claude-code').count()).toBeGreaterThan(0);
    await screenshot(win.page, 'approve-once-card');
    await card.getByRole('button', { name: 'Approve once', exact: true }).click();
    expect(textOf(await result)).toBe('Wrote 7 characters to notes/plan.md');
    await win.page.getByTestId('empty-pending').waitFor();
    // A second identical call asks again: "once" means once.
    const again = host.client.callTool({ name: 'write_file', arguments: { path: 'notes/plan.md', content: 'ship it' } });
    await card.waitFor();
    await win.page.keyboard.press('a');
    expect(textOf(await again)).toBe('Wrote 7 characters to notes/plan.md');
  });

  it('Deny sends the person’s message to the agent', async () => {
    const host = await agent();
    const result = host.client.callTool({ name: 'delete_file', arguments: { path: 'README.md' } });
    const card = win.page.locator('article.call-card');
    await card.waitFor();
    expect(await card.locator('.op-destructive').first().textContent()).toBe('destructive');
    await card.getByLabel('Message to the agent').fill('Never delete the README; archive it instead.');
    await screenshot(win.page, 'deny-with-message');
    await card.getByRole('button', { name: 'Deny', exact: true }).click();
    const answer = await result;
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toContain('The user denied this call to delete_file in Airlock');
    expect(textOf(answer)).toContain('Never delete the README; archive it instead.');
  });

  it('Approve for this session lets the identical tool through in that session only, not other tools', async () => {
    const host = await agent();
    const first = host.client.callTool({ name: 'read_file', arguments: { path: 'README.md' } });
    const card = win.page.locator('article.call-card');
    await card.waitFor();
    await card.getByRole('button', { name: 'Approve for this session', exact: true }).click();
    expect(textOf(await first)).toContain('Acme billing service');
    await win.page.getByText('read_file is allowed for the rest of this session.').waitFor();

    // Same tool again (other arguments): no card, it just passes.
    const second = await host.client.callTool({ name: 'read_file', arguments: { path: 'notes/todo.md' } });
    expect(textOf(second)).toContain('rotate the staging database password');
    expect(await win.page.locator('article.call-card').count()).toBe(0);

    // A different tool still asks.
    const other = host.client.callTool({ name: 'list_directory', arguments: { path: 'notes' } });
    await card.getByTestId('tool-name').filter({ hasText: 'list_directory' }).waitFor();
    await screenshot(win.page, 'session-grant-other-tool-asks');
    await win.page.keyboard.press('d');
    expect((await other).isError).toBe(true);
  });

  it('Always allow this tool creates a rule the person can see and remove', async () => {
    const host = await agent();
    const first = host.client.callTool({ name: 'run_query', arguments: { sql: 'select * from invoices' } });
    const card = win.page.locator('article.call-card');
    await card.waitFor();
    expect(await card.locator('.rule-hint').textContent()).toContain('allow demo › run_query');
    await card.getByRole('button', { name: 'Always allow this tool', exact: true }).click();
    expect(textOf(await first)).toContain('Globex');
    await win.page.getByText('Rule created: always allow run_query on demo.').waitFor();
    await screenshot(win.page, 'always-allow-notice');

    // Another session, same tool: the rule answers, no card.
    const other = await agent('cursor');
    expect(textOf(await other.client.callTool({ name: 'run_query', arguments: { sql: 'select 1' } }))).toContain('Globex');

    await win.page.getByRole('button', { name: 'Servers' }).click();
    const rule = win.page.locator('.server-card[data-server="demo"] .rule');
    await rule.waitFor();
    expect(await rule.textContent()).toContain('run_query');
    expect(await rule.textContent()).toContain('Always allow on a card');
    await screenshot(win.page, 'servers-rule-visible');
    await rule.getByRole('button', { name: /Remove rule/ }).click();
    await rule.waitFor({ state: 'detached' });
    expect(await win.page.locator('.server-card[data-server="demo"]').getByText('No rules: every call asks.').count()).toBe(1);
  });

  it('Revoke server from a card refuses the call and stops the server’s processes', async () => {
    const host = await agent();
    // The core starts the server in its own process group; find it by its unique workspace argument.
    const [serverPid] = await waitFor(() => {
      const pids = pidsByCommandLine(`demo-server.mjs --root ${workspace}`);
      return pids.length > 0 ? pids : undefined;
    });
    expect(pidsInGroup(serverPid!)).toContain(serverPid);
    const result = host.client.callTool({ name: 'send_email', arguments: { to: ['ceo@acme.example'], subject: 'hi', body: 'x' } });
    const card = win.page.locator('article.call-card');
    await card.waitFor();
    await card.getByRole('button', { name: 'Revoke server', exact: true }).click();
    const confirm = win.page.getByRole('alertdialog', { name: 'Revoke demo?' });
    await confirm.waitFor();
    await screenshot(win.page, 'revoke-confirm');
    await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
    const answer = await result;
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toContain('revoked');
    await waitFor(() => !isAlive(serverPid!) && pidsInGroup(serverPid!).length === 0, { message: 'the revoked server’s processes to be gone' });
    await win.page.getByRole('button', { name: 'Servers' }).click();
    await win.page.locator('.server-card[data-server="demo"] .state-chip').filter({ hasText: 'revoked' }).waitFor();
    await screenshot(win.page, 'servers-revoked');
    // Restore from the Servers screen brings it back for new sessions.
    await win.page.locator('.server-card[data-server="demo"]').getByRole('button', { name: 'Restore' }).click();
    await win.page.locator('.server-card[data-server="demo"] .state-chip').filter({ hasText: /idle|running/ }).waitFor();
  });
});
