// The approval window's latency, in a real browser (Debian's Chromium, driven by playwright-core)
// against `airlock serve`, with a real agent going through `airlock connect`:
//   call → card: from the agent sending a call to its card being painted in the window
//                (an upper bound of "call reaching the core → card visible": it includes the hop
//                through `airlock connect`). Target ≤ 100 ms.
//   click → out: from the person's click on "Approve once" to the request's bytes arriving at the
//                server (an upper bound of "click → request leaving for the server"). Target ≤ 5 ms.
// Browser and Node clocks are aligned by round trips before measuring. Run after `npm run build`:
//   node bench/ui-latency.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { chromium } from 'playwright-core';
import { AIRLOCK, REPO, fmt, percentile, run, serve, tempHome } from './lib.mjs';

const CALLS = Number(process.env.BENCH_UI_CALLS ?? 40);
const WARMUP = 5;
const TIMING_SERVER = path.join(REPO, 'test/fixtures/servers/demo-timing-server.mjs');
const nowMs = () => performance.timeOrigin + performance.now();

/** Offset of the page's clock from ours (page − node), from the tightest of many round trips. */
async function clockOffset(page) {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 40; i++) {
    const before = nowMs();
    const pageTime = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = nowMs();
    if (after - before < best.rtt) best = { rtt: after - before, offset: pageTime - (before + after) / 2 };
  }
  return best;
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] };
}

export async function benchUiLatency() {
  const home = tempHome();
  await run(['add', 'timing', '--', process.execPath, TIMING_SERVER], home);
  const core = await serve(home);
  const browser = await chromium.launch({
    executablePath: process.env.AIRLOCK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const agent = new Client({ name: 'bench-agent', version: '1' });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`http://127.0.0.1:${core.port}/#token=${core.token}`);
    await page.getByTestId('empty-pending').waitFor();
    // Stamp each queue row when it is painted (the frame after it enters the DOM), and each click.
    await page.evaluate(() => {
      const seen = (window.__seen = {});
      window.__clicks = [];
      // The browser's share of click → out: until the approval leaves on the WebSocket.
      window.__sends = [];
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (data) {
        if (String(data).includes('"op":"approve"')) window.__sends.push(performance.timeOrigin + performance.now());
        return send.call(this, data);
      };
      const scan = () => {
        for (const row of document.querySelectorAll('.queue-row')) {
          const tag = row.textContent.match(/bench-\d+/)?.[0];
          if (tag && !(tag in seen)) {
            seen[tag] = 0;
            requestAnimationFrame(() => (seen[tag] = performance.timeOrigin + performance.now()));
          }
        }
      };
      new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
      document.addEventListener('click', (e) => window.__clicks.push(performance.timeOrigin + e.timeStamp), true);
    });
    const clock = await clockOffset(page);

    await agent.connect(new StdioClientTransport({ command: process.execPath, args: [AIRLOCK, 'connect', 'timing'], env: { ...process.env, AIRLOCK_HOME: home } }));
    // A new server's first tool list waits for the person's review: approve it in the window.
    const listed = agent.listTools();
    const review = page.locator('article.review-card[data-kind="definitions"]');
    await review.locator('li.definition[data-key^="tool:"]').first().waitFor();
    await review.getByRole('button', { name: 'Approve all', exact: true }).click();
    await listed;
    await page.getByTestId('empty-pending').waitFor();

    const toCard = [];
    const toServer = [];
    const inBrowser = [];
    for (let i = 0; i < CALLS + WARMUP; i++) {
      const tag = `bench-${i}`;
      const sentAt = nowMs();
      const result = agent.callTool({ name: 'stamp', arguments: { tag } });
      await page.waitForFunction((t) => window.__seen[t] > 0, tag, { polling: 'raf' });
      const paintedAt = (await page.evaluate((t) => window.__seen[t], tag)) - clock.offset;
      await page.locator('article.call-card').getByRole('button', { name: 'Approve once', exact: true }).click();
      const { receivedAt } = JSON.parse((await result).content[0].text);
      const [clickedInPage, sentInPage] = await page.evaluate(() => [window.__clicks.at(-1), window.__sends.at(-1)]);
      const clickedAt = clickedInPage - clock.offset;
      await page.getByTestId('empty-pending').waitFor();
      if (i < WARMUP) continue;
      toCard.push(paintedAt - sentAt);
      toServer.push(receivedAt - clickedAt);
      inBrowser.push(sentInPage - clickedInPage);
    }
    return { toCard: stats(toCard), toServer: stats(toServer), clickToSocket: stats(inBrowser), clockRttMs: clock.rtt };
  } finally {
    await agent.close().catch(() => {});
    await browser.close();
    await core.stop();
  }
}

export function printUiLatency(r) {
  const line = (label, s, target) =>
    `  ${label.padEnd(34)} p50 ${fmt(s.p50, 2)} ms   p95 ${fmt(s.p95, 2)} ms   max ${fmt(s.max, 2)} ms   (target ≤ ${target} ms: ${s.p95 <= target ? 'met' : 'MISSED'} at p95)`;
  console.log(`UI latency (${r.toCard.n} calls, Chromium, browser mode; clocks aligned to ±${fmt(r.clockRttMs / 2, 2)} ms)`);
  console.log(line('call → card painted', r.toCard, 100));
  console.log(line('click → request at the server', r.toServer, 5));
  console.log(`    of which in the window (click → WebSocket send): p50 ${fmt(r.clickToSocket.p50, 2)} ms, p95 ${fmt(r.clickToSocket.p95, 2)} ms`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printUiLatency(await benchUiLatency());
}
