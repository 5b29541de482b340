#!/usr/bin/env node
// Call-history benchmark: append throughput with fsync (group commit, concurrent appenders),
// index rebuild time, filtered page latency at 1,000,000 records, and memory (RSS).
//
//   node bench/history.mjs                 # 1,000,000 records (about 560,000 calls)
//   node bench/history.mjs --calls 100000  # smaller
//
// The TypeScript modules are bundled on the fly with esbuild (a dev dependency), so the bench
// measures exactly the code the core runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importSources } from './lib.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
// About 1.8 records per call (allowed calls also get a result record): 560k calls ≈ 1M records.
const CALLS = arg('--calls', 560_000);
const APPENDS = arg('--appends', 50_000);
const APPENDERS = arg('--appenders', 64);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-bench-history-'));
const lib = await importSources(
  'history',
  `
    export { AuditLog } from './electron/core/audit/log';
    export { HistoryIndex } from './electron/core/history/index';
    export { queryHistory } from './electron/core/history/query';
    export { writeSyntheticLog, SYNTHETIC } from './electron/core/history/synthetic';
    export { verifyAuditLog } from './electron/core/audit/verify';
    export { historyQuerySchema } from './shared/history';
  `,
);

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const line = (label, value, target, ok) => console.log(`${label.padEnd(58)} ${String(value).padStart(14)}   ${target ? `target ${target}  ${ok ? 'OK' : 'MISSED'}` : ''}`);
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

console.log(`Airlock history bench — node ${process.version}, ${os.cpus().length} cores, ${os.platform()}`);
console.log(`work folder ${work}\n`);

// ── 1. append throughput with fsync (group commit) ───────────────────────────────────────────
{
  const dir = path.join(work, 'append');
  const log = new lib.AuditLog(dir);
  log.open();
  const entry = (i) => ({
    type: 'call',
    call: `bench${i}`,
    host: { name: 'bench', version: '1', session: 's', transport: 'stdio' },
    server: 'filesystem',
    method: 'tools/call',
    target: 'read_file',
    resources: [{ kind: 'path', raw: `/tmp/f${i}`, resolved: `/tmp/f${i}`, pointer: '/path' }],
    params: { path: `/tmp/f${i}` },
    request: '0'.repeat(64),
    decision: 'allow',
    decidedBy: 'rule',
  });
  const run = async (withIndex) => {
    let index;
    if (withIndex) {
      index = new lib.HistoryIndex({ auditDir: dir });
      await index.open();
      index.attach(log);
      await index.whenIdle();
    }
    let next = 0;
    const started = performance.now();
    // Each appender is a host waiting for its answer: append, wait until durable, next.
    await Promise.all(
      Array.from({ length: APPENDERS }, async () => {
        while (next < APPENDS) {
          const i = next++;
          await log.append(entry(i)).durable;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    if (index) {
      await index.whenIdle();
      index.close();
    }
    return APPENDS / seconds;
  };
  const plain = await run(false);
  const indexed = await run(true);
  await log.close();
  line(`append, fsync group commit, ${APPENDERS} appenders (records/s)`, Math.round(plain), '≥ 5,000/s', plain >= 5000);
  line(`  … with the history index attached (records/s)`, Math.round(indexed), '≥ 5,000/s', indexed >= 5000);
  line(`  ratio indexed / plain`, (indexed / plain).toFixed(2));
}

// ── 2. a 1,000,000-record log ─────────────────────────────────────────────────────────────────
const dir = path.join(work, 'big');
let started = performance.now();
const generated = lib.writeSyntheticLog(dir, { calls: CALLS, seed: 7, spacingMs: 10_000 });
line(`synthetic log written (${generated.records} records, ${generated.segments} segments)`, `${((performance.now() - started) / 1000).toFixed(1)} s`);
const logBytes = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
line('log size', mb(logBytes));

started = performance.now();
const verified = lib.verifyAuditLog(dir);
line(`verify chain (${verified.ok ? 'intact' : 'BROKEN'})`, `${((performance.now() - started) / 1000).toFixed(1)} s`);

// ── 3. index rebuild ──────────────────────────────────────────────────────────────────────────
const rssBefore = process.memoryUsage().rss;
const index = new lib.HistoryIndex({ auditDir: dir });
started = performance.now();
await index.open();
await index.whenIdle();
const rebuildSeconds = (performance.now() - started) / 1000;
line('index rebuild from segments', `${rebuildSeconds.toFixed(1)} s`);
line('  records indexed per second', Math.round(generated.records / rebuildSeconds));
const indexBytes = fs.readdirSync(path.join(dir, 'index')).reduce((sum, f) => sum + (fs.statSync(path.join(dir, 'index', f)).isFile() ? fs.statSync(path.join(dir, 'index', f)).size : 0), 0);
line('  index size (ratio to log)', `${mb(indexBytes)} (${(indexBytes / logBytes).toFixed(2)})`);

// ── 4. filtered page latency ──────────────────────────────────────────────────────────────────
const q = (input) => lib.historyQuerySchema.parse({ limit: 100, view: 'calls', ...input });
const cases = [
  ['newest page, no filter', {}],
  ['server', { server: 'github' }],
  ['server + tool + decision', { server: 'github', tool: 'query', decision: 'deny' }],
  ['host + decidedBy + outcome', { host: 'zed', decidedBy: 'person', outcome: 'tool-error' }],
  ['5 filters (rare combination)', { server: 'github', tool: 'query', decision: 'allow', host: 'zed', outcome: 'rpc-error' }],
  ['time range (one day, a month back)', { since: new Date(Date.UTC(2026, 0, 1) + 2 * 86400e3).toISOString(), until: new Date(Date.UTC(2026, 0, 1) + 3 * 86400e3).toISOString() }],
  ['free text, common word', { text: 'budget' }],
  ['free text, two words + server', { text: 'roadmap minutes', server: 'slack' }],
  ['free text, path fragment', { text: 'invoice/draft-12' }],
  ['free text, no match', { text: 'zzzyxw' }],
  ['deep page (beforeSeq in the middle) + server', { server: 'fetch', beforeSeq: Math.floor(generated.lastSeq / 2) }],
  ['raw records view, server', { view: 'records', server: 'memory' }],
];
const allTimes = [];
for (const [label, input] of cases) {
  const times = [];
  let page;
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    page = lib.queryHistory(index, dir, q(input));
    times.push(performance.now() - t);
  }
  allTimes.push(...times);
  const p50 = percentile(times, 50);
  const max = Math.max(...times);
  line(`page of 100: ${label} (p50 / max ms, rows)`, `${p50.toFixed(1)} / ${max.toFixed(1)}  ${page.rows.length + page.records.length}`, '≤ 100 ms', max <= 100);
}
// Paging through: the next 20 pages of one filter.
{
  let page = lib.queryHistory(index, dir, q({ server: 'github' }));
  const times = [];
  for (let i = 0; i < 20 && page.nextBeforeSeq; i++) {
    const t = performance.now();
    page = lib.queryHistory(index, dir, q({ server: 'github', beforeSeq: page.nextBeforeSeq }));
    times.push(performance.now() - t);
  }
  allTimes.push(...times);
  line('next 20 pages (server filter), max ms', Math.max(...times).toFixed(1), '≤ 100 ms', Math.max(...times) <= 100);
}
line('all page queries: p50 / p99 / max ms', `${percentile(allTimes, 50).toFixed(1)} / ${percentile(allTimes, 99).toFixed(1)} / ${Math.max(...allTimes).toFixed(1)}`, '≤ 100 ms', Math.max(...allTimes) <= 100);

// ── 5. memory ─────────────────────────────────────────────────────────────────────────────────
const rss = process.memoryUsage().rss;
line('RSS after rebuild and queries', mb(rss));
line('  RSS growth over the bench before the index opened', mb(rss - rssBefore));

index.close();
if (!args.includes('--keep')) fs.rmSync(work, { recursive: true, force: true });
