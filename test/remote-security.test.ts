import fs from 'node:fs';
import http from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { guardedLookup, createGuardedFetch } from '../electron/core/remote/guarded-fetch';
import { checkBrowserUrl, checkServerUrl, checkUrl } from '../electron/core/remote/url-policy';
import { airlock, cleanupHomes, connectHost, makeHome, pendingFor, startCore, textOf, type TestCore } from './helpers/harness';
// @ts-expect-error: plain .mjs fixtures without types
import { startProtectedServer } from './fixtures/servers/protected-mcp.mjs';
// @ts-expect-error: plain .mjs fixtures without types
import { startHostileAuthorizationServer } from './fixtures/oauth/hostile-as.mjs';
import { filesContaining } from './fixtures/oauth/helpers';

type Closer = { close(): Promise<void> };
let t: TestCore | undefined;
const closers: Closer[] = [];
afterEach(async () => {
  await t?.stop();
  t = undefined;
  for (const c of closers.splice(0)) await c.close();
});
afterAll(cleanupHomes);

describe('malicious authorization server metadata', () => {
  const cases: Array<[string, (issuer: string) => string, RegExp]> = [
    ['javascript:', () => 'javascript:alert(1)', /authorization_endpoint .*javascript:/],
    ['file:', () => 'file:///etc/passwd', /authorization_endpoint .*file:/],
    ['shell metacharacters', (issuer) => `${issuer}/authorize?x=$(touch /tmp/airlock-pwned)`, /characters a shell would interpret/],
    ['http off loopback', () => 'http://auth.example.test/authorize', /plain http on a non-loopback host/],
  ];
  for (const [name, endpoint, message] of cases) {
    it(`refuses an authorization_endpoint with ${name} before any browser opens`, async () => {
      const hostile = await startHostileAuthorizationServer(endpoint);
      closers.push(hostile);
      const server = await startProtectedServer({ issuer: hostile.issuer, authorizationServer: hostile.issuer });
      closers.push(server);
      const opened: string[] = [];
      t = await startCore({ openExternal: (url: URL) => void opened.push(url.href) });
      t.core.addRemoteServer('evil', { url: server.url }, 'test');
      const attempt = t.api.call('login', { server: 'evil' });
      await expect(attempt).rejects.toThrow(message);
      expect(opened).toEqual([]);
      // Nothing went on to register with it or ask it for tokens.
      expect(hostile.requests.every((r: string) => r.includes('/.well-known/'))).toBe(true);
      const log = (await airlock(['log', '--json', '-n', '100'], { home: t.home })).stdout;
      expect(log).toContain('"event":"login-failed"');
    });
  }

  it('refuses an authorization server that does not list PKCE S256', async () => {
    const hostile = await startHostileAuthorizationServer((issuer: string) => `${issuer}/authorize`, { code_challenge_methods_supported: undefined });
    closers.push(hostile);
    const server = await startProtectedServer({ issuer: hostile.issuer, authorizationServer: hostile.issuer });
    closers.push(server);
    t = await startCore();
    t.core.addRemoteServer('nopkce', { url: server.url }, 'test');
    await expect(t.api.call('login', { server: 'nopkce' })).rejects.toThrow(/does not list PKCE S256/);
  });

  it('refuses, at the last moment before a browser, any URL that is not https or loopback http or that a shell would read', async () => {
    expect(() => checkBrowserUrl('javascript:alert(1)', { allowLoopback: true })).toThrow(/javascript:/);
    expect(() => checkBrowserUrl('https://user:pw@as.example/authorize', { allowLoopback: false })).toThrow(/user name or password/);
    expect(() => checkBrowserUrl('https://as.example/$(id)', { allowLoopback: false })).toThrow(/shell/);
    expect(() => checkBrowserUrl('http://as.example/authorize', { allowLoopback: false })).toThrow(/plain http/);
    expect(() => checkBrowserUrl('http://127.0.0.1:9/authorize', { allowLoopback: false })).toThrow(/loopback/);
    expect(checkBrowserUrl('https://as.example/authorize?client_id=a&scope=mcp%3Aread', { allowLoopback: false }).hostname).toBe('as.example');
  });
});

describe('SSRF: Airlock does not reach private, link-local or metadata addresses', () => {
  it('refuses such server URLs when adding, in every spelling', async () => {
    const home = makeHome();
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'https://169.254.169.254/mcp',
      'https://2852039166/mcp', // 169.254.169.254 in decimal
      'https://0251.0376.0251.0376/mcp', // and in octal
      'https://[::ffff:169.254.169.254]/mcp',
      'https://10.0.0.5/mcp',
      'https://[fd00:ec2::254]/mcp',
      'https://100.100.100.200/mcp',
      'http://example.com/mcp',
      'https://user:secret@example.com/mcp',
      'file:///etc/passwd',
    ]) {
      const result = await airlock(['add', 'x', '--url', url], { home });
      expect(result.code, url).toBe(1);
      expect(result.stderr, url).toMatch(/refuses|only https|only allowed|user name/);
    }
    const ok = await airlock(['add', 'local', '--url', 'http://localhost.:9/mcp', '--header', 'X-Api-Key=sk-live-0123456789abcdef'], { home });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('X-Api-Key');
    expect(ok.stdout).not.toContain('sk-live-0123456789abcdef');
    expect(fs.readFileSync(`${home}/settings.json`, 'utf8')).toContain('"headerNames"');
    expect(filesContaining(home, ['sk-live-0123456789abcdef'])).toEqual([]);
  });

  it('refuses loopback for a server that is not on loopback, including localhost. and IPv4-mapped forms', () => {
    const remote = { allowLoopback: false };
    for (const url of ['http://127.0.0.1:8080/', 'https://localhost./x', 'https://LOCALHOST/x', 'https://[::ffff:127.0.0.1]/x', 'https://2130706433/x', 'https://0x7f.1/x', 'https://app.localhost/x']) {
      expect(() => checkUrl(url, remote, 'a URL'), url).toThrow(/loopback/);
    }
    expect(checkServerUrl('http://[::1]:3000/mcp').loopback).toBe(true);
  });

  it('checks DNS answers at connect time, and every redirect hop', async () => {
    // "localhost" resolves to loopback: refused for a server not configured on loopback.
    const refused = await new Promise<Error | null>((resolve) => guardedLookup({ allowLoopback: false })('localhost', {}, (error) => resolve(error)));
    expect(refused?.message).toMatch(/resolves to .*loopback/);
    const redirector = http.createServer((req, res) => {
      res.writeHead(307, { location: req.url === '/a' ? 'http://169.254.169.254/latest/meta-data/' : 'http://10.1.2.3/' }).end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    closers.push({ close: () => new Promise((r) => redirector.close(() => r())) });
    const port = (redirector.address() as { port: number }).port;
    const guarded = createGuardedFetch({ allowLoopback: true });
    await expect(guarded(`http://127.0.0.1:${port}/a`)).rejects.toThrow(/a redirect target .*169\.254\.169\.254/);
    await expect(guarded(`http://127.0.0.1:${port}/b`, { method: 'POST', body: '{}' })).rejects.toThrow(/10\.1\.2\.3/);
    await guarded.close();
  });

  it('refuses protected resource metadata that sends Airlock to the cloud metadata address', async () => {
    const server = await startProtectedServer({ issuer: 'http://169.254.169.254', authorizationServer: 'http://169.254.169.254/' });
    closers.push(server);
    t = await startCore();
    t.core.addRemoteServer('ssrf', { url: server.url }, 'test');
    await expect(t.api.call('login', { server: 'ssrf' })).rejects.toThrow(/169\.254\.169\.254.*(refuses|only https)/);
  });
});

describe('no token passthrough', () => {
  it("never forwards a static header or host credential to another server, and keeps the server's static key encrypted", async () => {
    const server = await startProtectedServer({ auth: false });
    closers.push(server);
    t = await startCore();
    t.core.addRemoteServer('keyed', { url: server.url, headers: { 'X-Api-Key': 'sk-live-static-abcdef0123456789' } }, 'test');
    const host = await connectHost(t.home, 'keyed');
    try {
      const call = host.client.callTool({ name: 'whoami', arguments: {} });
      const card = await pendingFor(t.api, 'whoami');
      expect(card.authority).toMatchObject({ kind: 'remote', headerNames: ['X-Api-Key'] });
      expect(JSON.stringify(card)).not.toContain('sk-live-static');
      await t.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
      expect(textOf(await call)).toBe('hello anonymous');
    } finally {
      await host.close();
    }
    expect(server.state.authorization).toEqual([]);
    expect(JSON.stringify(await t.api.call('servers', {}))).not.toContain('sk-live-static');
    expect(filesContaining(t.home, ['sk-live-static-abcdef0123456789'])).toEqual([]);
  });
});
