/**
 * Test harness: a real core (in-process, with its real socket and WebSocket UI server), real hosts
 * (SDK clients launching the real `airlock connect` binary) and real servers from npm. Approvals go
 * through the same WebSocket contract client the renderer uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import WebSocket from 'ws';
import type { ApiClient, EventName, EventPayload } from '../../shared/contract';
import type { PendingCall, PendingItem } from '../../shared/types';
import { startControlServer } from '../../electron/core/control-server';
import { Core, type CoreOptions } from '../../electron/core/core';
import type { StdioSpecInput } from '../../electron/core/server-spec';
import { startUiServer, type UiServer } from '../../electron/core/ui-server';
import { connectWsApi, type SocketLike } from '../../renderer/src/api/ws-client';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const AIRLOCK_BIN = path.join(REPO, 'dist/cli/airlock.mjs');
export const FIXTURE_SERVERS = path.join(REPO, 'test/fixtures/servers');
export const SERVER_BIN = {
  everything: path.join(REPO, 'node_modules/.bin/mcp-server-everything'),
  filesystem: path.join(REPO, 'node_modules/.bin/mcp-server-filesystem'),
  memory: path.join(REPO, 'node_modules/.bin/mcp-server-memory'),
};

/** A spec for one of our own fixture servers (test/fixtures/servers/<file>), run with this Node. */
export function fixtureServer(file: string, args: string[] = [], extra: Partial<StdioSpecInput> = {}): StdioSpecInput {
  return { command: process.execPath, args: [path.join(FIXTURE_SERVERS, file), ...args], env: {}, envPass: [], ...extra };
}

export function npmServer(name: keyof typeof SERVER_BIN, args: string[] = [], extra: Partial<StdioSpecInput> = {}): StdioSpecInput {
  return { command: SERVER_BIN[name], args, env: {}, envPass: [], ...extra };
}

const homes: string[] = [];

let fakeUserHome: string | undefined;
/**
 * The HOME that spawned Airlock processes see unless a test sets one: an empty folder, so that
 * nothing a test starts ever reads (or watches) the real user's host configuration files.
 */
export function testUserHome(): string {
  if (!fakeUserHome) {
    fakeUserHome = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-user-home-'));
    homes.push(fakeUserHome);
  }
  return fakeUserHome;
}

/** A fresh AIRLOCK_HOME under the temp folder; never the real one. */
export function makeHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-test-'));
  homes.push(home);
  return home;
}

export function tempDir(prefix = 'airlock-data-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  homes.push(dir);
  return dir;
}

export interface TestCore {
  core: Core;
  ui: UiServer;
  api: ApiClient & { close(): void };
  home: string;
  stop(): Promise<void>;
}

/** The same factory the browser uses, backed by the `ws` package under Node. */
export const nodeSocket = (url: string, protocols: string[]): SocketLike => new WebSocket(url, protocols) as unknown as SocketLike;

/**
 * `definitions: 'trust'` turns on trust-on-first-use, for tests about the gate rather than about
 * pinning; the product default (and `'review'`) holds a new server's definitions for a person.
 */
export async function startCore(
  options: Partial<CoreOptions> & { servers?: Record<string, StdioSpecInput>; definitions?: 'trust' | 'review' } = {},
): Promise<TestCore> {
  const home = options.home ?? makeHome();
  const core = new Core({ progressIntervalMs: 5000, ...options, home });
  if (options.definitions !== 'review') core.updateSettings({ trustOnFirstUse: true });
  for (const [name, spec] of Object.entries(options.servers ?? {})) core.addServer(name, spec, 'test');
  const control = await startControlServer(core);
  const ui = await startUiServer(core);
  const api = await connectWsApi(`http://127.0.0.1:${ui.port}`, ui.token, nodeSocket);
  let stopped = false;
  return {
    core,
    ui,
    api,
    home,
    async stop() {
      if (stopped) return;
      stopped = true;
      api.close();
      control.close();
      await ui.close();
      await core.stop();
    },
  };
}

export interface TestHost {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  close(): Promise<void>;
}

/** A host as Claude Desktop would run it: spawn `airlock connect <server>` and speak MCP on stdio. */
export async function connectHost(
  home: string,
  server: string,
  options: { name?: string; version?: string; capabilities?: ClientCapabilities; setup?: (client: Client) => void } = {},
): Promise<TestHost> {
  const client = new Client({ name: options.name ?? 'test-host', version: options.version ?? '1.0.0' }, { capabilities: options.capabilities ?? {} });
  options.setup?.(client);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [AIRLOCK_BIN, 'connect', server],
    env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), AIRLOCK_HOME: home },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await client.connect(transport);
  return {
    client,
    transport,
    stderr: () => stderr,
    close: () => client.close(),
  };
}

export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: { timeout?: number; interval?: number; message?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeout ?? 10_000);
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${options.message ?? check.toString().slice(0, 120)}`);
    await new Promise((r) => setTimeout(r, options.interval ?? 25));
  }
}

/** Resolves with the next payload of an event. */
export function nextEvent<E extends EventName>(api: ApiClient, event: E, filter: (p: EventPayload<E>) => boolean = () => true): Promise<EventPayload<E>> {
  return new Promise((resolve) => {
    const off = api.on(event, (payload) => {
      if (!filter(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** Waits until a call card for `target` is pending and returns it. */
export async function pendingFor(api: ApiClient, target: string, timeout = 15_000): Promise<PendingCall> {
  return waitFor(async () => (await api.call('pending', {})).find((item): item is PendingCall => item.kind === 'call' && item.target === target), {
    timeout,
    message: `a pending card for ${target}`,
  });
}

/** Waits until a pending item of `kind` (for `server`, when given) appears. */
export async function pendingOfKind<K extends PendingItem['kind']>(api: ApiClient, kind: K, server?: string, timeout = 15_000): Promise<Extract<PendingItem, { kind: K }>> {
  return waitFor(
    async () =>
      (await api.call('pending', {})).find((item): item is Extract<PendingItem, { kind: K }> => item.kind === kind && (server === undefined || item.server === server)),
    { timeout, message: `a pending ${kind} item` },
  );
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `airlock` command. */
export function airlock(args: string[], options: { home: string; env?: NodeJS.ProcessEnv; timeout?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AIRLOCK_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: testUserHome(), ...options.env, AIRLOCK_HOME: options.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`airlock ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, options.timeout ?? 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `airlock serve` as its own process and waits for its approval URL. */
export async function serveProcess(home: string, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; url: string; port: number; token: string; output: () => string }> {
  const child = spawn(process.execPath, [AIRLOCK_BIN, 'serve', '--no-open'], {
    env: { PATH: process.env.PATH ?? '', HOME: testUserHome(), ...env, AIRLOCK_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const url = await waitFor(() => output.match(/http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/)?.[0], { message: `airlock serve to start:\n${output}` });
  const parsed = new URL(url);
  return { child, url, port: Number(parsed.port), token: parsed.hash.slice('#token='.length), output: () => output };
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Pids of live processes whose process group is `pgid` (Linux /proc). */
export function pidsInGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] = state, fields[2] = pgrp
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The text of the first text block of a tool result. */
export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.find((b) => b.type === 'text')?.text ?? '';
}

export function cleanupHomes(): void {
  for (const dir of homes.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
