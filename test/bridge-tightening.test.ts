import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { airlock, cleanupHomes, connectHost, FIXTURE_SERVERS, fixtureServer, isAlive, makeHome, nodeSocket, pendingFor, pidsInGroup, serveProcess, startCore, stopProcess, textOf, waitFor, type TestCore } from './helpers/harness';
import { connectWsApi } from '../renderer/src/api/ws-client';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(cleanupHomes);

async function serverPids(host: Awaited<ReturnType<typeof connectHost>>): Promise<{ pid: number; helper: number }> {
  return JSON.parse(textOf(await host.client.callTool({ name: 'pid', arguments: {} })));
}

describe('revoke', () => {
  it('from the CLI: denies the held call, kills the whole process tree, refuses new sessions, and survives a restart', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs', ['--with-helper']) } });
    t.core.addRule({ server: 'faulty', tool: 'pid', action: 'allow', source: 'test' });
    const host = await connectHost(t.home, 'faulty');
    const { pid, helper } = await serverPids(host);
    expect(pidsInGroup(pid).sort()).toEqual([pid, helper].sort());

    const held = host.client.callTool({ name: 'echo', arguments: { message: 'never sent' } });
    await pendingFor(t.api, 'echo');
    const cli = await airlock(['revoke', 'faulty'], { home: t.home });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('Revoked "faulty"');

    const result = await held;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('revoked in Airlock');
    await waitFor(() => !isAlive(pid) && !isAlive(helper) && pidsInGroup(pid).length === 0, { message: 'no process of the revoked server left' });
    expect(await t.api.call('pending', {})).toEqual([]);

    // The host keeps its connection (it does not break) but every request is refused, naming Airlock.
    expect((await host.client.listTools()).tools).toEqual([]);
    const refused = await host.client.callTool({ name: 'echo', arguments: { message: 'x' } });
    expect(textOf(refused)).toMatch(/revoked in Airlock.*airlock restore faulty/);
    await host.close();

    // A new session is refused at initialize, with the reason.
    await expect(connectHost(t.home, 'faulty')).rejects.toThrow(/revoked in Airlock/);

    // Persisted: a restarted core still refuses, until restore.
    const home = t.home;
    await t.stop();
    t = await startCore({ home });
    await expect(connectHost(home, 'faulty')).rejects.toThrow(/revoked in Airlock/);
    expect((await t.api.call('servers', {}))[0]).toMatchObject({ name: 'faulty', state: 'revoked', revoked: { by: 'cli' } });
    expect((await airlock(['restore', 'faulty'], { home })).code).toBe(0);
    const again = await connectHost(home, 'faulty');
    expect((await again.client.listTools()).tools.length).toBeGreaterThan(0);
    await again.close();
  });

  it('from the UI during an in-flight call: the call is answered with an error at once and the process is gone', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') } });
    t.core.addRule({ server: 'faulty', tool: '*', action: 'allow', source: 'test' });
    const host = await connectHost(t.home, 'faulty');
    try {
      const { pid } = await serverPids(host);
      const started = Date.now();
      // Settled into a value at once, so the rejection is never momentarily unhandled.
      const inFlight = host.client.callTool({ name: 'sleep', arguments: { ms: 30_000 } }).then(
        () => undefined,
        (error: Error) => error,
      );
      await waitFor(async () => (await t!.api.call('history', { limit: 5 })).records.some((r) => r.type === 'call' && r.target === 'sleep'));
      await t.api.call('revokeServer', { server: 'faulty' });
      expect((await inFlight)?.message).toMatch(/revoked in Airlock/);
      expect(Date.now() - started).toBeLessThan(25_000);
      await waitFor(() => pidsInGroup(pid).length === 0, { message: 'the revoked server process group to be gone' });
      const history = await t.api.call('history', { limit: 20 });
      expect(history.records.find((r) => r.type === 'result' && r.target === 'sleep')).toMatchObject({ outcome: 'upstream-failed' });
      expect(history.records.find((r) => r.type === 'event' && r.event === 'server-revoked')).toMatchObject({ server: 'faulty', by: 'person' });
    } finally {
      await host.close();
    }
  });
});

describe('pause (kill switch)', () => {
  it('denies held and new calls while paused, from any local process, until resumed', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') } });
    const host = await connectHost(t.home, 'faulty');
    try {
      const held = host.client.callTool({ name: 'echo', arguments: { message: 'a' } });
      await pendingFor(t.api, 'echo');
      expect((await airlock(['pause'], { home: t.home })).code).toBe(0);
      expect(textOf(await held)).toContain('Airlock is paused');
      expect((await t.api.call('status', {})).paused).toBe(true);
      const whilePaused = await host.client.callTool({ name: 'echo', arguments: { message: 'b' } });
      expect(textOf(whilePaused)).toContain('Airlock is paused');
      expect(await t.api.call('pending', {})).toEqual([]);

      expect((await airlock(['resume'], { home: t.home })).code).toBe(0);
      const afterResume = host.client.callTool({ name: 'echo', arguments: { message: 'c' } });
      const card = await pendingFor(t.api, 'echo');
      await t.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
      expect(textOf(await afterResume)).toBe('echo: c');
    } finally {
      await host.close();
    }
  });
});

describe('no verb outside the UI contract can approve', () => {
  it('the control socket has no approve or allow command, and the CLI offers none', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') } });
    const help = await airlock(['--help'], { home: t.home });
    expect(help.stdout).not.toMatch(/\b(approve|allow)\b/i);
    const { sendControl } = await import('../electron/cli/control-client');
    const reply = await sendControl(t.core.paths.socket, { command: 'approve', id: 'x' } as never);
    expect(reply).toEqual({ ok: false, error: 'expected a connect or control hello' });
  });
});

describe('stopping Airlock', () => {
  it('leaves no server process behind, even one that ignores the end of its input', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs', ['--with-helper']) } });
    t.core.addRule({ server: 'faulty', tool: 'pid', action: 'allow', source: 'test' });
    const host = await connectHost(t.home, 'faulty');
    const { pid, helper } = await serverPids(host);
    expect(pidsInGroup(pid).sort()).toEqual([pid, helper].sort());
    await t.stop();
    t = undefined;
    // Gone when stop() resolves: nothing left to the host, the OS, or a later session.
    expect(pidsInGroup(pid)).toEqual([]);
    await host.close().catch(() => {});
  });
});

describe('stopping Airlock right after a host left', () => {
  it("does not exit while that host's server is still shutting down", async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs', ['--with-helper']) } });
    t.core.addRule({ server: 'faulty', tool: 'pid', action: 'allow', source: 'test' });
    const host = await connectHost(t.home, 'faulty');
    const { pid } = await serverPids(host);
    await host.close();
    await waitFor(async () => (await t!.api.call('servers', {}))[0]!.sessions === 0, { message: 'the session to end' });
    await t.stop();
    t = undefined;
    expect(pidsInGroup(pid)).toEqual([]);
  });
});

describe('after Airlock was killed outright', () => {
  it('reaps the servers a killed core left behind when it starts again', async () => {
    const home = makeHome();
    expect((await airlock(['add', 'faulty', '--', process.execPath, `${FIXTURE_SERVERS}/faulty.mjs`, '--with-helper'], { home })).code).toBe(0);
    const first = await serveProcess(home);
    const api = await connectWsApi(`http://127.0.0.1:${first.port}`, first.token, nodeSocket);
    await api.call('updateSettings', { trustOnFirstUse: true });
    const host = await connectHost(home, 'faulty');
    const pids = host.client.callTool({ name: 'pid', arguments: {} });
    const card = await pendingFor(api, 'pid');
    await api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
    const { pid } = JSON.parse(textOf(await pids)) as { pid: number };
    api.close();
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    await host.close().catch(() => {});
    expect(pidsInGroup(pid).length).toBeGreaterThan(0); // the server outlived the core

    const second = await serveProcess(home);
    try {
      expect(pidsInGroup(pid)).toEqual([]);
      const log = await airlock(['log', '-n', '5'], { home });
      expect(log.stdout).toMatch(/orphans-reaped .*1 server process group/);
    } finally {
      await stopProcess(second.child);
    }
  });
});
