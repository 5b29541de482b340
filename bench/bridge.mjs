// The bridge's own cost: a no-op tool call through Airlock (allow rule) vs the same SDK client
// talking to the same server directly. Sequential calls and 8 concurrent clients, in one run.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import path from 'node:path';
import { AIRLOCK, REPO, fmt, run, serve, summarise, tempHome } from './lib.mjs';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 2000);
const CONCURRENT_CLIENTS = 8;
const PER_CLIENT = Number(process.env.BENCH_PER_CLIENT ?? 500);
const NOOP = path.join(REPO, 'test/fixtures/servers/noop.mjs');

async function client(kind, home) {
  const c = new Client({ name: `bench-${kind}`, version: '1' });
  const transport =
    kind === 'direct'
      ? new StdioClientTransport({ command: process.execPath, args: [NOOP] })
      : new StdioClientTransport({ command: process.execPath, args: [AIRLOCK, 'connect', 'noop'], env: { ...process.env, AIRLOCK_HOME: home } });
  await c.connect(transport);
  await c.listTools();
  return c;
}

async function timeCalls(c, n, into) {
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await c.callTool({ name: 'noop', arguments: {} });
    into.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}

async function measure(kind, home) {
  const warm = await client(kind, home);
  await timeCalls(warm, 200, []);
  const sequential = [];
  let start = performance.now();
  await timeCalls(warm, SEQUENTIAL, sequential);
  const seq = summarise(sequential, performance.now() - start);
  await warm.close();

  const clients = await Promise.all(Array.from({ length: CONCURRENT_CLIENTS }, () => client(kind, home)));
  await Promise.all(clients.map((c) => timeCalls(c, 50, [])));
  const concurrent = [];
  start = performance.now();
  await Promise.all(clients.map((c) => timeCalls(c, PER_CLIENT, concurrent)));
  const conc = summarise(concurrent, performance.now() - start);
  await Promise.all(clients.map((c) => c.close()));
  return { seq, conc };
}

export async function benchBridge() {
  const home = tempHome();
  await run(['add', 'noop', '--', process.execPath, NOOP], home);
  const core = await serve(home);
  try {
    // The allow rule comes the only way one can: a person's "Always allow" on a card.
    core.onEvent((event, payload) => {
      if (event !== 'pendingAdded' && event !== 'pendingUpdated') return;
      if (payload.kind === 'definitions') core.call('approveDefinitions', { id: payload.id, items: payload.items.map((i) => ({ key: i.key, hash: i.hash })) }).catch(() => {});
      else if (payload.kind === 'call') core.call('approve', { id: payload.id, hash: payload.hash, scope: 'always' });
    });
    const first = await client('airlock', home);
    await first.callTool({ name: 'noop', arguments: {} });
    await first.close();

    const direct = await measure('direct', home);
    const airlock = await measure('airlock', home);
    const rows = [
      ['sequential', direct.seq, airlock.seq],
      [`${CONCURRENT_CLIENTS} clients`, direct.conc, airlock.conc],
    ];
    console.log(`\nBridge: no-op tools/call, ${SEQUENTIAL} sequential calls and ${CONCURRENT_CLIENTS}×${PER_CLIENT} concurrent (allow rule, audit log fsynced)`);
    console.log('                 direct p50/p99 ms   airlock p50/p99 ms   added p50/p99 ms   direct/airlock calls/s   throughput ratio');
    for (const [label, d, a] of rows) {
      console.log(
        `  ${label.padEnd(14)} ${fmt(d.p50)} / ${fmt(d.p99)}`.padEnd(38) +
          `${fmt(a.p50)} / ${fmt(a.p99)}`.padEnd(21) +
          `${fmt(a.p50 - d.p50)} / ${fmt(a.p99 - d.p99)}`.padEnd(19) +
          `${fmt(d.throughput, 0)} / ${fmt(a.throughput, 0)}`.padEnd(25) +
          `${fmt((a.throughput / d.throughput) * 100, 1)} %`,
      );
    }
    const s = rows[0];
    console.log(
      `  targets: added p50 ≤ 0.5 ms (${fmt(s[2].p50 - s[1].p50)}), added p99 ≤ 2 ms (${fmt(s[2].p99 - s[1].p99)}), throughput ≥ 50 % of direct (${fmt((rows[1][2].throughput / rows[1][1].throughput) * 100, 1)} % with ${CONCURRENT_CLIENTS} clients)`,
    );
    return { direct, airlock };
  } finally {
    await core.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBridge();
