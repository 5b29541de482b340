import fs from 'node:fs';
import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startIngress, type Ingress } from '../electron/core/ingress/server';
import { createHostToken } from '../electron/core/ingress/admin';
import { airlock, cleanupHomes, pendingFor, pendingOfKind, startCore, textOf, waitFor, type TestCore } from './helpers/harness';
// @ts-expect-error: a plain .mjs fixture without types
import { startProtectedServer } from './fixtures/servers/protected-mcp.mjs';
import { filesContaining } from './fixtures/oauth/helpers';

type Protected = { url: string; state: { authorization: string[]; notes: string[] }; close(): Promise<void> };

let t: TestCore | undefined;
let ingress: Ingress | undefined;
let upstream: Protected | undefined;
afterEach(async () => {
  await ingress?.close();
  await t?.stop();
  await upstream?.close();
  t = undefined;
  ingress = undefined;
  upstream = undefined;
});
afterAll(cleanupHomes);

async function setup(progressIntervalMs = 5000): Promise<{ token: string; base: string }> {
  upstream = (await startProtectedServer({ auth: false })) as Protected;
  t = await startCore({ progressIntervalMs });
  t.core.addRemoteServer('notes', { url: upstream.url }, 'test');
  ingress = await startIngress(t.core, { port: 0 });
  const { token } = createHostToken(t.core, 'test-host', 'test');
  return { token, base: `http://127.0.0.1:${ingress.port}` };
}

/** A raw request, so Host and Origin can be anything (fetch cannot set Host). */
function rawPost(port: number, path: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'probe', version: '1' } } };

async function httpHost(base: string, token: string, server: string, setup?: (c: Client) => void): Promise<Client> {
  const client = new Client({ name: 'http-host', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
  setup?.(client);
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp/${server}`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

describe('HTTP ingress: who may connect', () => {
  it('refuses a missing or wrong bearer, a foreign Host and a foreign Origin, and admits the right token', async () => {
    const { token } = await setup();
    const port = ingress!.port;
    const host = `127.0.0.1:${port}`;
    const missing = await rawPost(port, '/mcp/notes', { host }, INITIALIZE);
    expect(missing.status).toBe(401);
    expect(missing.text).toContain('airlock token create');
    const wrong = await rawPost(port, '/mcp/notes', { host, authorization: `Bearer ${token.slice(0, -2)}xx` }, INITIALIZE);
    expect(wrong.status).toBe(401);
    const short = await rawPost(port, '/mcp/notes', { host, authorization: 'Bearer x' }, INITIALIZE);
    expect(short.status).toBe(401);
    const rebound = await rawPost(port, '/mcp/notes', { host: `rebind.attacker.test:${port}`, authorization: `Bearer ${token}` }, INITIALIZE);
    expect(rebound.status).toBe(403);
    expect(rebound.text).toContain('Host');
    const foreignOrigin = await rawPost(port, '/mcp/notes', { host, origin: 'http://evil.example', authorization: `Bearer ${token}` }, INITIALIZE);
    expect(foreignOrigin.status).toBe(403);
    expect(foreignOrigin.text).toContain('Origin');
    const plainText = await rawPost(port, '/mcp/notes', { host, authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, INITIALIZE);
    expect(plainText.status).toBe(415);
    const ok = await rawPost(port, '/mcp/notes', { host, authorization: `Bearer ${token}` }, INITIALIZE);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('protocolVersion');
    // Nothing that was refused reached the server; the admitted one did, without the host's token.
    expect(upstream!.state.authorization).toEqual([]);
  });

  it("binds a session to the token that opened it, and a revoked token's sessions end", async () => {
    const { token, base } = await setup();
    const other = createHostToken(t!.core, 'other-host', 'test').token;
    const client = await httpHost(base, token, 'notes');
    const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId!;
    const hijack = await rawPost(ingress!.port, '/mcp/notes', { host: `127.0.0.1:${ingress!.port}`, authorization: `Bearer ${other}`, 'mcp-session-id': sessionId }, { jsonrpc: '2.0', id: 9, method: 'tools/list' });
    expect(hijack.status).toBe(404);
    const revoked = await airlock(['token', 'revoke', 'test-host'], { home: t!.home });
    expect(revoked.code).toBe(0);
    await expect(client.listTools()).rejects.toThrow(/401|token/i);
    const listed = await airlock(['token', 'ls'], { home: t!.home });
    expect(listed.stdout).toContain('other-host');
    expect(listed.stdout).not.toContain('test-host');
    expect(listed.stdout).not.toContain(other);
    await client.close().catch(() => {});
  });

  it('creates a token from the CLI that is shown once and stored only hashed', async () => {
    await setup();
    const created = await airlock(['token', 'create', 'cursor'], { home: t!.home });
    expect(created.code).toBe(0);
    const token = created.stdout.match(/airlock_ht_[\w-]+/)?.[0];
    expect(token).toBeTruthy();
    const client = await httpHost(`http://127.0.0.1:${ingress!.port}`, token!, 'notes');
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('whoami');
    await client.close();
    expect(fs.readFileSync(`${t!.home}/host-tokens.json`, 'utf8')).not.toContain(token!);
    expect(filesContaining(t!.home, [token!])).toEqual([]);
    const log = await airlock(['log', '--json', '-n', '200'], { home: t!.home });
    expect(log.stdout).toContain('host-token-created');
  });
});

describe('HTTP ingress: a held call keeps the HTTP host informed', () => {
  it('delivers progress while the call is held and the server\'s elicitation on the call\'s own stream; the host\'s Authorization never reaches the server', async () => {
    const { token, base } = await setup(150);
    const elicited: string[] = [];
    const client = await httpHost(base, token, 'notes', (c) =>
      c.setRequestHandler(ElicitRequestSchema, async (request) => {
        elicited.push(String(request.params.message));
        return { action: 'accept', content: { answer: '42' } };
      }),
    );
    await client.listTools();
    const progress: string[] = [];
    const call = client.callTool({ name: 'ask', arguments: { question: 'What is the answer?' } }, undefined, {
      onprogress: (p) => progress.push(p.message ?? ''),
      resetTimeoutOnProgress: true,
    });
    const card = await pendingFor(t!.api, 'ask');
    expect(card.host.transport).toBe('http');
    await waitFor(() => progress.includes('Waiting for approval in Airlock'), { message: 'a keep-alive progress notification' });
    await t!.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
    const elicitation = await pendingOfKind(t!.api, 'elicitation', 'notes');
    expect(elicitation.message).toBe('What is the answer?');
    await t!.api.call('approve', { id: elicitation.id, hash: elicitation.hash, scope: 'once' });
    const result = await call;
    expect(textOf(result)).toBe('answer: accept {"answer":"42"}');
    expect(elicited).toEqual(['What is the answer?']);
    expect(progress).toContain('asking');
    expect(upstream!.state.authorization).toEqual([]);
    await client.close();
  });
});
