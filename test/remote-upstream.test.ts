import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanupHomes, connectHost, pendingFor, startCore, textOf, waitFor, type TestCore } from './helpers/harness';
// @ts-expect-error: a plain .mjs fixture without types
import { startProtectedServer } from './fixtures/servers/protected-mcp.mjs';

let t: TestCore | undefined;
let server: { url: string; port: number; forgetSessions(): void; close(): Promise<void> } | undefined;
afterEach(async () => {
  await t?.stop();
  await server?.close();
  t = undefined;
  server = undefined;
});
afterAll(cleanupHomes);

describe('a remote server over Streamable HTTP', () => {
  it('forwards a stdio host to it raw, and reports a session the server forgot instead of hanging', async () => {
    server = await startProtectedServer({ auth: false });
    t = await startCore();
    t.core.addRemoteServer('notes', { url: server!.url }, 'test');
    const host = await connectHost(t.home, 'notes');
    try {
      expect(host.client.getServerVersion()?.name).toBe('protected-fixture');
      const call = host.client.callTool({ name: 'write_note', arguments: { text: 'remote hello' } });
      const card = await pendingFor(t.api, 'write_note');
      expect(card.authority).toMatchObject({ kind: 'remote', url: server!.url, warnings: [] });
      await t.api.call('approve', { id: card.id, hash: card.hash, scope: 'session' });
      expect(textOf(await call)).toBe('saved: remote hello');
      server!.forgetSessions();
      await expect(host.client.callTool({ name: 'write_note', arguments: { text: 'again' } })).rejects.toThrow(/ended the session \(HTTP 404\)/);
    } finally {
      await host.close();
    }
  });

  it('answers with a clear error when the server cannot be reached', async () => {
    server = await startProtectedServer({ auth: false });
    const url = server!.url;
    await server!.close();
    server = undefined;
    t = await startCore();
    t.core.addRemoteServer('gone', { url }, 'test');
    await expect(connectHost(t.home, 'gone')).rejects.toThrow(/could not be reached/);
    await waitFor(() => t!.core.serverViews().find((s) => s.name === 'gone')?.state === 'idle');
  });
});
