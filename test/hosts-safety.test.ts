/**
 * Protecting host files without breaking them: secrets leave the host file but still reach the
 * server, broken files are refused untouched, a file changed mid-write is never overwritten, names
 * are never silently reused for a different server, and undoing works even after the host edited
 * its own file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ProtectHostResult } from '../shared/hosts';
import { AIRLOCK_BIN, airlock, cleanupHomes, pendingFor, startCore, textOf, type TestCore } from './helpers/harness';
import { at, backupsOf, EVERYTHING, fixtureHome, jsonc, launchAsHost, launchOf, MEMORY, read, strictJson, toml, write } from './fixtures/hosts/fixtures';
import type { HostEnv } from '../electron/core/hosts/types';
import type { CommitHooks } from '../electron/core/hosts/host-file';

const J = JSON.stringify;
let core: TestCore | undefined;

afterEach(async () => {
  await core?.stop();
  core = undefined;
});
afterAll(cleanupHomes);

async function start(env: HostEnv, hooks?: CommitHooks): Promise<TestCore> {
  core = await startCore({ hosts: { env, ...(hooks ? { hooks } : {}) } });
  return core;
}

function cli(args: string[], env: HostEnv) {
  return airlock(args, { home: core!.home, env: { HOME: env.home } });
}

const TOKEN = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const API_KEY = 'sk-proj-' + 'abcdefghijklmnopqrstuvwxyz012345';

describe('secrets in env', () => {
  it('move to the encrypted store: not in the host file, not in settings.json, yet the server receives them', async () => {
    const { home, env } = fixtureHome();
    const file = write(
      path.join(home, '.config/Claude/claude_desktop_config.json'),
      J({ mcpServers: { everything: { command: EVERYTHING, args: [], env: { GITHUB_PERSONAL_ACCESS_TOKEN: TOKEN, OPENAI_KEY_FOR_TESTS: API_KEY, DEMO_MODE: 'on' } } } }, null, 2),
    );
    const t = await start(env);
    const result = await cli(['protect', 'claude-desktop'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("GITHUB_PERSONAL_ACCESS_TOKEN, OPENAI_KEY_FOR_TESTS moved to Airlock's secret store");
    for (const text of [read(file), result.stdout, result.stderr, read(path.join(t.home, 'settings.json')), read(path.join(t.home, 'secrets.json')), read(path.join(t.home, 'hosts/protections.json'))]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(API_KEY);
    }
    const listed = await cli(['ls', '--json'], env);
    expect(listed.stdout).not.toContain(TOKEN);
    const [view] = JSON.parse(listed.stdout);
    expect(view.authority.envNames).toEqual(expect.arrayContaining(['GITHUB_PERSONAL_ACCESS_TOKEN', 'OPENAI_KEY_FOR_TESTS', 'DEMO_MODE']));
    expect(fs.statSync(path.join(t.home, 'secrets.json')).mode & 0o777).toBe(0o600);

    const client = await launchAsHost(launchOf(at(strictJson(read(file)), 'mcpServers', 'everything')), home);
    try {
      const call = client.callTool({ name: 'get-env', arguments: {} });
      const card = await pendingFor(t.api, 'get-env');
      await t.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
      const text = textOf(await call);
      expect(text).toContain(TOKEN);
      expect(text).toContain(API_KEY);
      expect(text).toContain('"DEMO_MODE": "on"');
    } finally {
      await client.close();
    }
  });
});

describe('files Airlock must not damage', () => {
  it('a malformed JSON file is refused with its line and column, and left byte for byte as it was', async () => {
    const { home, env } = fixtureHome();
    const broken = `{\n  "mcpServers": {\n    "everything": { "command": ${J(EVERYTHING)}, "args": [] }\n  \n`;
    const file = write(path.join(home, '.cursor/mcp.json'), broken);
    await start(env);
    const result = await cli(['protect', 'cursor'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/mcp\.json is not valid JSON at line \d+, column \d+ .*left it untouched/);
    expect(read(file)).toBe(broken);
    expect(backupsOf(file)).toEqual([]);
    const listed = await cli(['hosts'], env);
    expect(listed.stdout).toMatch(/cannot read: .*not valid JSON/);
    expect((await core!.api.call('servers', {})).length).toBe(0);
  });

  it('a malformed TOML file, and a servers key that is not an object, are refused the same way', async () => {
    const { home, env } = fixtureHome();
    const brokenToml = `[mcp_servers.everything]\ncommand = ${J(EVERYTHING)}\nargs = [\n`;
    const codexFile = write(path.join(home, '.codex/config.toml'), brokenToml);
    const oddJson = `{ "mcpServers": ["everything"] }\n`;
    const windsurfFile = write(path.join(home, '.codeium/windsurf/mcp_config.json'), oddJson);
    await start(env);
    const codex = await cli(['protect', 'codex'], env);
    expect(codex.code).toBe(1);
    expect(codex.stderr).toMatch(/config\.toml is not valid TOML/);
    expect(read(codexFile)).toBe(brokenToml);
    const windsurf = await cli(['protect', 'windsurf'], env);
    expect(windsurf.code).toBe(1);
    expect(windsurf.stderr).toMatch(/mcpServers is not an object/);
    expect(read(windsurfFile)).toBe(oddJson);
  });

  it('a file rewritten by its host between read and write is detected: nothing written, nothing lost, nothing half-done', async () => {
    const { home, env } = fixtureHome();
    const file = write(path.join(home, '.cursor/mcp.json'), `{ "mcpServers": { "everything": { "command": ${J(EVERYTHING)}, "args": [] } } }\n`);
    const hostVersion = `{ "mcpServers": { "everything": { "command": ${J(EVERYTHING)}, "args": [] }, "added-by-cursor": { "command": ${J(MEMORY)} } } }\n`;
    // The host's write lands after Airlock read the file and before it renames its new version in.
    let racer: (() => void) | undefined = () => fs.writeFileSync(file, hostVersion);
    const t = await start(env, {
      beforeCommit: () => {
        const run = racer;
        racer = undefined;
        run?.();
      },
    });
    await expect(t.api.call('protectHost', { host: 'cursor' })).rejects.toMatchObject({
      error: { code: 'conflict', message: expect.stringMatching(/changed while Airlock was editing it.*wrote nothing/) },
    });
    expect(read(file)).toBe(hostVersion);
    expect(backupsOf(file)).toEqual([]);
    expect(await t.api.call('servers', {})).toEqual([]);
    expect(fs.readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    // Trying again works on the host's version, new server included.
    const result = (await t.api.call('protectHost', { host: 'cursor' })) as ProtectHostResult;
    expect(result.protected.map((p) => p.key).sort()).toEqual(['added-by-cursor', 'everything']);
    expect(launchOf(at(jsonc(read(file)), 'mcpServers', 'added-by-cursor')).args).toEqual([AIRLOCK_BIN, 'connect', 'added-by-cursor']);

    // The same on the way back: a racing write wins, the wrappers stay, and a retry restores around it.
    const withTheme = `${read(file).trimEnd().slice(0, -1)}, "theme": "dark" }\n`;
    racer = () => fs.writeFileSync(file, withTheme);
    await expect(t.api.call('unprotectHost', { host: 'cursor' })).rejects.toMatchObject({ error: { code: 'conflict' } });
    expect(read(file)).toBe(withTheme);
    const undone = await t.api.call('unprotectHost', { host: 'cursor' });
    expect(undone.restored.map((r) => r.key).sort()).toEqual(['added-by-cursor', 'everything']);
    const back = jsonc(read(file));
    expect(back.theme).toBe('dark');
    expect(at(back, 'mcpServers', 'added-by-cursor')).toEqual({ command: MEMORY });
  });

  it('unprotect after the host edited its file puts back only Airlock\'s entries and keeps the host\'s changes', async () => {
    const { home, env } = fixtureHome();
    const original = {
      numStartups: 1,
      mcpServers: { everything: { type: 'stdio', command: EVERYTHING, args: [], env: { DEMO_MODE: 'on' } }, untouched: { type: 'http', url: 'https://example.com/mcp' } },
      projects: {},
    };
    const file = write(path.join(home, '.claude.json'), J(original, null, 2));
    await start(env);
    expect((await cli(['protect', 'claude-code'], env)).code).toBe(0);
    // Claude Code rewrites the whole file on start: counters, new projects, its own layout.
    const protectedData = strictJson(read(file));
    fs.writeFileSync(file, J({ ...protectedData, numStartups: 2, projects: { '/somewhere': { mcpServers: {} } } }, null, 2));
    const undo = await cli(['unprotect', 'claude-code'], env);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toMatch(/Airlock entries only; other changes kept/);
    const data = strictJson(read(file));
    expect(at(data, 'mcpServers', 'everything')).toEqual(original.mcpServers.everything);
    expect(at(data, 'mcpServers', 'untouched')).toEqual(original.mcpServers.untouched);
    expect(data.numStartups).toBe(2);
    expect(Object.keys(data.projects as object)).toEqual(['/somewhere']);
  });

  it('an entry changed by hand after protect is not overwritten by unprotect, and says so', async () => {
    const { home, env } = fixtureHome();
    const file = write(path.join(home, '.gemini/settings.json'), J({ mcpServers: { a: { command: EVERYTHING }, b: { command: EVERYTHING, args: ['x'] } } }, null, 2));
    await start(env);
    expect((await cli(['protect', 'gemini-cli'], env)).code).toBe(0);
    const data = jsonc(read(file));
    (data.mcpServers as any).a = { command: MEMORY };
    fs.writeFileSync(file, J(data, null, 2));
    const undo = await cli(['unprotect', 'gemini-cli'], env);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toMatch(/Not restored: a in .*changed by hand since Airlock wrapped it/);
    const after = jsonc(read(file));
    expect(at(after, 'mcpServers', 'a')).toEqual({ command: MEMORY });
    expect(at(after, 'mcpServers', 'b')).toEqual({ command: EVERYTHING, args: ['x'] });
  });

  it('keeps the file mode and follows a symlinked config to its target', async () => {
    const { home, env } = fixtureHome();
    const dotfiles = path.join(home, 'dotfiles');
    const target = write(path.join(dotfiles, 'cursor-mcp.json'), `{ "mcpServers": { "everything": { "command": ${J(EVERYTHING)} } } }\n`, 0o640);
    fs.mkdirSync(path.join(home, '.cursor'));
    const link = path.join(home, '.cursor/mcp.json');
    fs.symlinkSync(target, link);
    const before = read(target);
    await start(env);
    expect((await cli(['protect', 'cursor'], env)).code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.statSync(target).mode & 0o777).toBe(0o640);
    expect(launchOf(at(jsonc(read(link)), 'mcpServers', 'everything')).command).toBe(process.execPath);
    expect(backupsOf(target)).toHaveLength(1);
    expect((await cli(['unprotect', 'cursor'], env)).code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(read(target)).toBe(before);
  });
});

describe('protecting in steps', () => {
  it('one server at a time, then unprotecting one and then the rest, ends byte for byte where it started', async () => {
    const { home, env } = fixtureHome();
    const text = `{\n  // two servers\n  "mcpServers": {\n    "a": { "command": ${J(EVERYTHING)}, "args": ["1"] },\n    "b": { "command": ${J(EVERYTHING)}, "args": ["2"] }\n  }\n}\n`;
    const file = write(path.join(home, '.cursor/mcp.json'), text);
    await start(env);
    expect((await cli(['protect', 'cursor', '--server', 'a'], env)).code).toBe(0);
    const onlyA = read(file);
    expect(at(jsonc(onlyA), 'mcpServers', 'b', 'command')).toBe(EVERYTHING);
    expect((await cli(['protect', 'cursor', '--server', 'b'], env)).code).toBe(0);
    expect(at(jsonc(read(file)), 'mcpServers', 'b', 'args')).toEqual([AIRLOCK_BIN, 'connect', 'b']);

    const undoB = await cli(['unprotect', 'cursor', '--server', 'b'], env);
    expect(undoB.code).toBe(0);
    expect(read(file)).toBe(onlyA);
    const undoA = await cli(['unprotect', 'cursor'], env);
    expect(undoA.stdout).toMatch(/exactly what it was before Airlock/);
    expect(read(file)).toBe(text);
  });
});

describe('revoking a protected server', () => {
  it('leaves the host file alone (the host keeps working) and refuses every call with a message naming Airlock', async () => {
    const { home, env } = fixtureHome();
    const file = write(path.join(home, '.cursor/mcp.json'), `{ "mcpServers": { "everything": { "command": ${J(EVERYTHING)} } } }`);
    const t = await start(env);
    expect((await cli(['protect', 'cursor'], env)).code).toBe(0);
    const wrapped = read(file);
    expect((await cli(['revoke', 'everything'], env)).code).toBe(0);
    expect(read(file)).toBe(wrapped);
    // The host starts the entry as before and hears why nothing works: the server is revoked in Airlock.
    await expect(launchAsHost(launchOf(at(jsonc(wrapped), 'mcpServers', 'everything')), home)).rejects.toThrow(/"everything" is revoked in Airlock/);
    expect(await t.api.call('pending', {})).toEqual([]);
  });
});

describe('names and entries Airlock cannot take over silently', () => {
  it('two hosts with a different server under one name: refused with a way out (--as), never overwritten', async () => {
    const { home, env } = fixtureHome();
    write(path.join(home, '.config/Claude/claude_desktop_config.json'), J({ mcpServers: { github: { command: EVERYTHING, args: [] } } }));
    const cursorText = `{ "mcpServers": { "github": { "command": ${J(MEMORY)}, "args": [] } } }\n`;
    const cursorFile = write(path.join(home, '.cursor/mcp.json'), cursorText);
    const t = await start(env);
    expect((await cli(['protect', 'claude-desktop'], env)).code).toBe(0);

    const refused = await cli(['protect', 'cursor'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/nothing was changed.*\n.*"github" in .*mcp\.json launches something other than the Airlock server "github"/);
    expect(refused.stderr).toContain('airlock protect cursor --server github --as github-2');
    expect(read(cursorFile)).toBe(cursorText);
    const github = (await t.api.call('servers', {})).find((s) => s.name === 'github')!;
    expect(github.spec).toMatchObject({ command: EVERYTHING });

    // The UI gets the same question as data.
    const asked = (await t.api.call('protectHost', { host: 'cursor' })) as ProtectHostResult;
    expect(asked.collisions).toEqual([expect.objectContaining({ key: 'github', airlockName: 'github', suggestion: 'github-2' })]);
    expect(read(cursorFile)).toBe(cursorText);

    const answered = await cli(['protect', 'cursor', '--server', 'github', '--as', 'github-2'], env);
    expect(answered.code).toBe(0);
    const entry = at(jsonc(read(cursorFile)), 'mcpServers', 'github');
    expect(entry.args).toEqual([AIRLOCK_BIN, 'connect', 'github-2']);
    const servers = await t.api.call('servers', {});
    expect(servers.map((s) => [s.name, (s.spec as { command: string }).command])).toEqual([
      ['github', EVERYTHING],
      ['github-2', MEMORY],
    ]);
  });

  it('the same server in two hosts becomes one Airlock server; remove --from-hosts unwraps both and deletes it', async () => {
    const { home, env } = fixtureHome();
    const desktopText = J({ mcpServers: { everything: { command: EVERYTHING, args: [] } } }, null, 2);
    const desktop = write(path.join(home, '.config/Claude/claude_desktop_config.json'), desktopText);
    const codexText = `[mcp_servers.everything]\ncommand = ${J(EVERYTHING)}\nargs = []\n`;
    const codexFile = write(path.join(home, '.codex/config.toml'), codexText);
    const t = await start(env);
    expect((await cli(['protect', 'claude-desktop'], env)).code).toBe(0);
    const second = await cli(['protect', 'codex'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('same server already in Airlock, reused');
    expect(at(toml(read(codexFile)), 'mcp_servers', 'everything', 'args')).toEqual([AIRLOCK_BIN, 'connect', 'everything']);
    expect((await t.api.call('servers', {})).map((s) => s.name)).toEqual(['everything']);

    const removed = await cli(['remove', 'everything', '--from-hosts'], env);
    expect(removed.code).toBe(0);
    expect(read(desktop)).toBe(desktopText);
    expect(read(codexFile)).toBe(codexText);
    expect(await t.api.call('servers', {})).toEqual([]);
    expect((await cli(['unprotect', 'codex'], env)).stdout).toContain('nothing to restore');
  });

  it('an entry using a VS Code input prompt is left as it is and explained; asking for it explicitly fails clearly', async () => {
    const { home, env } = fixtureHome();
    const text = `{\n  "inputs": [{ "type": "promptString", "id": "token", "password": true }],\n  "servers": {\n    "gh": { "type": "stdio", "command": ${J(EVERYTHING)}, "env": { "TOKEN": "\${input:token}" } }\n  }\n}\n`;
    const file = write(path.join(home, '.config/Code/User/mcp.json'), text);
    await start(env);
    const all = await cli(['protect', 'vscode'], env);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/Left as is: gh in .*uses \$\{input:token\}, a value VS Code asks the user for.*Airlock cannot know it/);
    expect(all.stdout).toContain('Nothing was changed.');
    const one = await cli(['protect', 'vscode', '--server', 'gh'], env);
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/cannot protect "gh" in .*uses \$\{input:token\}/);
    expect(read(file)).toBe(text);
    const listed = await cli(['hosts', '--json'], env);
    const vscode = JSON.parse(listed.stdout).hosts.find((h: { id: string }) => h.id === 'vscode');
    expect(vscode.configs[0].entries[0]).toMatchObject({ key: 'gh', state: 'unsupported', envNames: ['TOKEN'] });
  });

  it('asking for a server the host does not have names the files looked at', async () => {
    const { home, env } = fixtureHome();
    const file = write(path.join(home, '.cursor/mcp.json'), `{ "mcpServers": {} }`);
    await start(env);
    const result = await cli(['protect', 'cursor', '--server', 'nope'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cursor has no server "nope" in ${file}`);
  });
});
