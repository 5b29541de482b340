import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { connectHost, npmServer, textOf, type TestHost } from '../test/helpers/harness';
import { approveFirstSight, useChromium, openWindow, screenshot, startAirlock, type Airlock, type Window } from './helpers';

/** Requests a server sends to the host (roots, sampling, elicitation) stop at a card like calls. */
describe('approval window: server requests (server-everything)', () => {
  const chromium = useChromium();
  let app: Airlock;
  let win: Window;
  let host: TestHost;
  const asked: string[] = [];

  beforeEach(async () => {
    asked.length = 0;
    app = await startAirlock();
    await app.add('everything', npmServer('everything'));
    win = await openWindow(chromium.browser, app.url);
    host = await connectHost(app.home, 'everything', {
      name: 'claude-desktop',
      version: '1.0.0',
      capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } },
      setup: (client) => {
        client.setRequestHandler(ListRootsRequestSchema, async () => {
          asked.push('roots');
          return { roots: [{ uri: 'file:///home/ana/project', name: 'project' }] };
        });
        client.setRequestHandler(CreateMessageRequestSchema, async () => {
          asked.push('sampling');
          return { model: 'host-model', role: 'assistant', content: { type: 'text', text: 'sampled by the host' } };
        });
        client.setRequestHandler(ElicitRequestSchema, async () => {
          asked.push('elicitation');
          return { action: 'accept', content: { name: 'Ana' } };
        });
      },
    });
    const listed = host.client.listTools();
    await approveFirstSight(win.page, 'everything');
    await listed;
  });
  afterEach(async () => {
    await host?.close().catch(() => {});
    await win?.close();
    await app?.stop();
  });

  async function approveCall(tool: string): Promise<void> {
    const card = win.page.locator('article.call-card');
    await card.getByTestId('tool-name').filter({ hasText: tool }).waitFor();
    await card.getByRole('button', { name: 'Approve once', exact: true }).click();
  }

  it('roots and sampling wait for approval, then reach the host; a declined elicitation never does', async () => {
    // server-everything asks for roots right after initialize.
    const roots = win.page.locator('article.review-card[data-kind="roots"]');
    await roots.waitFor();
    expect(asked).not.toContain('roots');
    await roots.getByRole('button', { name: 'Approve', exact: true }).click();
    await roots.waitFor({ state: 'detached' });

    const sampled = host.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'Write a haiku about airlocks', maxTokens: 42 } });
    await approveCall('trigger-sampling-request');
    const sampling = win.page.locator('article.review-card[data-kind="sampling"]');
    await sampling.waitFor();
    expect(await sampling.locator('.messages').textContent()).toContain('Write a haiku about airlocks');
    expect(await sampling.textContent()).toContain('max tokens: 42');
    expect(asked).not.toContain('sampling');
    await screenshot(win.page, 'request-sampling');
    await sampling.getByRole('button', { name: 'Approve', exact: true }).click();
    expect(JSON.stringify(await sampled)).toContain('sampled by the host');
    expect(asked).toContain('sampling');

    const elicited = host.client.callTool({ name: 'trigger-elicitation-request', arguments: {} });
    await approveCall('trigger-elicitation-request');
    const elicitation = win.page.locator('article.review-card[data-kind="elicitation"]');
    await elicitation.waitFor();
    expect(await elicitation.locator('.fields').count()).toBe(1);
    await screenshot(win.page, 'request-elicitation');
    await elicitation.getByRole('button', { name: 'Decline', exact: true }).click();
    expect(textOf(await elicited)).toMatch(/declin/i);
    expect(asked).toEqual(['roots', 'sampling']);
  });
});
