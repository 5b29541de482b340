/**
 * Remote host entries (a URL with static headers) protected end to end, in both modes:
 *
 * - stdio (the default): the entry launches `airlock connect <name>`; the host file keeps no secret.
 * - http (`--http`): the entry points at Airlock's HTTP ingress with the host's own token.
 *
 * For each, the host's own parser reads the file back, an SDK client connects exactly as that host
 * would (spawning the command, or Streamable HTTP with the entry's URL and headers), and reaches a
 * real SDK Streamable HTTP server on 127.0.0.1 through Airlock; its call is held for approval. The
 * server must receive the static header from Airlock's secret store and never the host's token.
 * Protecting twice changes nothing; unprotect gives back the original bytes. All on loopback, in
 * fixture homes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startIngress, type Ingress } from '../electron/core/ingress/server';
import type { HostEnv } from '../electron/core/hosts/types';
import type { HostAlert } from '../shared/hosts';
import { AIRLOCK_BIN, airlock, cleanupHomes, nextEvent, pendingFor, startCore, textOf, waitFor, type TestCore } from './helpers/harness';
import { at, backupsOf, EVERYTHING, fixtureHome, jsonc, launchAsHost, launchOf, read, strictJson, toml, write } from './fixtures/hosts/fixtures';
import { filesContaining } from './fixtures/oauth/helpers';
import { startUpstream, type Upstream } from './fixtures/servers/remote-echo';

const J = JSON.stringify;


let core: TestCore | undefined;
let ingress: Ingress | undefined;
let upstream: Upstream | undefined;
afterEach(async () => {
  await ingress?.close();
  await core?.stop();
  await upstream?.close();
  core = undefined;
  ingress = undefined;
  upstream = undefined;
});
afterAll(cleanupHomes);

/** A running core (with its ingress on a random port) for a fixture home, and the upstream server. */
async function setup(env: HostEnv): Promise<{ core: TestCore; ingress: Ingress; upstream: Upstream }> {
  upstream = await startUpstream();
  core = await startCore({ hosts: { env } });
  ingress = await startIngress(core.core, { port: 0 });
  return { core, ingress, upstream };
}

function cli(args: string[], env: HostEnv) {
  return airlock(args, { home: core!.home, env: { HOME: env.home } });
}

interface RemoteCase {
  env: HostEnv;
  /** The host id (also the label of its host token in http mode). */
  host: string;
  file: string;
  key: string;
  /** The entry as the host's own parser reads it. */
  entry(text: string): any;
  /** The static header the entry carries, and its value (a secret that must leave the host file). */
  header: string;
  secret: string;
  /** http mode: where this host keeps the URL and the headers. */
  urlKey?: string;
  headersKey?: string;
  /** Other checks on the protected file. */
  check?(text: string): void;
}

/** A client connected to the protected entry exactly as the host would: spawned (stdio) or over HTTP. */
async function connectAsHost(c: RemoteCase, entry: any, mode: 'stdio' | 'http'): Promise<Client> {
  if (mode === 'stdio') return launchAsHost(launchOf(entry), c.env.home, `${c.host}-host`);
  const client = new Client({ name: `${c.host}-host`, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(entry[c.urlKey!]), { requestInit: { headers: entry[c.headersKey!] } }));
  return client;
}

/** protect → read back → connect as the host → held → approved → reached the server → protect again → unprotect. */
async function roundTrip(c: RemoteCase, mode: 'stdio' | 'http'): Promise<void> {
  const before = fs.readFileSync(c.file);
  const flag = mode === 'http' ? ['--http'] : [];
  const first = await cli(['protect', c.host, ...flag], c.env);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const after = read(c.file);
  const entry = c.entry(after);
  expect(backupsOf(c.file)).toHaveLength(1);
  // The static header is Airlock's now: not in the host file, and nowhere in clear in Airlock's home.
  expect(after).not.toContain(c.secret);
  expect(filesContaining(core!.home, [c.secret])).toEqual([]);
  let hostToken: string | undefined;
  if (mode === 'stdio') {
    expect(launchOf(entry)).toEqual({ command: process.execPath, args: [AIRLOCK_BIN, 'connect', c.key], env: { AIRLOCK_HOME: core!.home } });
    expect(first.stdout).toContain('The host file keeps no secret');
  } else {
    expect(entry[c.urlKey!]).toBe(`http://127.0.0.1:${ingress!.port}/mcp/${c.key}`);
    expect(Object.keys(entry[c.headersKey!])).toEqual(['Authorization']);
    hostToken = /^Bearer (airlock_ht_[\w-]+)$/.exec(entry[c.headersKey!].Authorization)?.[1];
    expect(hostToken).toBeTruthy();
    expect(first.stdout).toContain('The host file now holds a secret: the host token');
    expect((await cli(['token', 'ls'], c.env)).stdout).toContain(c.host);
  }
  c.check?.(after);
  expect(first.stdout).toContain(`header ${c.header} moved to Airlock's secret store`);

  const client = await connectAsHost(c, entry, mode);
  try {
    const call = client.callTool({ name: 'echo', arguments: { text: `hello from ${c.host}` } });
    const card = await pendingFor(core!.api, 'echo');
    expect(card.server).toBe(c.key);
    expect(card.host.transport).toBe(mode);
    expect(card.authority).toMatchObject({ kind: 'remote', url: upstream!.url });
    await core!.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
    expect(textOf(await call)).toBe(`echo: hello from ${c.host}`);
  } finally {
    await client.close();
  }
  // The server got its static header from Airlock, on every request; the host's token never left Airlock.
  expect(upstream!.requests.length).toBeGreaterThan(0);
  expect(upstream!.requests.every((h) => h[c.header.toLowerCase()] === c.secret)).toBe(true);
  if (hostToken) {
    expect(JSON.stringify(upstream!.requests)).not.toContain(hostToken);
    // The host file is the one place the host token is in clear (Airlock keeps a hash, and an encrypted copy).
    expect(filesContaining(core!.home, [hostToken])).toEqual([]);
  }
  expect(JSON.stringify(upstream!.requests)).not.toContain('airlock_ht_');

  const second = await cli(['protect', c.host, ...flag], c.env);
  expect(second.code).toBe(0);
  expect(second.stdout).toMatch(/Already protected: .*\n(?:.*\n)*Nothing was changed\./);
  expect(read(c.file)).toBe(after);
  expect(backupsOf(c.file)).toHaveLength(1);

  const undo = await cli(['unprotect', c.host], c.env);
  expect(undo.code).toBe(0);
  expect(undo.stdout).toMatch(/exactly what it was before Airlock/);
  expect(fs.readFileSync(c.file).equals(before)).toBe(true);
  if (mode === 'http') {
    expect(undo.stdout).toContain(`Revoked the host token "${c.host}"`);
    expect((await cli(['token', 'ls'], c.env)).stdout).not.toContain(c.host);
  }
}

describe('protecting remote entries, host by host', () => {
  for (const mode of ['stdio', 'http'] as const) {
    it(`Claude Code: a type "http" entry with a static Authorization header in ~/.claude.json (${mode})`, async () => {
      const { home, env } = fixtureHome();
      const { upstream } = await setup(env);
      const secret = 'Bearer static-notes-key-0123456789abcdef';
      const file = write(
        path.join(home, '.claude.json'),
        J(
          {
            numStartups: 3,
            mcpServers: { notes: { type: 'http', url: upstream.url, headers: { Authorization: secret } } },
            projects: { [path.join(home, 'app')]: { allowedTools: ['mcp__notes__echo'] } },
          },
          null,
          2,
        ),
      );
      await roundTrip(
        {
          env,
          host: 'claude-code',
          file,
          key: 'notes',
          entry: (t) => at(strictJson(t), 'mcpServers', 'notes'),
          header: 'Authorization',
          secret,
          urlKey: 'url',
          headersKey: 'headers',
          check: (t) => {
            const data = strictJson(t);
            expect(data.numStartups).toBe(3);
            // Claude Code reads the entry by its type: stdio for the wrapper, http for the ingress.
            expect(at(data, 'mcpServers', 'notes', 'type')).toBe(mode);
            if (mode === 'stdio') expect(at(data, 'mcpServers', 'notes', 'url')).toBeUndefined();
          },
        },
        mode,
      );
    });
  }

  for (const mode of ['stdio', 'http'] as const) {
    it(`VS Code: servers with type "http" and headers, in JSONC with comments and an inputs prompt (${mode})`, async () => {
      const { home, env } = fixtureHome();
      const { upstream } = await setup(env);
      const secret = 'vscode-static-key-0123456789abcdef';
      const text = [
        '// VS Code MCP servers',
        '{',
        '  "inputs": [{ "type": "promptString", "id": "notes_key", "description": "Notes key", "password": true }],',
        '  "servers": {',
        '    /* the team notes server */',
        '    "notes": {',
        '      "type": "http",',
        `      "url": ${J(upstream.url)}, // on this machine`,
        `      "headers": { "X-Api-Key": ${J(secret)} }`,
        '    },',
        `    "prompted": { "type": "http", "url": ${J(upstream.url)}, "headers": { "X-Api-Key": "\${input:notes_key}" } },`,
        '  }',
        '}',
        '',
      ].join('\n');
      const file = write(path.join(home, '.config/Code/User/mcp.json'), text);
      await roundTrip(
        {
          env,
          host: 'vscode',
          file,
          key: 'notes',
          entry: (t) => at(jsonc(t), 'servers', 'notes'),
          header: 'X-Api-Key',
          secret,
          urlKey: 'url',
          headersKey: 'headers',
          check: (t) => {
            expect(t).toContain('// VS Code MCP servers');
            expect(t).toContain('/* the team notes server */');
            const data = jsonc(t);
            expect(at(data, 'servers', 'notes', 'type')).toBe(mode);
            expect(data.inputs).toEqual(jsonc(text).inputs);
            // The entry whose header VS Code asks the user for stays exactly as it was.
            expect(at(data, 'servers', 'prompted')).toEqual(at(jsonc(text), 'servers', 'prompted'));
          },
        },
        mode,
      );
    });
  }

  for (const mode of ['stdio', 'http'] as const) {
    it(`Gemini CLI: httpUrl with headers, timeout and trust kept (${mode})`, async () => {
      const { home, env } = fixtureHome();
      const { upstream } = await setup(env);
      const secret = 'gemini-static-key-0123456789abcdef';
      const file = write(
        path.join(home, '.gemini/settings.json'),
        `{\n  "theme": "GitHub",\n  "mcpServers": {\n    "notes": {\n      "httpUrl": ${J(upstream.url)},\n      "headers": { "X-Api-Key": ${J(secret)} },\n      "timeout": 30000,\n      "trust": false\n    }\n  }\n}\n`,
      );
      await roundTrip(
        {
          env,
          host: 'gemini-cli',
          file,
          key: 'notes',
          entry: (t) => at(jsonc(t), 'mcpServers', 'notes'),
          header: 'X-Api-Key',
          secret,
          urlKey: 'httpUrl',
          headersKey: 'headers',
          check: (t) => {
            const entry = at(jsonc(t), 'mcpServers', 'notes');
            expect(entry.timeout).toBe(30000);
            expect(entry.trust).toBe(false);
            // Gemini CLI's `url` would mean SSE: an http-mode entry uses httpUrl only.
            expect(entry.url).toBeUndefined();
            if (mode === 'stdio') expect(entry.httpUrl).toBeUndefined();
          },
        },
        mode,
      );
    });
  }

  for (const mode of ['stdio', 'http'] as const) {
    it(`Codex: url and http_headers in config.toml, with comments and other tables (${mode})`, async () => {
      const { home, env } = fixtureHome();
      const { upstream } = await setup(env);
      const secret = 'codex-static-key-0123456789abcdef';
      const file = write(
        path.join(home, '.codex/config.toml'),
        [
          '# Codex configuration',
          'model = "gpt-5-codex"  # default model',
          '',
          '[mcp_servers.notes]',
          `url = ${J(upstream.url)}`,
          `http_headers = { "X-Api-Key" = ${J(secret)} }`,
          'tool_timeout_sec = 90',
          '',
          '[profiles.fast]',
          'model = "gpt-5-mini"',
          '',
        ].join('\n'),
      );
      await roundTrip(
        {
          env,
          host: 'codex',
          file,
          key: 'notes',
          entry: (t) => at(toml(t), 'mcp_servers', 'notes'),
          header: 'X-Api-Key',
          secret,
          urlKey: 'url',
          headersKey: 'http_headers',
          check: (t) => {
            const data = toml(t);
            expect(at(data, 'mcp_servers', 'notes', 'tool_timeout_sec')).toBe(90);
            expect(at(data, 'profiles', 'fast', 'model')).toBe('gpt-5-mini');
            expect(t).toContain('model = "gpt-5-codex"  # default model');
            if (mode === 'stdio') expect(at(data, 'mcp_servers', 'notes', 'url')).toBeUndefined();
          },
        },
        mode,
      );
    });
  }
});

describe('--http for local entries, and host tokens made by hand', () => {
  it('Windsurf: a local server becomes serverUrl + headers on the ingress; a token the person made under the host\'s name is left alone', async () => {
    const { home, env } = fixtureHome();
    const { upstream } = await setup(env);
    const secret = 'windsurf-static-key-0123456789abcdef';
    const text = `{\n  "mcpServers": {\n    "everything": {\n      "command": ${J(EVERYTHING)},\n      "args": [],\n      "disabled": false\n    },\n    "notes": {\n      "serverUrl": ${J(upstream.url)},\n      "headers": { "X-Api-Key": ${J(secret)} }\n    }\n  }\n}\n`;
    const file = write(path.join(home, '.codeium/windsurf/mcp_config.json'), text);
    // The person already made a token called "windsurf" for a hand-written entry; Airlock cannot know its secret.
    const mine = await cli(['token', 'create', 'windsurf'], env);
    const myToken = mine.stdout.match(/airlock_ht_[\w-]+/)![0];

    const result = await cli(['protect', 'windsurf', '--http'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('the host token "windsurf-2" (created now)');
    const data = strictJson(read(file));
    const everything = at(data, 'mcpServers', 'everything');
    expect(everything).toEqual({ disabled: false, serverUrl: `http://127.0.0.1:${ingress!.port}/mcp/everything`, headers: { Authorization: expect.stringMatching(/^Bearer airlock_ht_/) } });
    expect(at(data, 'mcpServers', 'notes', 'headers')).toEqual(everything.headers);
    expect(everything.headers.Authorization).not.toContain(myToken);

    const client = new Client({ name: 'windsurf-host', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(everything.serverUrl), { requestInit: { headers: everything.headers } }));
    try {
      const call = client.callTool({ name: 'echo', arguments: { message: 'local over http' } });
      const card = await pendingFor(core!.api, 'echo');
      expect(card).toMatchObject({ server: 'everything', host: { transport: 'http' }, authority: { kind: 'local', command: EVERYTHING } });
      await core!.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
      expect(textOf(await call)).toContain('local over http');
    } finally {
      await client.close();
    }

    const undo = await cli(['unprotect', 'windsurf'], env);
    expect(undo.code).toBe(0);
    expect(read(file)).toBe(text);
    expect(undo.stdout).toContain('Revoked the host token "windsurf-2"');
    const tokens = (await cli(['token', 'ls'], env)).stdout;
    expect(tokens).toMatch(/^windsurf {2}created/m);
    expect(tokens).not.toContain('windsurf-2');
  });
});

describe('what protect refuses', () => {
  it('Claude Desktop cannot take --http (stdio only): a clear refusal and an untouched file', async () => {
    const { home, env } = fixtureHome();
    await setup(env);
    const file = write(path.join(home, '.config/Claude/claude_desktop_config.json'), J({ mcpServers: { everything: { command: EVERYTHING, args: [] } } }, null, 2));
    const before = read(file);
    const refused = await cli(['protect', 'claude-desktop', '--http'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Claude Desktop reads only stdio servers from its config file, so it cannot reach Airlock over HTTP; protect it without --http');
    expect(read(file)).toBe(before);
    expect(backupsOf(file)).toEqual([]);
    await expect(core!.api.call('protectHost', { host: 'claude-desktop', mode: 'http' })).rejects.toMatchObject({ error: { code: 'invalid-input' } });
    expect(Object.keys(core!.core.settings.data.servers)).toEqual([]);
  });

  it('leaves entries with variables Airlock cannot resolve, refused URLs and its own ingress as they are, and says why', async () => {
    const { home, env } = fixtureHome();
    const { upstream, ingress } = await setup(env);
    const text = `${J(
      {
        mcpServers: {
          'env-url': { url: 'https://${env:NOTES_HOST}/mcp' },
          'env-header': { url: upstream.url, headers: { Authorization: 'Bearer ${env:NOTES_TOKEN}' } },
          'plain-http': { url: 'http://notes.example.com/mcp' },
          'private-range': { url: 'https://10.1.2.3/mcp' },
          'link-local': { url: 'https://169.254.169.254/latest' },
          'itself': { url: `http://127.0.0.1:${ingress.port}/mcp/notes` },
        },
      },
      null,
      2,
    )}\n`;
    const file = write(path.join(home, '.cursor/mcp.json'), text);
    const result = await cli(['protect', 'cursor'], env);
    expect(result.code).toBe(0);
    const reasons = (key: string) => result.stdout.split('\n').find((line) => line.startsWith(`Left as is: ${key} in ${file}: `)) ?? '';
    expect(reasons('env-url')).toContain('uses ${env:NOTES_HOST}, a value Cursor fills in from its own environment');
    expect(reasons('env-header')).toContain('uses ${env:NOTES_TOKEN}');
    expect(reasons('plain-http')).toContain('uses plain http on a non-loopback host; only https is allowed there');
    expect(reasons('private-range')).toContain('points at a private address; Airlock refuses private, link-local and metadata ranges');
    expect(reasons('link-local')).toContain('points at a linkLocal address');
    expect(reasons('itself')).toContain("points at Airlock's own HTTP ingress");
    expect(result.stdout).toContain('Nothing was changed.');
    expect(read(file)).toBe(text);
    expect(backupsOf(file)).toEqual([]);
    expect(Object.keys(core!.core.settings.data.servers)).toEqual([]);

    // Named explicitly, such an entry is an error, and still nothing changes.
    const explicit = await cli(['protect', 'cursor', '--server', 'plain-http'], env);
    expect(explicit.code).toBe(1);
    expect(explicit.stderr).toContain('cannot protect "plain-http"');
    expect(read(file)).toBe(text);

    // The hosts view says the same, with URLs shown and header values never.
    const view = await core!.api.call('hosts', {});
    const entries = view.hosts.find((h) => h.id === 'cursor')!.configs[0]!.entries;
    expect(entries.map((e) => [e.key, e.state])).toEqual([
      ['env-url', 'unsupported'],
      ['env-header', 'unsupported'],
      ['plain-http', 'unsupported'],
      ['private-range', 'unsupported'],
      ['link-local', 'unsupported'],
      ['itself', 'unsupported'],
    ]);
  });
});

describe('the hosts view and drift, in both modes', () => {
  it('lists remote entries as protectable (URL and header names only); an http-mode entry is protected; a removed one raises the alert and one click wraps it again over HTTP', async () => {
    const { home, env } = fixtureHome();
    const { core: t, upstream } = await setup(env);
    const secret = 'cursor-static-key-0123456789abcdef';
    const original = { mcpServers: { notes: { url: upstream.url, headers: { 'X-Api-Key': secret } } } };
    const file = write(path.join(home, '.cursor/mcp.json'), `${J(original, null, 2)}\n`);
    t.core.hosts.startWatching({ debounceMs: 50, rescanMs: 400 });

    const first = await t.api.call('hosts', {});
    expect(first.alerts).toEqual([]);
    expect(first.hosts.find((h) => h.id === 'cursor')!.configs[0]!.entries[0]).toEqual({
      key: 'notes',
      state: 'unprotected',
      transport: 'http',
      airlockName: 'notes',
      url: upstream.url,
      headerNames: ['X-Api-Key'],
    });
    expect(JSON.stringify(first)).not.toContain(secret);

    const result = await t.api.call('protectHost', { host: 'cursor', mode: 'http' });
    expect(result.protected).toMatchObject([{ key: 'notes', mode: 'http', transport: 'http', headerNames: ['X-Api-Key'] }]);
    expect(result.ingress).toMatchObject({ running: true, tokenLabel: 'cursor', tokenCreated: true });
    const wrapped = at(jsonc(read(file)), 'mcpServers', 'notes');
    expect(wrapped.url).toBe(`http://127.0.0.1:${ingress!.port}/mcp/notes`);
    expect(wrapped.type).toBeUndefined(); // Cursor reads a url entry as HTTP without one
    const view = await t.api.call('hosts', {});
    expect(view.hosts.find((h) => h.id === 'cursor')!.configs[0]!.entries[0]).toMatchObject({ key: 'notes', state: 'protected', mode: 'http', restorable: true });
    expect(view.alerts).toEqual([]);

    // The person puts the original entry back by hand: the host now bypasses Airlock.
    const removed = nextEvent(t.api, 'hostAlert', (a) => a.kind === 'wrapper-removed');
    fs.writeFileSync(file, `${J(original, null, 2)}\n`);
    const alert: HostAlert = await removed;
    expect(alert).toMatchObject({ host: 'cursor', server: 'notes', protect: { host: 'cursor', servers: ['notes'], mode: 'http' } });
    expect(alert.message).toContain("Airlock's wrapper for \"notes\" was removed");
    expect(alert.message).toContain('now connects to it without Airlock');

    const again = await t.api.call('protectHost', alert.protect);
    expect(again.protected).toMatchObject([{ key: 'notes', mode: 'http', reused: true }]);
    // The same host token as before: one per host.
    expect(again.ingress).toMatchObject({ tokenLabel: 'cursor', tokenCreated: false });
    expect(at(jsonc(read(file)), 'mcpServers', 'notes')).toEqual(wrapped);
    await waitFor(async () => (await t.api.call('hosts', {})).alerts.length === 0, { message: 'the alert to clear' });

    // A remote server added behind Airlock's back is an alert too.
    const added = nextEvent(t.api, 'hostAlert', (a) => a.kind === 'unprotected-server');
    const data = jsonc(read(file));
    (data.mcpServers as any).sneaky = { url: 'https://sneaky.example.com/mcp' };
    fs.writeFileSync(file, `${J(data, null, 2)}\n`);
    const sneaky: HostAlert = await added;
    expect(sneaky).toMatchObject({ server: 'sneaky', protect: { host: 'cursor', servers: ['sneaky'] } });
    expect(sneaky.message).toContain('Cursor connects to "sneaky" (https://sneaky.example.com/mcp) directly, not through Airlock');
  });
});
