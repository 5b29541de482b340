/**
 * Fail closed when the log cannot be written: a full disk under the audit folder makes the core
 * refuse calls with a clear message to the agent, the status carries `auditProblem` (the UI's
 * banner, announced by a statusChanged event), and calls flow again once space returns.
 *
 * The disk is a real 4 MiB tmpfs mounted over the audit folder when this machine allows mounting
 * (as root in CI); otherwise ENOSPC is simulated at the fs layer, for writes to audit segments
 * only. The test says which one it used.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { StatusView } from '../shared/types';
import { connectHost, fixtureServer, makeHome, startCore, textOf, cleanupHomes, type TestCore, type TestHost } from './helpers/harness';

let t: TestCore | undefined;
let host: TestHost | undefined;
let mounted: string | undefined;
afterEach(async () => {
  await host?.close().catch(() => undefined);
  host = undefined;
  await t?.stop();
  t = undefined;
  vi.restoreAllMocks();
  if (mounted) {
    try {
      execFileSync('umount', [mounted], { stdio: 'ignore' });
    } catch {
      /* left for the OS */
    }
    mounted = undefined;
  }
});
afterAll(() => cleanupHomes());

function tryMountTmpfs(dir: string): boolean {
  if (process.platform !== 'linux' || process.env.AIRLOCK_TEST_NO_MOUNT) return false;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', dir], { stdio: 'ignore' });
    mounted = dir;
    return true;
  } catch {
    return false;
  }
}

/** Fills the file system holding `dir`; returns a function that gives the space back. */
function fillDisk(dir: string): () => void {
  const filler = path.join(dir, 'filler.bin');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // Smaller writes too, so not even one audit line fits.
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(64, 1));
  } catch {
    /* full */
  }
  fs.closeSync(fd);
  return () => fs.rmSync(filler, { force: true });
}

/** Simulated full disk: writes to audit segments fail with ENOSPC until released. */
function simulateFullDisk(): () => void {
  let full = true;
  const realWriteSync = fs.writeSync;
  vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, ...rest: unknown[]) => {
    if (full) {
      let target = '';
      try {
        target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        /* not Linux: treat every write as an audit write */
        target = 'audit-';
      }
      if (/audit-\d+\.jsonl$/.test(target)) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    return (realWriteSync as (...args: unknown[]) => number)(fd, ...rest);
  }) as typeof fs.writeSync);
  return () => {
    full = false;
  };
}

describe('a full disk under the audit log', () => {
  it('refuses calls with a clear message, shows the problem, and lets calls through again when space returns', async () => {
    const home = makeHome();
    const auditDir = path.join(home, 'audit');
    const real = tryMountTmpfs(auditDir);
    console.info(real ? 'disk-full test: real 4 MiB tmpfs over the audit folder' : 'disk-full test: mounting not possible here, ENOSPC simulated at the fs layer');

    t = await startCore({ home, servers: { faulty: fixtureServer('faulty.mjs') } });
    t.core.addRule({ server: 'faulty', tool: 'echo', action: 'allow', source: 'test' });
    host = await connectHost(home, 'faulty');
    // Definitions are pinned when the host lists them (trust on first use in these tests).
    await host.client.listTools();

    const ok = await host.client.callTool({ name: 'echo', arguments: { message: 'before' } });
    expect(textOf(ok)).toBe('echo: before');

    const statuses: StatusView[] = [];
    const off = t.api.on('statusChanged', (s) => statuses.push(s));
    const giveBack = real ? fillDisk(auditDir) : simulateFullDisk();

    // A real disk still takes a line or two into the block the segment already has; the call
    // after that is refused. Every call that was answered normally is on record.
    const answered: string[] = [];
    let refused: Awaited<ReturnType<typeof host.client.callTool>> | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const result = await host.client.callTool({ name: 'echo', arguments: { message: `while full ${i}` } });
      if (result.isError) refused = result;
      else answered.push(`while full ${i}`);
    }
    expect(refused, 'a call was refused').toBeDefined();
    expect(textOf(refused!)).toMatch(/Airlock refused this call because it cannot record it \(the audit log cannot be (written|flushed to disk) \(ENOSPC\)\)/);
    const status = await t.api.call('status', {});
    expect(status.auditProblem).toMatch(/ENOSPC/);
    await expect.poll(() => statuses.some((s) => s.auditProblem?.includes('ENOSPC'))).toBe(true);

    giveBack();
    const again = await host.client.callTool({ name: 'echo', arguments: { message: 'after' } });
    expect(textOf(again)).toBe('echo: after');
    expect((await t.api.call('status', {})).auditProblem).toBeUndefined();
    await expect.poll(() => statuses.at(-1)?.auditProblem).toBeUndefined();
    off();

    // What the log holds: the calls before and after, never the one it could not record.
    const page = await t.api.call('history', { view: 'calls', limit: 10 });
    const messages = page.rows.map((r) => (r.call.params as { arguments?: { message?: string } }).arguments?.message ?? (r.call.params as { message?: string }).message);
    expect(messages).toContain('before');
    expect(messages).toContain('after');
    for (const message of answered) expect(messages).toContain(message);
    expect(messages).not.toContain(`while full ${answered.length}`);
    const verified = await t.api.call('verifyLog', {});
    expect(verified.ok).toBe(true);
  });
});
