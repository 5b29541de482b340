/**
 * What protected entries run when the core lives in the desktop app: a system Node (the app's own
 * binary cannot act as Node with the RunAsNode fuse off) with the CLI script the app ships. A machine
 * without a usable Node gets a clear error and an untouched host file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findNode, nodeCandidates, nodeLauncher, NodeNotFound } from '../electron/core/hosts/launcher';
import { AIRLOCK_BIN, cleanupHomes, startCore, tempDir, type TestCore } from './helpers/harness';
import { at, EVERYTHING, fixtureHome, read, strictJson, write } from './fixtures/hosts/fixtures';

const cores: TestCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.stop();
});
afterAll(cleanupHomes);

/** A stand-in `node` that only answers `--version`. */
function fakeNode(dir: string, version: string): string {
  const file = path.join(dir, 'node');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
  return file;
}

const CONFIG = JSON.stringify({ mcpServers: { everything: { command: EVERYTHING, args: [] } } }, null, 2);

describe('desktop launcher', () => {
  it('protected entries run a system Node with the CLI script the app ships', async () => {
    const { home, env } = fixtureHome();
    const file = write(path.join(home, '.config/Claude/claude_desktop_config.json'), CONFIG);
    const shipped = path.join(tempDir('airlock-resources-'), 'cli', 'airlock.mjs');
    fs.mkdirSync(path.dirname(shipped), { recursive: true });
    fs.copyFileSync(AIRLOCK_BIN, shipped);
    const t = await startCore({ hosts: { env, launcher: nodeLauncher({ cliScript: shipped, airlockHome: '/ignored', node: () => process.execPath }) } });
    cores.push(t);
    await t.api.call('protectHost', { host: 'claude-desktop' });
    const entry = at(strictJson(read(file)), 'mcpServers', 'everything');
    expect(entry.command).toBe(process.execPath);
    expect(entry.args).toEqual([fs.realpathSync(shipped), 'connect', 'everything']);
  });

  it('without a usable Node, protect says what to install and changes nothing', async () => {
    const { home, env } = fixtureHome();
    const file = write(path.join(home, '.config/Claude/claude_desktop_config.json'), CONFIG);
    const old = fakeNode(tempDir('airlock-oldnode-'), 'v18.20.0');
    const t = await startCore({ hosts: { env, launcher: nodeLauncher({ cliScript: AIRLOCK_BIN, airlockHome: '/ignored', node: () => findNode([old]) }) } });
    cores.push(t);
    const failed = await t.api.call('protectHost', { host: 'claude-desktop' }).catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toContain('Airlock needs Node.js 20.19 or newer');
    expect((failed as Error).message).toContain(`${old} (v18.20.0)`);
    expect((failed as Error).message).toContain('Nothing was changed.');
    expect(read(file)).toBe(CONFIG);
    expect((await t.api.call('servers', {})).map((s) => s.name)).toEqual([]);
  });

  it('finds a new enough Node where a desktop app looks, skipping old and missing ones', () => {
    const dir = tempDir('airlock-nodes-');
    const old = fakeNode(path.join(dir, 'old'), 'v18.20.0');
    const good = fakeNode(path.join(dir, 'good'), 'v22.11.0');
    expect(findNode([path.join(dir, 'missing', 'node'), old, good])).toBe(good);
    expect(() => findNode([old])).toThrow(NodeNotFound);
    // A Dock-launched app's PATH lacks Homebrew and version managers: they are tried after PATH.
    const nvm = path.join(dir, 'home', '.nvm', 'versions', 'node');
    for (const v of ['v20.19.0', 'v22.11.0', 'v18.0.0']) fs.mkdirSync(path.join(nvm, v, 'bin'), { recursive: true });
    const candidates = nodeCandidates({ PATH: '/usr/bin:/bin' }, 'darwin', path.join(dir, 'home'));
    expect(candidates.slice(0, 2)).toEqual(['/usr/bin/node', '/bin/node']);
    expect(candidates).toContain('/opt/homebrew/bin/node');
    expect(candidates.indexOf('/opt/homebrew/bin/node')).toBeLessThan(candidates.indexOf(path.join(nvm, 'v22.11.0', 'bin', 'node')));
    expect(candidates.filter((c) => c.startsWith(nvm))).toEqual(['v22.11.0', 'v20.19.0', 'v18.0.0'].map((v) => path.join(nvm, v, 'bin', 'node')));
    expect(nodeCandidates({ Path: 'C:\\Tools', ProgramFiles: 'C:\\Program Files' }, 'win32', 'C:\\Users\\a')).toEqual(['C:\\Tools\\node.exe', 'C:\\Program Files\\nodejs\\node.exe']);
  });
});
