import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AIRLOCK_BIN, airlock, cleanupHomes, makeHome, startCore, waitFor } from './helpers/harness';

afterAll(cleanupHomes);

describe('airlock add / ls / remove', () => {
  it('refuses bad names, duplicates and missing commands in one line, writing nothing', async () => {
    const home = makeHome();
    expect((await airlock(['add', 'files', '--', process.execPath, '--version'], { home })).code).toBe(0);
    const before = fs.readFileSync(path.join(home, 'settings.json'), 'utf8');
    const cases: Array<[string[], string]> = [
      [['add', 'bad name!', '--', process.execPath], 'airlock: invalid server name "bad name!"'],
      [['add', 'FILES', '--', process.execPath], 'airlock: a server named "files" already exists'],
      [['add', 'ghost', '--', 'no-such-command-anywhere'], 'airlock: command not found: no-such-command-anywhere'],
      [['add', 'empty'], 'airlock: missing command'],
      [['add', 'risky', '--env', 'LD_PRELOAD=/tmp/x.so', '--', process.execPath], 'airlock: LD_PRELOAD changes how the server loads code'],
    ];
    for (const [args, message] of cases) {
      const result = await airlock(args, { home });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(message);
    }
    expect(fs.readFileSync(path.join(home, 'settings.json'), 'utf8')).toBe(before);

    const listed = await airlock(['ls', '--json'], { home });
    expect(JSON.parse(listed.stdout).map((s: { name: string; state: string }) => [s.name, s.state])).toEqual([['files', 'idle']]);
    expect((await airlock(['remove', 'files'], { home })).stdout).toContain('Removed "files"');
    expect((await airlock(['ls'], { home })).stdout).toContain('No servers yet');
  });
});

describe('private files', () => {
  it('keeps the home 0700, its files 0600, and the control socket 0600 in a 0700 folder', async () => {
    const t = await startCore({ servers: { files: { command: process.execPath, args: ['--version'], env: {}, envPass: [] } } });
    try {
      const mode = (p: string) => fs.statSync(p).mode & 0o777;
      expect(mode(t.home)).toBe(0o700);
      expect(mode(path.join(t.home, 'settings.json'))).toBe(0o600);
      expect(mode(t.core.paths.socket)).toBe(0o600);
      expect(mode(path.dirname(t.core.paths.socket))).toBe(0o700);
      for (const segment of fs.readdirSync(path.join(t.home, 'audit')).filter((f) => f.endsWith('.jsonl'))) {
        expect(mode(path.join(t.home, 'audit', segment))).toBe(0o600);
      }
    } finally {
      await t.stop();
    }
  });
});

describe('airlock log -f', () => {
  it('keeps printing records as they are written', async () => {
    const t = await startCore();
    const follower = spawn(process.execPath, [AIRLOCK_BIN, 'log', '-f'], { env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), AIRLOCK_HOME: t.home } });
    let out = '';
    follower.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await waitFor(() => out.includes('core-started'), { message: 'the existing records' });
      await t.api.call('pause', {});
      await waitFor(() => /paused by person/.test(out), { message: 'the new record to be followed' });
    } finally {
      follower.kill();
      await t.stop();
    }
  });
});
