#!/usr/bin/env node
// `npm run bench`: every benchmark in one run, each comparing Airlock with its target or with the
// direct path, printing the figures the README quotes.
import { spawnSync } from 'node:child_process';
import os from 'node:os';

const quick = process.argv.includes('--quick');
const steps = [
  ['bridge', ['bench/bridge.mjs'], quick ? { BENCH_SEQUENTIAL: '500', BENCH_PER_CLIENT: '100' } : {}],
  ['metadata', ['bench/metadata.mjs'], {}],
  ['window', ['bench/ui-latency.mjs'], {}],
  ['history', ['bench/history.mjs', ...(quick ? ['--calls', '50000', '--appends', '10000'] : [])], {}],
];

console.log(`Airlock benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
let failed = false;
for (const [name, args, env] of steps) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`\n${name} benchmark failed (exit ${result.status})`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
