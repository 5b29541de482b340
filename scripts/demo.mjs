#!/usr/bin/env node
// `npm run demo`: Airlock in browser mode with a bundled demo server and a scripted agent, so a
// newcomer sees every kind of card within seconds: a read, a write, a call carrying secrets, a
// path outside the working directory, SQL that claims to read but deletes, an e-mail, and then a
// rug pull (the server rewrites a tool's description and says so with tools/list_changed).
//
// Uses its own temporary AIRLOCK_HOME unless one is set. Extra arguments go to `airlock serve`
// (e.g. --no-open, --port 7777). Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repo, 'dist/cli/airlock.mjs');
const demoServer = path.join(repo, 'test/fixtures/servers/demo-server.mjs');
if (!fs.existsSync(cli)) {
  console.error('Airlock is not built yet: run `npm run demo` (which builds first) or `npm run build`.');
  process.exit(1);
}

const ownHome = !process.env.AIRLOCK_HOME;
const home = process.env.AIRLOCK_HOME ?? fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-demo-'));
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-demo-workspace-'));
const env = { ...process.env, AIRLOCK_HOME: home };
const say = (line) => process.stdout.write(`${line}\n`);
const children = [];
let stopping = false;

function cleanup() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  fs.rmSync(workspace, { recursive: true, force: true });
  if (ownHome) setTimeout(() => fs.rmSync(home, { recursive: true, force: true }), 500).unref();
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopping = true;
    say('\nStopping the demo.');
    cleanup();
    setTimeout(() => process.exit(0), 700);
  });
}

/** Runs the airlock CLI once and returns its output. */
function airlock(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`airlock ${args.join(' ')} failed:\n${out}`))));
  });
}

// 1. Airlock itself, headless, serving the approval window.
const serve = spawn(process.execPath, [cli, 'serve', ...process.argv.slice(2)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
children.push(serve);
const url = await new Promise((resolve, reject) => {
  let out = '';
  serve.stdout.on('data', (chunk) => {
    out += chunk;
    const match = out.match(/http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/);
    if (match) resolve(match[0]);
  });
  serve.on('exit', (code) => reject(new Error(`airlock serve exited (${code}):\n${out}`)));
});
serve.on('exit', (code) => {
  if (stopping) return;
  say(`airlock serve stopped (${code}).`);
  cleanup();
  process.exit(code ?? 1);
});

// 2. The demo server: an in-memory workspace, so approving anything is harmless. After three
//    calls have run it rewrites send_email's description (the rug pull).
await airlock(['add', 'demo', '--cwd', workspace, '--', process.execPath, demoServer, '--root', workspace, '--rug-pull-after', '3']);

say('');
say('  Airlock demo');
say(`  Approval window: ${url}`);
say(`  Home: ${home}${ownHome ? ' (temporary)' : ''}`);
say('  A scripted agent is making calls through Airlock now; decide on each card.');
say('  Ctrl-C to stop.');
say('');

// 3. The scripted agent: an MCP host launching `airlock connect demo`, as Claude Desktop would.
const agent = new Client({ name: 'demo-agent', version: '1.0.0' }, { capabilities: {} });
await agent.connect(new StdioClientTransport({ command: process.execPath, args: [cli, 'connect', 'demo'], env, stderr: 'inherit' }));

function summary(result) {
  const text = (result.content ?? []).filter((b) => b.type === 'text').map((b) => b.text).join(' ');
  return `${result.isError ? 'error: ' : ''}${text.replace(/\s+/g, ' ').slice(0, 140)}`;
}

/**
 * Calls a tool the way a patient agent does: when the hold budget runs out Airlock answers
 * "waiting for approval"; the agent retries the identical call, which an approval given
 * meanwhile lets through once.
 */
async function call(name, args) {
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      const result = await agent.callTool({ name, arguments: args }, undefined, { timeout: 10 * 60_000 });
      const text = summary(result);
      if (result.isError && /waiting for approval in Airlock|withholds it until the user reviews it/.test(text)) {
        await new Promise((r) => setTimeout(r, 3000));
        continue;
      }
      say(`  agent ← ${name}: ${text}`);
      return result;
    } catch (error) {
      if (!stopping) say(`  agent ← ${name}: ${error.message}`);
      return undefined;
    }
  }
}

say('  agent: listing the demo server\'s tools. Airlock holds a new server\'s first list: review it in the window.');
await agent.listTools();
say('  agent: tools approved; making its calls now.');
let rugPulled = false;
agent.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
  if (rugPulled) return;
  rugPulled = true;
  say('  agent: the server says its tools changed; listing them again and sending another e-mail.');
  await agent.listTools().catch(() => {});
  await call('send_email', { to: ['team@acme.example'], subject: 'Weekly report', body: 'Numbers attached.' });
});

const script = [
  ['read_file', { path: 'README.md' }],
  ['write_file', { path: 'notes/plan.md', content: '1. Fix the invoice rounding bug\n2. Ship on Friday\n' }],
  [
    'http_request',
    {
      url: 'https://api.stripe.example/v1/charges?limit=3',
      method: 'GET',
      headers: { Authorization: 'Bearer sk_live_51HxDemoDemoDemoDemoDemo0000', 'X-Api-Key': 'ghp_demoDemoDemoDemoDemoDemoDemoDemo1234' },
    },
  ],
  ['read_file', { path: '~/.ssh/id_rsa' }],
  ['run_query', { sql: "DELETE FROM invoices WHERE status = 'overdue'" }],
  ['send_email', { to: ['cfo@acme.example', 'board@acme.example'], subject: 'Q3 invoices', body: 'Three invoices are overdue; details below.' }],
];
// Staggered a little so the cards arrive in this order; all of them wait at once.
await Promise.all(script.map(([name, args], i) => new Promise((r) => setTimeout(r, i * 150)).then(() => call(name, args))));
if (!stopping) say('  agent: done with its script (the demo keeps running; Ctrl-C to stop).');
