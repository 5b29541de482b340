import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectHost, npmServer, textOf, waitFor, type TestHost } from '../test/helpers/harness';
import { approveFirstSight, useChromium, openWindow, screenshot, startAirlock, type Airlock, type Window } from './helpers';

/** Many cards at once: each approval releases exactly its own call, to exactly its own agent. */
describe('approval window: 20 concurrent calls from 4 agents', () => {
  const chromium = useChromium();
  let app: Airlock;
  let win: Window;
  const hosts: TestHost[] = [];

  beforeEach(async () => {
    app = await startAirlock();
    await app.add('everything', npmServer('everything'));
    win = await openWindow(chromium.browser, app.url, { height: 900 });
  });
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close().catch(() => {});
    await win?.close();
    await app?.stop();
  });

  it('approves them one by one, oldest first; every agent gets its own answer', async () => {
    for (let a = 0; a < 4; a++) {
      const host = await connectHost(app.home, 'everything', { name: `agent-${a}`, version: '1.0.0' });
      hosts.push(host);
      const listed = host.client.listTools();
      if (a === 0) await approveFirstSight(win.page, 'everything');
      await listed;
    }
    const calls = hosts.flatMap((host, a) =>
      Array.from({ length: 5 }, (_, i) => {
        const message = `agent ${a} call ${i}`;
        return { a, message, result: host.client.callTool({ name: 'echo', arguments: { message } }, undefined, { timeout: 120_000 }) };
      }),
    );
    await waitFor(async () => (await win.page.locator('.queue-row').count()) === 20, { timeout: 20_000, message: '20 cards in the queue' });
    await screenshot(win.page, 'concurrency-20-queue');

    // Decide from the card itself: read its message, approve it, check that exactly that call came back.
    const answered = new Set<string>();
    for (let n = 0; n < 20; n++) {
      const card = win.page.locator('article.call-card');
      const message = JSON.parse(`"${((await card.locator('.json-tree .j-string').first().textContent()) ?? '').slice(1, -1)}"`) as string;
      const asker = (await card.locator('.who b').nth(1).textContent()) ?? '';
      expect(message).toMatch(/^agent \d call \d$/);
      expect(asker).toBe(`agent-${message.split(' ')[1]}`);
      await card.getByRole('button', { name: 'Approve once', exact: true }).click();
      const call = calls.find((c) => c.message === message)!;
      expect(textOf(await call.result)).toBe(`Echo: ${message}`);
      answered.add(message);
      // The approval released only this call: every other one is still waiting.
      await waitFor(async () => (await win.page.locator('.queue-row').count()) === 19 - n, { message: `${19 - n} cards left` });
      for (const other of calls) if (!answered.has(other.message)) expect(await Promise.race([other.result.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 0))])).toBe('waiting');
    }
    expect(answered.size).toBe(20);
    await win.page.getByTestId('empty-pending').waitFor();
    await screenshot(win.page, 'concurrency-done');
  });
});
