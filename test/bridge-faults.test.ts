import net from 'node:net';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  AIRLOCK_BIN,
  airlock,
  cleanupHomes,
  connectHost,
  fixtureServer,
  isAlive,
  makeHome,
  pendingFor,
  serveProcess,
  startCore,
  stopProcess,
  textOf,
  waitFor,
  type TestCore,
} from './helpers/harness';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(cleanupHomes);

/** A raw client on the control socket, speaking lines — what a broken or hostile host would send. */
function rawSession(socketPath: string, server: string) {
  const socket = net.connect(socketPath);
  const lines: unknown[] = [];
  let buffer = '';
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      lines.push(JSON.parse(buffer.slice(0, newline)));
      buffer = buffer.slice(newline + 1);
    }
  });
  socket.write(`${JSON.stringify({ airlock: 'connect', v: 1, server })}\n`);
  return {
    socket,
    lines,
    send: (data: string | Buffer) => socket.write(data),
    async expectLine(match: (line: Record<string, unknown>) => boolean, what: string) {
      return waitFor(() => lines.find((l) => match(l as Record<string, unknown>)) as Record<string, unknown> | undefined, { message: what });
    },
  };
}

describe('when the core is not running', () => {
  it('connect fails closed: each request gets an error naming Airlock, stderr says the same, nothing is started', async () => {
    const home = makeHome();
    const child = spawn(process.execPath, [AIRLOCK_BIN, 'connect', 'anything'], { env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), AIRLOCK_HOME: home } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'h', version: '1' } } })}\n`);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 'two', method: 'tools/list' })}\n`);
    child.stdin.end();
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    const replies = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(replies).toEqual([
      { jsonrpc: '2.0', id: 1, error: { code: -32011, message: expect.stringContaining('Airlock is not running') } },
      { jsonrpc: '2.0', id: 'two', error: { code: -32011, message: expect.stringContaining('airlock serve') } },
    ]);
    expect(stderr).toContain('Airlock is not running');
  });

  it('an SDK host sees the reason when it tries to initialize', async () => {
    await expect(connectHost(makeHome(), 'anything')).rejects.toThrow(/Airlock is not running/);
  });
});

describe('one core per home', () => {
  it('a second core refuses to start and names the pid of the first', async () => {
    const home = makeHome();
    const first = await serveProcess(home);
    try {
      const second = await airlock(['serve', '--no-open'], { home });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`already running (pid ${first.child.pid})`);
      const status = await airlock(['status'], { home });
      expect(status.stdout).toContain(`running (pid ${first.child.pid})`);
    } finally {
      await stopProcess(first.child);
    }
  });
});

describe('upstream faults', () => {
  it('a server that crashes mid-call: the call gets an error, the log says so, the host session ends, the next session is fresh', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') } });
    t.core.addRule({ server: 'faulty', tool: '*', action: 'allow', source: 'test' });
    const host = await connectHost(t.home, 'faulty');
    const closed = new Promise<void>((resolve) => (host.client.onclose = () => resolve()));
    const { pid } = JSON.parse(textOf(await host.client.callTool({ name: 'pid', arguments: {} })));
    await expect(host.client.callTool({ name: 'crash', arguments: {} })).rejects.toThrow(/stopped while handling this request \(exit code 3\)/);
    await closed;
    const history = await t.api.call('history', { limit: 20 });
    expect(history.records.find((r) => r.type === 'result' && r.target === 'crash')).toMatchObject({ outcome: 'upstream-failed' });
    expect(history.records.find((r) => r.type === 'event' && r.event === 'upstream-exited')).toMatchObject({ detail: 'exit code 3' });

    const next = await connectHost(t.home, 'faulty');
    try {
      const fresh = JSON.parse(textOf(await next.client.callTool({ name: 'pid', arguments: {} })));
      expect(fresh.pid).not.toBe(pid);
    } finally {
      await next.close();
    }
  });

  it('a host that disconnects: its held calls leave the queue and its server stops', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') } });
    t.core.addRule({ server: 'faulty', tool: 'pid', action: 'allow', source: 'test' });
    const host = await connectHost(t.home, 'faulty');
    const { pid } = JSON.parse(textOf(await host.client.callTool({ name: 'pid', arguments: {} })));
    void host.client.callTool({ name: 'echo', arguments: { message: 'abandoned' } }).catch(() => {});
    await pendingFor(t.api, 'echo');
    host.transport.close();
    await waitFor(async () => (await t!.api.call('pending', {})).length === 0, { message: 'the abandoned card to leave the queue' });
    await waitFor(() => !isAlive(pid), { message: 'the server of the gone host to stop' });
    const history = await t.api.call('history', { limit: 20 });
    expect(history.records.find((r) => r.type === 'call' && r.target === 'echo')).toMatchObject({ decidedBy: 'host-gone', outcome: 'cancelled' });
  });

  it('a server that prints logs on stdout keeps working; one that sends an oversized reply is stopped with a clear error', async () => {
    t = await startCore({ servers: { noisy: fixtureServer('faulty.mjs', ['--noise']) } });
    t.core.addRule({ server: 'noisy', tool: '*', action: 'allow', source: 'test' });
    const host = await connectHost(t.home, 'noisy');
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(textOf(await host.client.callTool({ name: 'echo', arguments: { message: 'still here' } }))).toBe('echo: still here');
      const history = await t.api.call('history', { limit: 50 });
      const noise = history.records.filter((r) => r.type === 'event' && r.event === 'protocol-error');
      expect(noise.length).toBeGreaterThan(0);
      expect(noise.length).toBeLessThanOrEqual(5); // a flood is counted, not logged line by line
      await expect(host.client.callTool({ name: 'huge', arguments: { mb: 12 } })).rejects.toThrow(/will not forward .*exceeds the 10485760-byte limit/);
    } finally {
      await host.close().catch(() => {});
    }
  });
});

describe('malformed input from a host', () => {
  it('answers each bad message with a clear error and keeps the session and every other session working', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') } });
    const bystander = await connectHost(t.home, 'faulty');
    const raw = rawSession(t.core.paths.socket, 'faulty');
    try {
      raw.send(`${JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } })}\n`);
      await raw.expectLine((l) => l.id === 0 && 'result' in l, 'initialize result');

      raw.send('this is not json\n');
      expect(await raw.expectLine((l) => (l.error as { code?: number })?.code === -32700, 'parse error')).toMatchObject({ id: null, error: { message: expect.stringContaining('not valid JSON') } });

      raw.send('{"jsonrpc":"2.0","id":5,"method":"ping"\n'); // truncated
      await waitFor(() => raw.lines.filter((l) => (l as { error?: { code: number } }).error?.code === -32700).length === 2, { message: 'a parse error for the truncated message' });

      raw.send(Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":6,"method":"ping","params":{"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}\n')]));
      await raw.expectLine((l) => (l.error as { message?: string })?.message?.includes('not valid UTF-8') ?? false, 'invalid UTF-8 error');

      raw.send(`${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
      await raw.expectLine((l) => (l.error as { message?: string })?.message?.includes('nests deeper than 128') ?? false, 'depth error');

      raw.send(`{"jsonrpc":"2.0","id":7,"method":"ping","params":{"pad":"${'a'.repeat(20 * 1024 * 1024)}"}}\n`);
      await raw.expectLine((l) => (l.error as { message?: string })?.message?.includes('exceeds the 10485760-byte limit') ?? false, 'size error');

      raw.send(`${JSON.stringify([{ jsonrpc: '2.0', id: 8, method: 'ping' }])}\n`);
      await raw.expectLine((l) => (l.error as { message?: string })?.message?.includes('batches are not supported') ?? false, 'batch error');

      raw.send(`${JSON.stringify({ jsonrpc: '1.0', id: 9, method: 'ping' })}\n`);
      expect(await raw.expectLine((l) => l.id === 9, 'wrong version error')).toMatchObject({ error: { code: -32600 } });

      // After all that, the same session still works…
      raw.send(`${JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'ping' })}\n`);
      expect(await raw.expectLine((l) => l.id === 10, 'ping after garbage')).toEqual({ jsonrpc: '2.0', id: 10, result: {} });
      // …and so does everyone else's.
      await expect(bystander.client.ping()).resolves.toEqual({});
    } finally {
      raw.socket.destroy();
      await bystander.close();
    }
  });

  it('refuses a request id that is still pending instead of mixing two requests up', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') } });
    const raw = rawSession(t.core.paths.socket, 'faulty');
    try {
      raw.send(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } })}\n`);
      await raw.expectLine((l) => l.id === 1, 'initialize');
      const call = { jsonrpc: '2.0', id: 42, method: 'tools/call', params: { name: 'echo', arguments: { message: 'first' } } };
      raw.send(`${JSON.stringify(call)}\n`);
      await pendingFor(t.api, 'echo');
      raw.send(`${JSON.stringify({ ...call, params: { name: 'echo', arguments: { message: 'replayed' } } })}\n`);
      expect(await raw.expectLine((l) => l.id === 42, 'duplicate id error')).toMatchObject({ error: { code: -32600, message: expect.stringContaining('already in use') } });
      expect((await t.api.call('pending', {})).length).toBe(1);
    } finally {
      raw.socket.destroy();
    }
  });
});

describe('environment isolation', () => {
  it("passes only the safe set, chosen pass-throughs and set values — nothing else of Airlock's environment", async () => {
    const home = makeHome();
    expect((await airlock(['add', 'plain', '--', process.execPath, `${process.cwd()}/test/fixtures/servers/faulty.mjs`], { home })).code).toBe(0);
    expect(
      (await airlock(['add', 'passing', '--env-pass', 'AIRLOCK_TEST_CANARY', '--env', 'FOO=bar', '--', process.execPath, `${process.cwd()}/test/fixtures/servers/faulty.mjs`], { home }))
        .code,
    ).toBe(0);
    const core = await serveProcess(home, { AIRLOCK_TEST_CANARY: 'canary-value', SOME_TOKEN: 'do-not-leak', LANG: 'C.UTF-8' });
    try {
      const { connectWsApi } = await import('../renderer/src/api/ws-client');
      const { nodeSocket } = await import('./helpers/harness');
      const api = await connectWsApi(`http://127.0.0.1:${core.port}`, core.token, nodeSocket);
      // This test is about environments, not pins: trust new servers' definitions, as the window allows.
      await api.call('updateSettings', { trustOnFirstUse: true });
      const envOf = async (server: string) => {
        const host = await connectHost(home, server);
        const call = host.client.callTool({ name: 'env', arguments: {} });
        const card = await pendingFor(api, 'env');
        await api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
        const env = JSON.parse(textOf(await call)) as Record<string, string>;
        await host.close();
        return env;
      };
      const plain = await envOf('plain');
      expect(plain.AIRLOCK_TEST_CANARY).toBeUndefined();
      expect(plain.SOME_TOKEN).toBeUndefined();
      expect(plain.AIRLOCK_HOME).toBeUndefined();
      expect(plain.PATH).toBe(process.env.PATH);
      expect(plain.LANG).toBe('C.UTF-8');
      const passing = await envOf('passing');
      expect(passing.AIRLOCK_TEST_CANARY).toBe('canary-value');
      expect(passing.FOO).toBe('bar');
      expect(passing.SOME_TOKEN).toBeUndefined();
      api.close();
    } finally {
      await stopProcess(core.child);
    }
  });
});
