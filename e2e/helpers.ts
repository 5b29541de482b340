/**
 * End-to-end helpers: the real `airlock serve` (browser mode), real hosts through `airlock
 * connect`, and Debian's Chromium driven by playwright-core. Never downloads a browser.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { StdioSpecInput } from '../electron/core/server-spec';
import { afterAll, beforeAll } from 'vitest';
import { airlock, cleanupHomes, connectHost, makeHome, REPO, serveProcess, stopProcess, type TestHost } from '../test/helpers/harness';

export const CHROMIUM = process.env.AIRLOCK_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS = path.join(REPO, 'test-results');
const RENDERER_SRC = path.join(REPO, 'renderer');
const RENDERER_OUT = path.join(REPO, 'dist/renderer/index.html');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The tests drive the built bundle, so it must match the sources: rebuild when any renderer
 * source (or a shared module it imports) is newer. A lock folder keeps parallel workers from
 * building at once.
 */
export async function ensureRendererBuilt(): Promise<void> {
  const sources = Math.max(newestMtime(RENDERER_SRC), newestMtime(path.join(REPO, 'shared')), fs.statSync(path.join(REPO, 'vite.renderer.config.ts')).mtimeMs);
  const fresh = () => fs.existsSync(RENDERER_OUT) && fs.statSync(RENDERER_OUT).mtimeMs >= sources;
  if (fresh()) return;
  const lock = path.join(REPO, 'dist/.renderer-build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (fresh()) return;
    const result = spawnSync(process.execPath, ['scripts/build.mjs', 'renderer'], { cwd: REPO, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('building the renderer failed');
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export interface Airlock {
  home: string;
  url: string;
  port: number;
  token: string;
  child: ChildProcess;
  /** Registers a server through the real CLI (the running core picks it up over its socket). */
  add(name: string, spec: StdioSpecInput): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `airlock serve --no-open` in a fresh home. */
export async function startAirlock(env: NodeJS.ProcessEnv = {}): Promise<Airlock> {
  await ensureRendererBuilt();
  const home = makeHome();
  const served = await serveProcess(home, env);
  return {
    home,
    ...served,
    async add(name, spec) {
      const envArgs = Object.entries(spec.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
      const cwdArgs = spec.cwd ? ['--cwd', spec.cwd] : [];
      const result = await airlock(['add', name, ...cwdArgs, ...envArgs, '--', spec.command, ...spec.args], { home });
      if (result.code !== 0) throw new Error(`airlock add ${name} failed: ${result.stderr}`);
    },
    stop: () => stopProcess(served.child),
  };
}

export interface Window {
  context: BrowserContext;
  page: Page;
  /** Dialogs (alert/confirm/prompt) the page tried to open: must stay empty. */
  dialogs: string[];
  /** Uncaught errors in the page. */
  errors: string[];
  close(): Promise<void>;
}

/** Opens the approval window the way a person does: the printed URL, token in the fragment. */
export async function openWindow(browser: Browser, url: string, options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<Window> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return { context, page, dialogs, errors, close: () => context.close() };
}

/** Saves a screenshot under test-results/ (gitignored) for a person to look at. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** The card for a pending call, located by the tool name shown in it. */
export function cardFor(page: Page, itemId: string) {
  return page.locator(`article.card[data-item-id="${itemId}"]`);
}

/** Pids of live processes whose command line contains `needle` (Linux /proc). */
export function pidsByCommandLine(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (cmdline.includes(needle) && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') pids.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

/**
 * A server seen for the first time holds its first tools/list until a person reviews it. This
 * approves that review card in the window, the way a person does.
 */
export async function approveFirstSight(page: Page, server: string): Promise<void> {
  const card = page.locator('article.review-card[data-kind="definitions"]').filter({ has: page.locator('h2', { hasText: `${server} offers` }) });
  // The card opens at initialize (server info) and gains the tools when the host lists them.
  await card.locator('li.definition[data-key^="tool:"]').first().waitFor();
  await card.getByRole('button', { name: 'Approve all', exact: true }).click();
  await card.waitFor({ state: 'detached' });
}

/** One Chromium for the whole test file, closed (with the file's temporary homes) after it. */
export function useChromium(): { readonly browser: Browser } {
  const holder: { browser: Browser } = { browser: undefined as unknown as Browser };
  beforeAll(async () => {
    holder.browser = await launchChromium();
  });
  afterAll(async () => {
    await holder.browser?.close();
    cleanupHomes();
  });
  return holder;
}

/** A host connected to `server` whose first-sight review the person approved in the window. */
export async function connectApproved(app: Airlock, page: Page, server: string, options: Parameters<typeof connectHost>[2] = {}): Promise<TestHost> {
  const host = await connectHost(app.home, server, options);
  const listed = host.client.listTools();
  await approveFirstSight(page, server);
  await listed;
  return host;
}
