import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CallEntry } from '../shared/audit';
import { cleanupHomes, connectHost, fixtureServer, nextEvent, npmServer, pendingFor, startCore, tempDir, textOf, waitFor, type TestCore } from './helpers/harness';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(cleanupHomes);

describe('filesystem server: the file really is or is not written', () => {
  it('writes the file only after approval, and leaves it untouched when denied', async () => {
    const dir = tempDir('airlock-fs-');
    t = await startCore({ servers: { files: npmServer('filesystem', [dir]) } });
    const host = await connectHost(t.home, 'files');
    try {
      await host.client.listTools();
      const target = path.join(dir, 'approved.txt');
      const approvedCall = host.client.callTool({ name: 'write_file', arguments: { path: target, content: 'hello from the agent' } });
      const card = await pendingFor(t.api, 'write_file');
      expect(card.operation.claimed).toBe('destructive');
      expect(card.resources).toEqual([expect.objectContaining({ kind: 'path', resolved: fs.realpathSync(dir) + '/approved.txt' })]);
      expect(fs.existsSync(target)).toBe(false); // held: nothing reached the server yet
      await t.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
      expect((await approvedCall).isError).toBeFalsy();
      expect(fs.readFileSync(target, 'utf8')).toBe('hello from the agent');

      const denied = path.join(dir, 'denied.txt');
      const deniedCall = host.client.callTool({ name: 'write_file', arguments: { path: denied, content: 'should never land' } });
      const second = await pendingFor(t.api, 'write_file');
      await t.api.call('deny', { id: second.id, message: 'Write to scratch.txt instead.' });
      const result = await deniedCall;
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('The user denied this call to write_file in Airlock');
      expect(textOf(result)).toContain('Write to scratch.txt instead.');
      expect(fs.existsSync(denied)).toBe(false);
    } finally {
      await host.close();
    }
  });

  it('lets a read through without a card when a rule allows it, and refuses what a deny rule forbids', async () => {
    const dir = tempDir('airlock-fs-');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'remember the milk');
    t = await startCore({ servers: { files: npmServer('filesystem', [dir]) } });
    t.core.addRule({ server: 'files', tool: 'read_text_file', action: 'allow', source: 'test' });
    t.core.addRule({ server: 'files', tool: '*', action: 'deny', source: 'test' });
    const host = await connectHost(t.home, 'files');
    try {
      // Deny beats allow: a broad deny stops even the allowed read.
      const refused = await host.client.callTool({ name: 'read_text_file', arguments: { path: path.join(dir, 'notes.txt') } });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain("Airlock's rules do not allow read_text_file");
      t.core.removeRule(t.core.settings.data.rules.find((r) => r.action === 'deny')!.id, 'test');
      const read = await host.client.callTool({ name: 'read_text_file', arguments: { path: path.join(dir, 'notes.txt') } });
      expect(textOf(read)).toBe('remember the milk');
      expect(await t.api.call('pending', {})).toEqual([]);
    } finally {
      await host.close();
    }
  });
});

describe('approval scopes', () => {
  it('approve for this session lets the same tool through again, but not a different tool', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') } });
    const host = await connectHost(t.home, 'faulty');
    try {
      await host.client.listTools();
      const first = host.client.callTool({ name: 'echo', arguments: { message: 'one' } });
      const card = await pendingFor(t.api, 'echo');
      await t.api.call('approve', { id: card.id, hash: card.hash, scope: 'session' });
      expect(textOf(await first)).toBe('echo: one');
      expect(textOf(await host.client.callTool({ name: 'echo', arguments: { message: 'one' } }))).toBe('echo: one');
      expect(textOf(await host.client.callTool({ name: 'echo', arguments: { message: 'two' } }))).toBe('echo: two');
      const other = host.client.callTool({ name: 'sleep', arguments: { ms: 1 } });
      const otherCard = await pendingFor(t.api, 'sleep');
      await t.api.call('deny', { id: otherCard.id });
      expect((await other).isError).toBe(true);

      // A new session of the same host starts without the grant.
      const again = await connectHost(t.home, 'faulty');
      try {
        const call = again.client.callTool({ name: 'echo', arguments: { message: 'one' } });
        const fresh = await pendingFor(t.api, 'echo');
        await t.api.call('approve', { id: fresh.id, hash: fresh.hash, scope: 'once' });
        await call;
      } finally {
        await again.close();
      }
    } finally {
      await host.close();
    }
  });

  it('always allow creates a rule that is visible and lets later calls through', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') } });
    const host = await connectHost(t.home, 'faulty');
    try {
      const call = host.client.callTool({ name: 'echo', arguments: { message: 'first' } });
      const card = await pendingFor(t.api, 'echo');
      const { rule } = await t.api.call('approve', { id: card.id, hash: card.hash, scope: 'always' });
      expect(rule).toMatchObject({ server: 'faulty', tool: 'echo', action: 'allow' });
      await call;
      expect(await t.api.call('rules', {})).toEqual([rule]);
      expect(textOf(await host.client.callTool({ name: 'echo', arguments: { message: 'later' } }))).toBe('echo: later');
      const servers = await t.api.call('servers', {});
      expect(servers[0]!.rules).toEqual([rule]);
    } finally {
      await host.close();
    }
  });

  it('refuses an approval that names a different request hash, and approves one identical call without touching its twin', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') } });
    const host = await connectHost(t.home, 'faulty');
    try {
      const a = host.client.callTool({ name: 'echo', arguments: { message: 'same' } });
      const b = host.client.callTool({ name: 'echo', arguments: { message: 'same' } });
      const cards = await waitFor(async () => {
        const pending = (await t!.api.call('pending', {})).filter((p) => p.kind === 'call');
        return pending.length === 2 ? pending : undefined;
      });
      const [first, second] = cards as Array<(typeof cards)[number] & { kind: 'call' }>;
      expect(first!.hash).not.toBe(second!.hash); // different JSON-RPC ids, so different bytes
      await expect(t.api.call('approve', { id: first!.id, hash: second!.hash, scope: 'once' })).rejects.toThrow(/different request/);
      expect((await t.api.call('pending', {})).length).toBe(2);
      await t.api.call('approve', { id: first!.id, hash: first!.hash, scope: 'once' });
      const settled = await Promise.race([a.then(() => 'a'), b.then(() => 'b')]);
      expect(['a', 'b']).toContain(settled);
      expect((await t.api.call('pending', {})).map((p) => p.id)).toEqual([second!.id]);
      await t.api.call('deny', { id: second!.id });
      const results = await Promise.all([a, b]);
      expect(results.filter((r) => r.isError).length).toBe(1);
    } finally {
      await host.close();
    }
  });
});

describe('hold budget and keep-alive', () => {
  it('answers "waiting in Airlock" when the budget runs out, keeps the card, and lets the identical retry through once after approval', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') }, holdBudgetMs: 1500 });
    const host = await connectHost(t.home, 'faulty');
    try {
      const waited = await host.client.callTool({ name: 'echo', arguments: { message: 'retry me' } });
      expect(waited.isError).toBe(true);
      expect(textOf(waited)).toContain('waiting for approval in Airlock');
      const card = await pendingFor(t.api, 'echo');
      expect(card.expired).toBe(true);
      await t.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
      expect(await t.api.call('pending', {})).toEqual([]);

      // The identical retry passes once, without a card.
      expect(textOf(await host.client.callTool({ name: 'echo', arguments: { message: 'retry me' } }))).toBe('echo: retry me');
      // A different call, or the same one a second time, is held again.
      const different = host.client.callTool({ name: 'echo', arguments: { message: 'something else' } });
      const held = await pendingFor(t.api, 'echo');
      expect(held.arguments).toEqual({ message: 'something else' });
      await t.api.call('deny', { id: held.id });
      await different;
      const twice = host.client.callTool({ name: 'echo', arguments: { message: 'retry me' } });
      const again = await pendingFor(t.api, 'echo');
      await t.api.call('deny', { id: again.id });
      expect((await twice).isError).toBe(true);

      const history = await t.api.call('history', { limit: 50 });
      const decidedBy = history.records.filter((r): r is typeof r & CallEntry => r.type === 'call').map((r) => r.decidedBy);
      expect(decidedBy).toEqual(expect.arrayContaining(['timeout', 'retry-grant', 'person']));
    } finally {
      await host.close();
    }
  });

  it('sends progress notifications while a call is held when the host asked for progress', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') }, progressIntervalMs: 150 });
    const host = await connectHost(t.home, 'faulty');
    try {
      const messages: string[] = [];
      const values: number[] = [];
      const call = host.client.callTool({ name: 'echo', arguments: { message: 'slow decision' } }, undefined, {
        onprogress: (p) => {
          messages.push(p.message ?? '');
          values.push(p.progress);
        },
      });
      const card = await pendingFor(t.api, 'echo');
      await waitFor(() => messages.length >= 3, { message: 'three keep-alive progress notifications' });
      await t.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
      await call;
      expect(messages[0]).toBe('Waiting for approval in Airlock');
      expect([...values].sort((a, b) => a - b)).toEqual(values); // progress only increases
      expect(values.every((v) => v < 1)).toBe(true);
    } finally {
      await host.close();
    }
  });
});

describe('events on the contract', () => {
  it('announces added and removed cards to every UI connection', async () => {
    t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') } });
    const host = await connectHost(t.home, 'faulty');
    try {
      const added = nextEvent(t.api, 'pendingAdded');
      const call = host.client.callTool({ name: 'echo', arguments: { message: 'x' } });
      const item = await added;
      const removed = nextEvent(t.api, 'pendingRemoved');
      await t.api.call('deny', { id: item.id });
      expect(await removed).toEqual({ id: item.id, reason: 'person' });
      await call;
    } finally {
      await host.close();
    }
  });
});
