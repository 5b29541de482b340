// Shared helpers for the benchmarks: percentiles, a core started as `airlock serve`, the contract client.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const AIRLOCK = path.join(REPO, 'dist/cli/airlock.mjs');

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarise(latenciesMs, wallMs) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), throughput: (sorted.length / wallMs) * 1000 };
}

export const fmt = (n, digits = 3) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

export function tempHome() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-bench-'));
}

export function run(args, home) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AIRLOCK, ...args], { env: { ...process.env, AIRLOCK_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`airlock ${args.join(' ')}: ${out}`))));
  });
}

/** Starts `airlock serve` and connects to its contract over the WebSocket, as the window does. */
export async function serve(home) {
  const nodeArgs = process.env.BENCH_CORE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, AIRLOCK, 'serve', '--no-open'], { env: { ...process.env, AIRLOCK_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const url = await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = out.match(/http:\/\/127\.0\.0\.1:(\d+)\/#token=([\w-]+)/);
      if (match) {
        clearInterval(timer);
        resolve(match);
      }
    }, 20);
    child.on('exit', () => reject(new Error(`airlock serve exited: ${out}`)));
  });
  const ws = new WebSocket(`ws://127.0.0.1:${url[1]}/api`, ['airlock.v1', `airlock.token.${url[2]}`]);
  await new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  let nextId = 1;
  const waiting = new Map();
  const listeners = new Set();
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.events) for (const { event, payload } of message.events) for (const listener of listeners) listener(event, payload);
    else if (message.event) for (const listener of listeners) listener(message.event, message.payload);
    else waiting.get(message.id)?.(message);
  });
  return {
    child,
    port: Number(url[1]),
    token: url[2],
    call: (op, input) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, (m) => (m.ok ? resolve(m.value) : reject(new Error(m.error.message))));
        ws.send(JSON.stringify({ id, op, input }));
      }),
    onEvent: (listener) => listeners.add(listener),
    async stop() {
      ws.close();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/**
 * Bundles TypeScript sources on the fly (esbuild) and imports them, so a bench measures exactly the
 * code the core runs. `exports` is module source like `export { AuditLog } from './electron/core/audit/log';`.
 * The bundle sits under node_modules/.cache so the packages it leaves external resolve.
 */
export async function importSources(name, exports) {
  const outfile = path.join(REPO, 'node_modules/.cache/airlock-bench', `${name}.mjs`);
  await build({
    stdin: { contents: exports, resolveDir: REPO, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}
