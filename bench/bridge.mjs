// The bridge's own cost: a no-op tool call through Airlock (allow rule) vs the same SDK client
// talking to the same server directly, and vs two bare relay processes (the floor for any design
// with a shim and a separate core). Sequential calls and 8 concurrent clients, in one run.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AIRLOCK, REPO, fmt, run, serve, summarise, tempHome } from './lib.mjs';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 2000);
const CONCURRENT_CLIENTS = 8;
const PER_CLIENT = Number(process.env.BENCH_PER_CLIENT ?? 500);
const NOOP = path.join(REPO, 'test/fixtures/servers/noop.mjs');
const RELAY = path.join(REPO, 'bench/relay-floor.mjs');
const RELAY_SOCKET = path.join(os.tmpdir(), `airlock-bench-relay-${process.pid}.sock`);

function transportFor(kind, home) {
  if (kind === 'direct') return new StdioClientTransport({ command: process.execPath, args: [NOOP] });
  if (kind === 'relays') return new StdioClientTransport({ command: process.execPath, args: [RELAY, 'shim', RELAY_SOCKET] });
  return new StdioClientTransport({ command: process.execPath, args: [AIRLOCK, 'connect', 'noop'], env: { ...process.env, AIRLOCK_HOME: home } });
}

async function startRelayHub() {
  fs.rmSync(RELAY_SOCKET, { force: true });
  const hub = spawn(process.execPath, [RELAY, 'hub', RELAY_SOCKET, process.execPath, NOOP], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    hub.stdout.once('data', resolve);
    hub.once('exit', () => reject(new Error('the relay hub exited')));
  });
  return hub;
}

async function client(kind, home) {
  const c = new Client({ name: `bench-${kind}`, version: '1' });
  const transport = transportFor(kind, home);
  await c.connect(transport);
  await c.listTools();
  c.pid = transport.pid;
  return c;
}

async function timeCalls(c, n, into) {
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    const result = await c.callTool({ name: 'noop', arguments: {} });
    // A refused call is fast and would flatter the figures: only real answers count.
    if (result.isError || result.content?.[0]?.text !== 'ok') throw new Error(`the call was not answered by the server: ${JSON.stringify(result)}`);
    into.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}

const TICK = 100; // USER_HZ on Linux

function processCpu(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
}

/**
 * CPU seconds used so far by the whole machine, by one process (the core or the hub) and by the
 * processes the clients launched (Linux /proc; undefined elsewhere).
 */
function cpuNow(pid, launched) {
  try {
    const all = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const machine = (all[0] + all[1] + all[2] + all[5] + all[6]) / TICK;
    return { machine, proc: pid ? processCpu(pid) : 0, launched: launched.reduce((n, p) => n + processCpu(p), 0), self: process.cpuUsage() };
  } catch {
    return undefined;
  }
}

async function measure(kind, home, corePid) {
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
  const launched = clients.map((c) => c.pid);
  const cpuBefore = cpuNow(corePid, launched);
  await Promise.all(clients.map((c) => timeCalls(c, PER_CLIENT, concurrent)));
  const conc = summarise(concurrent, performance.now() - start);
  const cpuAfter = cpuNow(corePid, launched);
  if (cpuBefore && cpuAfter) {
    const perCall = (seconds) => (seconds / concurrent.length) * 1000;
    conc.cpuPerCallMs = perCall(cpuAfter.machine - cpuBefore.machine);
    conc.coreCpuPerCallMs = perCall(cpuAfter.proc - cpuBefore.proc);
    conc.shimCpuPerCallMs = perCall(cpuAfter.launched - cpuBefore.launched);
    const self = process.cpuUsage(cpuBefore.self);
    conc.benchCpuPerCallMs = perCall((self.user + self.system) / 1e6);
  }
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
    const hub = await startRelayHub();
    const relays = await measure('relays', home, hub.pid).finally(() => hub.kill());
    const airlock = await measure('airlock', home, core.child.pid);
    const paths = [
      ['direct', direct],
      ['two bare relays', relays],
      ['Airlock', airlock],
    ];
    console.log(`\nBridge: no-op tools/call, ${SEQUENTIAL} sequential calls and ${CONCURRENT_CLIENTS}×${PER_CLIENT} concurrent (allow rule, audit log fsynced)`);
    console.log('  "two bare relays": a shim and a hub that only pipe bytes, the floor for any design with a separate core');
    console.log('                       p50 / p99 ms       added p50 / p99 ms   calls/s   of direct   CPU ms per call: machine / client / launched / hub or core');
    console.log('    ("launched": what the clients started — the servers when direct, the shims otherwise)');
    for (const [phase, label] of [
      ['seq', 'sequential'],
      ['conc', `${CONCURRENT_CLIENTS} clients`],
    ]) {
      console.log(`  ${label}`);
      for (const [name, m] of paths) {
        const d = direct[phase];
        const x = m[phase];
        const cpu = x.cpuPerCallMs === undefined ? '' : [x.cpuPerCallMs, x.benchCpuPerCallMs, x.shimCpuPerCallMs, m === direct ? undefined : x.coreCpuPerCallMs].map((v) => (v === undefined ? '–' : fmt(v, 2))).join(' / ');
        console.log(
          `    ${name.padEnd(18)}${`${fmt(x.p50)} / ${fmt(x.p99)}`.padEnd(19)}${(m === direct ? '' : `${fmt(x.p50 - d.p50)} / ${fmt(x.p99 - d.p99)}`).padEnd(21)}${fmt(x.throughput, 0).padStart(7)}   ${`${fmt((x.throughput / d.throughput) * 100, 1)} %`.padStart(8)}   ${phase === 'conc' ? cpu : ''}`,
        );
      }
    }
    console.log(
      `  targets: added p50 ≤ 0.5 ms (${fmt(airlock.seq.p50 - direct.seq.p50)}), added p99 ≤ 2 ms (${fmt(airlock.seq.p99 - direct.seq.p99)}), throughput ≥ 50 % of direct (${fmt((airlock.conc.throughput / direct.conc.throughput) * 100, 1)} % with ${CONCURRENT_CLIENTS} clients; the bare relays reach ${fmt((relays.conc.throughput / direct.conc.throughput) * 100, 1)} %)`,
    );
    return { direct, relays, airlock };
  } finally {
    await core.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBridge();
