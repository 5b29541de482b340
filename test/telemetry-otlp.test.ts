/**
 * Optional OpenTelemetry export: off by default; once configured, each call leaves as one OTLP
 * span (JSON over HTTP) with the GenAI / MCP semantic conventions and Airlock's attributes, and
 * with secrets redacted. The collector is a small receiver this test runs on 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanupHomes, connectHost, fixtureServer, makeHome, startCore, textOf, type TestCore, type TestHost } from './helpers/harness';

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  arrayValue?: { values: OtlpValue[] };
}
interface OtlpSpan {
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: OtlpValue }>;
  status?: { code?: number };
}

interface Receiver {
  url: string;
  requests: Array<{ headers: http.IncomingHttpHeaders; body: { resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: OtlpValue }> }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> } }>;
  close(): Promise<void>;
}

/** An OTLP/HTTP traces receiver that decodes the JSON encoding. */
async function startReceiver(): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.method === 'POST' && String(req.headers['content-type']).startsWith('application/json')) {
        requests.push({ headers: req.headers, body: JSON.parse(body) });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      } else res.writeHead(400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function value(v: OtlpValue): unknown {
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  if (v.intValue !== undefined) return Number(v.intValue);
  return v.stringValue ?? v.boolValue;
}

function attrs(span: { attributes: Array<{ key: string; value: OtlpValue }> }): Record<string, unknown> {
  return Object.fromEntries(span.attributes.map((a) => [a.key, value(a.value)]));
}

let t: TestCore | undefined;
let host: TestHost | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await host?.close().catch(() => undefined);
  await t?.stop();
  await receiver?.close();
  host = undefined;
  t = undefined;
  receiver = undefined;
});
afterAll(() => cleanupHomes());

const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

describe('OpenTelemetry export', () => {
  it('is off by default, then sends each call as a span with MCP/GenAI attributes and redacted arguments', async () => {
    receiver = await startReceiver();
    const home = makeHome();
    t = await startCore({ home, servers: { faulty: fixtureServer('faulty.mjs') } });
    t.core.addRule({ server: 'faulty', tool: 'echo', action: 'allow', source: 'test' });
    t.core.addRule({ server: 'faulty', tool: 'crash', action: 'deny', source: 'test' });
    host = await connectHost(home, 'faulty', { name: 'otel-host', version: '9.9' });
    // Definitions are pinned when the host lists them (trust on first use in these tests).
    await host.client.listTools();

    await host.client.callTool({ name: 'echo', arguments: { message: 'before export is on' } });
    await t.core.history.flushTelemetry();
    expect(receiver.requests).toHaveLength(0);
    expect((await t.api.call('historySettings', {})).telemetry).toBeUndefined();

    const view = await t.api.call('setHistorySettings', {
      telemetry: { enabled: true, endpoint: receiver.url, headers: { 'x-collector-key': 'k-123' }, includeArguments: true },
    });
    // The UI learns header names, never their values.
    expect(view.telemetry).toEqual({ enabled: true, endpoint: receiver.url, headerNames: ['x-collector-key'], includeArguments: true });
    expect(JSON.stringify(view)).not.toContain('k-123');

    const echoed = await host.client.callTool({ name: 'echo', arguments: { message: `deploy with ${TOKEN}` } });
    expect(textOf(echoed)).toContain('echo: deploy with');
    const denied = await host.client.callTool({ name: 'crash', arguments: {} });
    expect(denied.isError).toBe(true);
    await t.core.history.flushTelemetry();

    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.requests[0]!.headers['x-collector-key']).toBe('k-123');
    const resourceSpans = receiver.requests.flatMap((r) => r.body.resourceSpans);
    expect(attrs(resourceSpans[0]!.resource)).toMatchObject({ 'service.name': 'airlock' });
    const spans = resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans));
    expect(spans.map((s) => s.name).sort()).toEqual(['tools/call crash', 'tools/call echo']);
    expect(JSON.stringify(receiver.requests.map((r) => r.body))).not.toContain(TOKEN);

    const echo = spans.find((s) => s.name === 'tools/call echo')!;
    expect(echo.kind).toBe(2); // SERVER
    expect(BigInt(echo.endTimeUnixNano) >= BigInt(echo.startTimeUnixNano)).toBe(true);
    const a = attrs(echo);
    expect(a).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'echo',
      'network.transport': 'pipe',
      'airlock.server': 'faulty',
      'airlock.decision': 'allow',
      'airlock.decided_by': 'rule',
      'airlock.outcome': 'result',
      'airlock.host.name': 'otel-host',
      'airlock.host.version': '9.9',
    });
    expect(typeof a['mcp.session.id']).toBe('string');
    expect(a['airlock.resources']).toEqual([]);
    expect(String(a['gen_ai.tool.call.arguments'])).toContain('«redacted:github-token»');
    expect(String(a['gen_ai.tool.call.result'])).toContain('«redacted:github-token»');

    const crash = attrs(spans.find((s) => s.name === 'tools/call crash')!);
    expect(crash).toMatchObject({ 'airlock.decision': 'deny', 'airlock.decided_by': 'rule', 'airlock.outcome': 'denied', 'gen_ai.tool.name': 'crash' });

    // Switched off again: nothing more leaves.
    await t.api.call('setHistorySettings', { telemetry: null });
    const sent = receiver.requests.length;
    await host.client.callTool({ name: 'echo', arguments: { message: 'after export is off' } });
    await t.core.history.flushTelemetry();
    expect(receiver.requests).toHaveLength(sent);
  });
});
