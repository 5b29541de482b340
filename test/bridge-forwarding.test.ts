import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { cleanupHomes, connectHost, npmServer, pendingFor, SERVER_BIN, startCore, textOf, waitFor, type TestCore } from './helpers/harness';

const Loose = z.object({}).passthrough();

describe('transparent forwarding (server-everything)', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await startCore({ servers: { everything: npmServer('everything') } });
  });
  afterEach(async () => t.stop());
  afterAll(cleanupHomes);

  it('passes initialize, tools/list and resources through byte-for-byte equal to a direct connection', async () => {
    const direct = new Client({ name: 'direct', version: '1' });
    await direct.connect(new StdioClientTransport({ command: SERVER_BIN.everything, args: [] }));
    const host = await connectHost(t.home, 'everything');
    try {
      expect(host.client.getServerVersion()).toEqual(direct.getServerVersion());
      expect(host.client.getInstructions()).toEqual(direct.getInstructions());
      expect(host.client.getServerCapabilities()).toEqual(direct.getServerCapabilities());
      // A loose schema keeps every field, so unknown ones (execution, icons, _meta) must survive.
      const viaAirlock = await host.client.request({ method: 'tools/list' }, Loose);
      const directly = await direct.request({ method: 'tools/list' }, Loose);
      expect(viaAirlock).toEqual(directly);
      expect(JSON.stringify(viaAirlock)).toContain('"execution"');
      const resources = await host.client.request({ method: 'resources/templates/list' }, Loose);
      expect(resources).toEqual(await direct.request({ method: 'resources/templates/list' }, Loose));
    } finally {
      await host.close();
      await direct.close();
    }
  });

  it('forwards ping, unknown methods and their errors unchanged', async () => {
    const host = await connectHost(t.home, 'everything');
    try {
      await expect(host.client.ping()).resolves.toEqual({});
      await expect(host.client.request({ method: 'airlock-test/no-such-method', params: { x: 1 } }, Loose)).rejects.toMatchObject({ code: -32601 });
    } finally {
      await host.close();
    }
  });

  it('relays progress from the server while a call runs', async () => {
    t.core.addRule({ server: 'everything', tool: 'trigger-long-running-operation', action: 'allow', source: 'test' });
    const host = await connectHost(t.home, 'everything');
    try {
      const progress: number[] = [];
      const result = await host.client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 4 } }, undefined, {
        onprogress: (p) => progress.push(p.progress),
      });
      expect(textOf(result)).toMatch(/completed/i);
      // The SDK client handles notifications a microtask after the response that shares their read,
      // so the last one can be dropped by the client itself (on the direct path too); the rest arrive in order.
      expect(progress.slice(0, 3)).toEqual([1, 2, 3]);
      expect(progress.length === 3 || progress[3] === 4).toBe(true);
    } finally {
      await host.close();
    }
  });

  it('relays server→host sampling, elicitation and roots requests and their answers', async () => {
    // Relaying is what this test is about; approving them is tested in metadata-requests.test.ts.
    for (const tool of ['roots/list', 'sampling/createMessage', 'elicitation/create']) t.core.addRule({ server: 'everything', tool, action: 'allow', source: 'test' });
    const asked: string[] = [];
    const host = await connectHost(t.home, 'everything', {
      capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } },
      setup: (client) => {
        client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
          asked.push('sampling');
          return { model: 'test-model', role: 'assistant', content: { type: 'text', text: `sampled: ${JSON.stringify(req.params.messages[0]?.content)}` } };
        });
        client.setRequestHandler(ElicitRequestSchema, async () => {
          asked.push('elicitation');
          return { action: 'decline' };
        });
        client.setRequestHandler(ListRootsRequestSchema, async () => {
          asked.push('roots');
          return { roots: [{ uri: 'file:///tmp', name: 'tmp' }] };
        });
      },
    });
    try {
      await waitFor(() => asked.includes('roots'), { message: 'the server to ask for roots after initialize' });
      for (const tool of ['trigger-sampling-request', 'trigger-elicitation-request']) {
        t.core.addRule({ server: 'everything', tool, action: 'allow', source: 'test' });
      }
      await waitFor(async () => (await host.client.listTools()).tools.some((tool) => tool.name === 'trigger-sampling-request'));
      const sampled = await host.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hello', maxTokens: 10 } });
      expect(JSON.stringify(sampled)).toContain('sampled:');
      const elicited = await host.client.callTool({ name: 'trigger-elicitation-request', arguments: {} });
      expect(textOf(elicited)).toMatch(/declin/i);
      expect(asked).toEqual(expect.arrayContaining(['sampling', 'elicitation', 'roots']));
    } finally {
      await host.close();
    }
  });

  it('forwards tools/list_changed notifications to the host', async () => {
    t.core.addRule({ server: 'everything', tool: 'roots/list', action: 'allow', source: 'test' });
    let changed = 0;
    const host = await connectHost(t.home, 'everything', {
      capabilities: { sampling: {}, roots: {} },
      setup: (client) => {
        client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void changed++);
        client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [] }));
      },
    });
    try {
      await waitFor(() => changed > 0, { message: 'a tools/list_changed from server-everything' });
    } finally {
      await host.close();
    }
  });

  it('holds a tool call until approved through the contract, naming the host on the card', async () => {
    const host = await connectHost(t.home, 'everything', { name: 'claude-code', version: '2.1.0' });
    try {
      await host.client.listTools();
      const call = host.client.callTool({ name: 'echo', arguments: { message: 'through the airlock' } });
      const card = await pendingFor(t.api, 'echo');
      expect(card).toMatchObject({ server: 'everything', method: 'tools/call', host: { name: 'claude-code', version: '2.1.0' }, arguments: { message: 'through the airlock' } });
      expect(card.description).toMatch(/echo/i);
      await t.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
      expect(textOf(await call)).toBe('Echo: through the airlock');
      expect(await t.api.call('pending', {})).toEqual([]);
    } finally {
      await host.close();
    }
  });

  it('withdraws a held call when the host cancels it, and nothing reaches the server', async () => {
    const host = await connectHost(t.home, 'everything');
    try {
      const controller = new AbortController();
      const call = host.client.callTool({ name: 'echo', arguments: { message: 'never' } }, undefined, { signal: controller.signal });
      await pendingFor(t.api, 'echo');
      controller.abort('changed my mind');
      await expect(call).rejects.toThrow();
      await waitFor(async () => (await t.api.call('pending', {})).length === 0, { message: 'the card to be withdrawn' });
      const history = await t.api.call('history', { limit: 20 });
      const entry = history.records.find((r) => r.type === 'call');
      expect(entry).toMatchObject({ decision: 'deny', decidedBy: 'host-cancelled', outcome: 'cancelled' });
      expect(history.records.some((r) => r.type === 'result')).toBe(false);
    } finally {
      await host.close();
    }
  });
});
