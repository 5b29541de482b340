/**
 * Every host format, end to end: protect rewrites the file in the host's own shape, the host's own
 * parser reads it back, an SDK client launched exactly as the host would launch the entry reaches
 * the real server through Airlock and its call waits for approval; protecting twice changes
 * nothing; unprotect gives back the original bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AIRLOCK_BIN, airlock, cleanupHomes, pendingFor, startCore, textOf, type TestCore } from './helpers/harness';
import { at, backupsOf, EVERYTHING, fixtureHome, jsonc, launchAsHost, launchOf, read, strictJson, toml, write, type LaunchEntry } from './fixtures/hosts/fixtures';
import type { HostEnv } from '../electron/core/hosts/types';

const J = JSON.stringify;
let core: TestCore | undefined;

afterEach(async () => {
  await core?.stop();
  core = undefined;
});
afterAll(cleanupHomes);

interface Expected {
  file: string;
  key: string;
  airlockName: string;
  /** The entry as the host's own parser sees it. */
  entry(text: string): any;
}

/** protect → read back → launch as the host → held → approve → protect again → unprotect. */
async function roundTrip(options: { env: HostEnv; host: string; args?: string[]; expected: Expected[]; extraChecks?: (texts: Map<string, string>) => void }): Promise<void> {
  core = await startCore({ hosts: { env: options.env } });
  const files = [...new Set(options.expected.map((e) => e.file))];
  const before = new Map(files.map((f) => [f, fs.readFileSync(f)]));
  const modes = new Map(files.map((f) => [f, fs.statSync(f).mode & 0o777]));
  const run = (verb: string) => airlock([verb, options.host, ...(options.args ?? [])], { home: core!.home, env: { HOME: options.env.home } });

  const first = await run('protect');
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const after = new Map(files.map((f) => [f, read(f)]));
  for (const f of files) {
    expect(fs.statSync(f).mode & 0o777).toBe(modes.get(f));
    expect(backupsOf(f)).toHaveLength(1);
  }
  for (const e of options.expected) {
    const entry = e.entry(after.get(e.file)!);
    const launch = launchOf(entry);
    expect(launch.command).toBe(process.execPath);
    expect(launch.args).toEqual([AIRLOCK_BIN, 'connect', e.airlockName]);
    expect(launch.env).toEqual({ AIRLOCK_HOME: core.home });
  }
  options.extraChecks?.(after);

  const second = await run('protect');
  expect(second.code).toBe(0);
  expect(second.stdout).toMatch(/Already protected/);
  for (const f of files) {
    expect(read(f)).toBe(after.get(f));
    expect(backupsOf(f)).toHaveLength(1);
  }

  for (const e of options.expected) {
    const client = await launchAsHost(launchOf(e.entry(after.get(e.file)!)) as LaunchEntry, options.env.home);
    try {
      const call = client.callTool({ name: 'echo', arguments: { message: `hello from ${e.key}` } });
      const card = await pendingFor(core.api, 'echo');
      expect(card.server).toBe(e.airlockName);
      await core.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
      expect(textOf(await call)).toContain(`hello from ${e.key}`);
    } finally {
      await client.close();
    }
  }

  const undo = await run('unprotect');
  expect(undo.code).toBe(0);
  expect(undo.stdout).toMatch(/exactly what it was before Airlock/);
  for (const f of files) {
    expect(fs.readFileSync(f).equals(before.get(f)!)).toBe(true);
    expect(fs.statSync(f).mode & 0o777).toBe(modes.get(f));
  }
}

describe('protect and unprotect, host by host', () => {
  it('Claude Desktop (Linux path): strict JSON, other top-level keys kept, a unicode server name', async () => {
    const { home, env } = fixtureHome();
    const file = write(
      path.join(home, '.config/Claude/claude_desktop_config.json'),
      `{\n  "mcpServers": {\n    "everything": {\n      "command": ${J(EVERYTHING)},\n      "args": [],\n      "env": { "DEMO_MODE": "on" }\n    },\n    "données-ü": { "command": ${J(EVERYTHING)}, "args": [] }\n  },\n  "globalShortcut": "Ctrl+Space",\n  "preferences": { "menuBarEnabled": true }\n}\n`,
      0o600,
    );
    await roundTrip({
      env,
      host: 'claude-desktop',
      expected: [
        { file, key: 'everything', airlockName: 'everything', entry: (t) => at(strictJson(t), 'mcpServers', 'everything') },
        { file, key: 'données-ü', airlockName: 'donnees-u', entry: (t) => at(strictJson(t), 'mcpServers', 'données-ü') },
      ],
      extraChecks: (texts) => {
        const data = strictJson(texts.get(file)!);
        expect(Object.keys(data)).toEqual(['mcpServers', 'globalShortcut', 'preferences']);
        expect(Object.keys(data.mcpServers as object)).toEqual(['everything', 'données-ü']);
      },
    });
  });

  it('Claude Desktop on the macOS layout', async () => {
    const { home, env } = fixtureHome('darwin');
    const file = write(
      path.join(home, 'Library/Application Support/Claude/claude_desktop_config.json'),
      `{"mcpServers":{"everything":{"command":${J(EVERYTHING)},"args":[]}}}`,
    );
    await roundTrip({ env, host: 'claude-desktop', expected: [{ file, key: 'everything', airlockName: 'everything', entry: (t) => at(strictJson(t), 'mcpServers', 'everything') }] });
  });

  it('Claude Code user scope in ~/.claude.json, keeping `type` and the rest of its state', async () => {
    const { home, env } = fixtureHome();
    const project = path.join(home, 'work', 'app');
    fs.mkdirSync(project, { recursive: true });
    const file = write(
      path.join(home, '.claude.json'),
      J(
        {
          numStartups: 12,
          mcpServers: { everything: { type: 'stdio', command: EVERYTHING, args: [], env: {} } },
          projects: { [project]: { allowedTools: ['mcp__everything__echo'], mcpServers: { local: { type: 'stdio', command: EVERYTHING, args: [] } } } },
          tipsHistory: { 'new-user-warmup': 7 },
        },
        null,
        2,
      ),
    );
    await roundTrip({
      env,
      host: 'claude-code',
      expected: [{ file, key: 'everything', airlockName: 'everything', entry: (t) => at(strictJson(t), 'mcpServers', 'everything') }],
      extraChecks: (texts) => {
        const data = strictJson(texts.get(file)!);
        expect(at(data, 'mcpServers', 'everything', 'type')).toBe('stdio');
        // The local scope belongs to the project: untouched without --project.
        expect(at(data, 'projects', project, 'mcpServers', 'local', 'command')).toBe(EVERYTHING);
      },
    });
  });

  it('Claude Code project scopes: projects.<path>.mcpServers and the project .mcp.json', async () => {
    const { home, env } = fixtureHome();
    const project = path.join(home, 'work', 'app');
    const claudeJson = write(
      path.join(home, '.claude.json'),
      J({ mcpServers: {}, projects: { [project]: { hasTrustDialogAccepted: true, mcpServers: { 'local-files': { command: EVERYTHING, args: [] } } } } }, null, 2),
    );
    const mcpJson = write(path.join(project, '.mcp.json'), `{\n  "mcpServers": {\n    "team-everything": {\n      "type": "stdio",\n      "command": ${J(EVERYTHING)},\n      "args": []\n    }\n  }\n}\n`);
    await roundTrip({
      env,
      host: 'claude-code',
      args: ['--project', project],
      expected: [
        { file: claudeJson, key: 'local-files', airlockName: 'local-files', entry: (t) => at(strictJson(t), 'projects', project, 'mcpServers', 'local-files') },
        { file: mcpJson, key: 'team-everything', airlockName: 'team-everything', entry: (t) => at(strictJson(t), 'mcpServers', 'team-everything') },
      ],
    });
  });

  it('Cursor global and project files with JSONC comments', async () => {
    const { home, env } = fixtureHome();
    const project = path.join(home, 'src', 'site');
    const global = write(
      path.join(home, '.cursor/mcp.json'),
      `// Cursor MCP servers\n{\n  "mcpServers": {\n    /* the reference server */\n    "everything": {\n      "command": ${J(EVERYTHING)}, // absolute on purpose\n      "args": []\n    }\n  }\n}\n`,
    );
    await roundTrip({
      env,
      host: 'cursor',
      expected: [{ file: global, key: 'everything', airlockName: 'everything', entry: (t) => at(jsonc(t), 'mcpServers', 'everything') }],
      extraChecks: (texts) => {
        expect(texts.get(global)).toContain('// Cursor MCP servers');
        expect(texts.get(global)).toContain('/* the reference server */');
        expect(texts.get(global)).toContain('// absolute on purpose');
      },
    });
    await core!.stop();
    const local = write(path.join(project, '.cursor/mcp.json'), `{ "mcpServers": { "site-tools": { "command": ${J(EVERYTHING)} } } }`);
    await roundTrip({
      env,
      host: 'cursor',
      args: ['--project', project],
      expected: [{ file: local, key: 'site-tools', airlockName: 'site-tools', entry: (t) => at(jsonc(t), 'mcpServers', 'site-tools') }],
      // A file written on one line stays on one line.
      extraChecks: (texts) => expect(texts.get(local)!.trimEnd().split('\n')).toHaveLength(1),
    });
  });

  it('VS Code user mcp.json with CRLF line ends, `servers` and an `inputs` prompt', async () => {
    const { home, env } = fixtureHome();
    const text = [
      '{',
      '\t// prompted once, stored by VS Code',
      '\t"inputs": [',
      '\t\t{ "type": "promptString", "id": "gh_token", "description": "GitHub token", "password": true }',
      '\t],',
      '\t"servers": {',
      `\t\t"everything": { "type": "stdio", "command": ${J(EVERYTHING)}, "args": [] },`,
      `\t\t"github": { "type": "stdio", "command": ${J(EVERYTHING)}, "env": { "GITHUB_TOKEN": "\${input:gh_token}" } },`,
      '\t\t"docs": { "type": "http", "url": "https://example.com/mcp", "headers": { "X-Api-Key": "\${input:docs_key}" } }',
      '\t}',
      '}',
      '',
    ].join('\r\n');
    const file = write(path.join(home, '.config/Code/User/mcp.json'), text);
    await roundTrip({
      env,
      host: 'vscode',
      expected: [{ file, key: 'everything', airlockName: 'everything', entry: (t) => at(jsonc(t), 'servers', 'everything') }],
      extraChecks: (texts) => {
        const after = texts.get(file)!;
        expect(after.split('\n').every((line, i, all) => i === all.length - 1 || line.endsWith('\r'))).toBe(true);
        const data = jsonc(after);
        expect(at(data, 'servers', 'everything', 'type')).toBe('stdio');
        expect(data.inputs).toEqual(jsonc(text).inputs);
        // A local and a remote entry that need VS Code's prompt stay exactly as they were.
        expect(at(data, 'servers', 'github')).toEqual(at(jsonc(text), 'servers', 'github'));
        expect(at(data, 'servers', 'docs')).toEqual(at(jsonc(text), 'servers', 'docs'));
      },
    });
  });

  it('VS Code legacy `mcp.servers` in settings.json, among other settings and comments', async () => {
    const { home, env } = fixtureHome();
    const file = write(
      path.join(home, '.config/Code/User/settings.json'),
      `{\n    "editor.fontSize": 14,\n    // MCP before mcp.json existed\n    "mcp": {\n        "servers": {\n            "everything": {\n                "type": "stdio",\n                "command": ${J(EVERYTHING)},\n                "args": []\n            }\n        }\n    },\n    "workbench.colorTheme": "Default Dark+",\n}\n`,
    );
    await roundTrip({
      env,
      host: 'vscode',
      expected: [{ file, key: 'everything', airlockName: 'everything', entry: (t) => at(jsonc(t), 'mcp', 'servers', 'everything') }],
      extraChecks: (texts) => {
        const data = jsonc(texts.get(file)!);
        expect(data['editor.fontSize']).toBe(14);
        expect(texts.get(file)).toMatch(/\n {16}"args": \[/); // the file's own 4-space indentation
      },
    });
  });

  it('VS Code workspace .vscode/mcp.json with ${workspaceFolder}', async () => {
    const { home, env } = fixtureHome();
    const project = path.join(home, 'repo');
    const file = write(
      path.join(project, '.vscode/mcp.json'),
      `{\n  "servers": {\n    "ws-everything": {\n      "type": "stdio",\n      "command": ${J(EVERYTHING)},\n      "args": [],\n      "cwd": "\${workspaceFolder}"\n    }\n  }\n}\n`,
    );
    await roundTrip({ env, host: 'vscode', args: ['--project', project], expected: [{ file, key: 'ws-everything', airlockName: 'ws-everything', entry: (t) => at(jsonc(t), 'servers', 'ws-everything') }] });
  });

  it('VS Code Insiders has its own user folder', async () => {
    const { home, env } = fixtureHome();
    const file = write(path.join(home, '.config/Code - Insiders/User/mcp.json'), `{ "servers": { "everything": { "type": "stdio", "command": ${J(EVERYTHING)} } }, "inputs": [] }`);
    await roundTrip({ env, host: 'vscode-insiders', expected: [{ file, key: 'everything', airlockName: 'everything', entry: (t) => at(jsonc(t), 'servers', 'everything') }] });
  });

  it('Windsurf mcp_config.json, leaving a serverUrl remote that reads ${env:…} alone', async () => {
    const { home, env } = fixtureHome();
    const file = write(
      path.join(home, '.codeium/windsurf/mcp_config.json'),
      `{\n  "mcpServers": {\n    "everything": {\n      "command": ${J(EVERYTHING)},\n      "args": [],\n      "disabled": false\n    },\n    "linear": {\n      "serverUrl": "https://mcp.linear.app/sse",\n      "headers": { "Authorization": "Bearer \${env:LINEAR_API_KEY}" }\n    }\n  }\n}\n`,
    );
    await roundTrip({
      env,
      host: 'windsurf',
      expected: [{ file, key: 'everything', airlockName: 'everything', entry: (t) => at(strictJson(t), 'mcpServers', 'everything') }],
      extraChecks: (texts) => {
        const data = strictJson(texts.get(file)!);
        expect(at(data, 'mcpServers', 'everything', 'disabled')).toBe(false);
        expect(at(data, 'mcpServers', 'linear')).toEqual({ serverUrl: 'https://mcp.linear.app/sse', headers: { Authorization: 'Bearer ${env:LINEAR_API_KEY}' } });
      },
    });
  });

  it('Gemini CLI user and project settings, with cwd, timeout and trust kept', async () => {
    const { home, env } = fixtureHome();
    const project = path.join(home, 'proj');
    fs.mkdirSync(project, { recursive: true });
    const user = write(
      path.join(home, '.gemini/settings.json'),
      `{\n  "theme": "GitHub",\n  "mcpServers": {\n    "everything": {\n      "command": ${J(EVERYTHING)},\n      "args": [],\n      "cwd": ${J(project)},\n      "timeout": 600000,\n      "trust": false\n    }\n  }\n}\n`,
    );
    await roundTrip({
      env,
      host: 'gemini-cli',
      expected: [{ file: user, key: 'everything', airlockName: 'everything', entry: (t) => at(jsonc(t), 'mcpServers', 'everything') }],
      extraChecks: (texts) => {
        const entry = at(jsonc(texts.get(user)!), 'mcpServers', 'everything');
        expect(entry.timeout).toBe(600000);
        expect(entry.trust).toBe(false);
        expect(entry.cwd).toBeUndefined();
      },
    });
    await core!.stop();
    const local = write(path.join(project, '.gemini/settings.json'), `{ "mcpServers": { "proj-everything": { "command": ${J(EVERYTHING)} } } }\n`);
    await roundTrip({
      env,
      host: 'gemini',
      args: ['--project', project],
      expected: [{ file: local, key: 'proj-everything', airlockName: 'proj-everything', entry: (t) => at(jsonc(t), 'mcpServers', 'proj-everything') }],
    });
  });

  it('Codex config.toml with comments, other tables, an env subtable and per-tool approval tables', async () => {
    const { home, env } = fixtureHome();
    const file = write(
      path.join(home, '.codex/config.toml'),
      [
        '# Codex configuration',
        'model = "gpt-5-codex"  # default model',
        'approval_policy = "on-request"',
        '',
        '[mcp_servers.everything]',
        `command = ${J(EVERYTHING)}  # the reference server`,
        'args = []',
        'tool_timeout_sec = 120',
        '',
        '[mcp_servers.everything.env]',
        'DEMO_MODE = "on"',
        '',
        '[mcp_servers.everything.tools.echo]',
        'approval_mode = "approve"',
        '',
        '[mcp_servers."mémoire"]',
        `command = ${J(EVERYTHING)}`,
        '',
        '[profiles.fast]',
        'model = "gpt-5-mini"',
        '',
        '[projects."/home/me/code"]',
        'trust_level = "trusted"',
        '',
      ].join('\n'),
    );
    await roundTrip({
      env,
      host: 'codex',
      expected: [
        { file, key: 'everything', airlockName: 'everything', entry: (t) => at(toml(t), 'mcp_servers', 'everything') },
        { file, key: 'mémoire', airlockName: 'memoire', entry: (t) => at(toml(t), 'mcp_servers', 'mémoire') },
      ],
      extraChecks: (texts) => {
        const after = texts.get(file)!;
        const data = toml(after);
        expect(at(data, 'mcp_servers', 'everything', 'tool_timeout_sec')).toBe(120);
        expect(at(data, 'mcp_servers', 'everything', 'tools', 'echo', 'approval_mode')).toBe('approve');
        expect(at(data, 'profiles', 'fast', 'model')).toBe('gpt-5-mini');
        expect(after).toContain('# Codex configuration');
        expect(after).toContain('model = "gpt-5-codex"  # default model');
        expect(after).not.toContain('DEMO_MODE');
      },
    });
  });

  it('Zed context_servers in JSONC with trailing commas, including the older nested command shape', async () => {
    const { home, env } = fixtureHome();
    const file = write(
      path.join(home, '.config/zed/settings.json'),
      `// Zed settings\n{\n  "theme": "One Dark",\n  "context_servers": {\n    "everything": {\n      "source": "custom",\n      "command": ${J(EVERYTHING)},\n      "args": [],\n      "env": {},\n    },\n    "older": {\n      "command": { "path": ${J(EVERYTHING)}, "args": [], "env": {} },\n      "settings": {},\n    },\n    "from-extension": { "settings": { "token": "x" } },\n  },\n  "agent": { "profiles": { "write": { "context_servers": { "everything": { "tools": { "echo": true } } } } } },\n}\n`,
    );
    await roundTrip({
      env,
      host: 'zed',
      expected: [
        { file, key: 'everything', airlockName: 'everything', entry: (t) => at(jsonc(t), 'context_servers', 'everything') },
        { file, key: 'older', airlockName: 'older', entry: (t) => at(jsonc(t), 'context_servers', 'older') },
      ],
      extraChecks: (texts) => {
        const data = jsonc(texts.get(file)!);
        expect(at(data, 'context_servers', 'everything', 'source')).toBe('custom');
        expect(typeof at(data, 'context_servers', 'older', 'command')).toBe('object');
        expect(at(data, 'context_servers', 'from-extension')).toEqual({ settings: { token: 'x' } });
      },
    });
  });
});
