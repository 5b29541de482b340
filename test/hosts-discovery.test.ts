/**
 * Finding hosts: where each one keeps its MCP config on macOS, Windows and Linux, which projects
 * the hosts know about, and what `airlock hosts` tells a person — also with no core running.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostsView } from '../shared/hosts';
import { HOSTS } from '../electron/core/hosts/registry';
import type { HostEnv } from '../electron/core/hosts/types';
import { AIRLOCK_BIN, airlock, cleanupHomes, makeHome } from './helpers/harness';
import { at, EVERYTHING, fixtureHome, jsonc, read, write } from './fixtures/hosts/fixtures';

afterAll(cleanupHomes);
const J = JSON.stringify;

function userFiles(env: HostEnv): Record<string, string[]> {
  return Object.fromEntries(HOSTS.map((h) => [h.id, h.locations(env, []).filter((l) => !l.onlyIfPresent).map((l) => l.file)]));
}

describe('where hosts keep their MCP config', () => {
  it('on macOS', () => {
    expect(userFiles({ home: '/Users/ann', platform: 'darwin', env: {} })).toEqual({
      'claude-desktop': ['/Users/ann/Library/Application Support/Claude/claude_desktop_config.json'],
      'claude-code': ['/Users/ann/.claude.json'],
      cursor: ['/Users/ann/.cursor/mcp.json'],
      vscode: ['/Users/ann/Library/Application Support/Code/User/mcp.json'],
      'vscode-insiders': ['/Users/ann/Library/Application Support/Code - Insiders/User/mcp.json'],
      windsurf: ['/Users/ann/.codeium/windsurf/mcp_config.json'],
      'gemini-cli': ['/Users/ann/.gemini/settings.json'],
      codex: ['/Users/ann/.codex/config.toml'],
      zed: ['/Users/ann/.config/zed/settings.json'],
    });
  });

  it('on Windows, following %APPDATA%', () => {
    const env: HostEnv = { home: 'C:\\Users\\Ann', platform: 'win32', env: { APPDATA: 'D:\\Roaming' } };
    expect(userFiles(env)).toEqual({
      'claude-desktop': ['D:\\Roaming\\Claude\\claude_desktop_config.json'],
      'claude-code': ['C:\\Users\\Ann\\.claude.json'],
      cursor: ['C:\\Users\\Ann\\.cursor\\mcp.json'],
      vscode: ['D:\\Roaming\\Code\\User\\mcp.json'],
      'vscode-insiders': ['D:\\Roaming\\Code - Insiders\\User\\mcp.json'],
      windsurf: ['C:\\Users\\Ann\\.codeium\\windsurf\\mcp_config.json'],
      'gemini-cli': ['C:\\Users\\Ann\\.gemini\\settings.json'],
      codex: ['C:\\Users\\Ann\\.codex\\config.toml'],
      zed: ['D:\\Roaming\\Zed\\settings.json'],
    });
  });

  it('on Linux, following XDG_CONFIG_HOME, CODEX_HOME and CLAUDE_CONFIG_DIR', () => {
    const env: HostEnv = { home: '/home/ann', platform: 'linux', env: { XDG_CONFIG_HOME: '/cfg', CODEX_HOME: '/opt/codex', CLAUDE_CONFIG_DIR: '/cc' } };
    expect(userFiles(env)).toMatchObject({
      'claude-desktop': ['/cfg/Claude/claude_desktop_config.json'],
      'claude-code': ['/cc/.claude.json'],
      vscode: ['/cfg/Code/User/mcp.json'],
      codex: ['/opt/codex/config.toml'],
      zed: ['/cfg/zed/settings.json'],
    });
  });
});

describe('airlock hosts', () => {
  it('lists installed hosts, their files and each entry’s state, with project files of known projects — with no core running', async () => {
    const { home } = fixtureHome();
    const airlockHome = makeHome();
    const known = path.join(home, 'code', 'known');
    const asked = path.join(home, 'code', 'asked');
    write(
      path.join(home, '.claude.json'),
      J({ mcpServers: { everything: { command: EVERYTHING } }, projects: { [known]: { mcpServers: { 'local-one': { type: 'http', url: 'https://user:hunter2@example.com/mcp' } } } } }),
    );
    write(path.join(known, '.mcp.json'), J({ mcpServers: { shared: { command: EVERYTHING, args: ['${PROJECT_ROOT}'] } } }));
    write(path.join(asked, '.cursor/mcp.json'), J({ mcpServers: { 'asked-one': { command: EVERYTHING } } }));
    write(path.join(home, '.codex/config.toml'), `[projects.${J(known)}]\ntrust_level = "trusted"\n`);
    const env = { HOME: home };

    const listed = await airlock(['hosts', '--json', '--project', asked], { home: airlockHome, env });
    expect(listed.stderr).toBe('');
    const view = JSON.parse(listed.stdout) as HostsView;
    expect(view.projects).toEqual([asked, known].sort());
    const installed = view.hosts.filter((h) => h.installed).map((h) => h.id);
    expect(installed).toEqual(['claude-code', 'cursor', 'codex']);
    const claude = view.hosts.find((h) => h.id === 'claude-code')!;
    expect(claude.configs.map((c) => [c.scope, c.where, c.entries.map((e) => [e.key, e.state])])).toEqual([
      ['user', 'mcpServers', [['everything', 'unprotected']]],
      ['local', `projects[${J(known)}].mcpServers`, [['local-one', 'unsupported']]],
      ['project', 'mcpServers', [['shared', 'unsupported']]],
    ]);
    expect(claude.configs[1]!.entries[0]!.url).not.toContain('hunter2');
    expect(claude.configs[1]!.entries[0]!.reason).toMatch(/carries a user name or password.*Airlock leaves the entry as it is/);
    expect(claude.configs[2]!.entries[0]!.reason).toMatch(/uses \$\{PROJECT_ROOT\}, a value Claude Code fills in from its own environment/);
    const cursor = view.hosts.find((h) => h.id === 'cursor')!;
    expect(cursor.configs.map((c) => [c.scope, c.project, c.exists])).toEqual([
      ['user', undefined, false],
      ['project', asked, true],
    ]);

    // Protecting works offline too, and the readable listing says what happened.
    const protectedNow = await airlock(['protect', 'claude-code'], { home: airlockHome, env });
    expect(protectedNow.code).toBe(0);
    expect(at(jsonc(read(path.join(home, '.claude.json'))), 'mcpServers', 'everything', 'args')).toEqual([AIRLOCK_BIN, 'connect', 'everything']);
    const text = await airlock(['hosts'], { home: airlockHome, env });
    expect(text.stdout).toMatch(/Claude Code \(claude-code\)\n {2}.*\.claude\.json → mcpServers\n {4}everything {2}protected → airlock connect everything\n/);
    expect(text.stdout).toMatch(/Not found on this machine: Claude Desktop, Cursor, VS Code, VS Code Insiders, Windsurf, Gemini CLI, Zed/);
    expect(fs.existsSync(path.join(airlockHome, 'settings.json'))).toBe(true);
  });

  it('rejects an unknown host by listing the valid ones', async () => {
    const result = await airlock(['protect', 'notepad'], { home: makeHome(), env: { HOME: fixtureHome().home } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown host "notepad"; use one of: claude-desktop, claude-code, cursor, vscode, vscode-insiders, windsurf, gemini-cli, codex, zed');
  });
});
