import { spawn } from 'node:child_process';
import os from 'node:os';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RemoteAuthority } from '../shared/types';
import { AIRLOCK_BIN, airlock, cleanupHomes, connectHost, pendingFor, startCore, textOf, waitFor, type TestCore } from './helpers/harness';
// @ts-expect-error: plain .mjs fixtures without types
import { startAuthorizationServer } from './fixtures/oauth/authorization-server.mjs';
// @ts-expect-error: plain .mjs fixtures without types
import { startProtectedServer } from './fixtures/servers/protected-mcp.mjs';
import { closeBrowser, filesContaining, signInWithBrowser } from './fixtures/oauth/helpers';

interface AuthServer {
  issuer: string;
  requests: Array<{ method: string; path: string }>;
  tryRefresh(refresh: string, clientId: string, resource?: string): Promise<{ status: number; body: { error?: string } }>;
  close(): Promise<void>;
}
interface Protected {
  url: string;
  state: { authorization: string[]; notes: string[]; refused: number[] };
  close(): Promise<void>;
}

let t: TestCore | undefined;
let as: AuthServer | undefined;
let mcp: Protected | undefined;
afterEach(async () => {
  await t?.stop();
  await mcp?.close();
  await as?.close();
  t = undefined;
  mcp = undefined;
  as = undefined;
});
afterAll(async () => {
  await closeBrowser();
  cleanupHomes();
});

async function setup(options: { accessTokenTtl?: number; audienceFor?: (r: string) => string; serverAudience?: string; holdBudgetMs?: number } = {}): Promise<void> {
  as = (await startAuthorizationServer({ accessTokenTtl: options.accessTokenTtl, audienceFor: options.audienceFor })) as AuthServer;
  mcp = (await startProtectedServer({ issuer: as.issuer, audience: options.serverAudience })) as Protected;
  t = await startCore(options.holdBudgetMs ? { holdBudgetMs: options.holdBudgetMs } : {});
  t.core.addRemoteServer('remote', { url: mcp.url }, 'test');
}

function authority(): RemoteAuthority {
  return t!.core.serverViews().find((s) => s.name === 'remote')!.authority as RemoteAuthority;
}

/** Logs in the way the window does: the contract's `login`, then the person in the browser. */
async function loginFromWindow(): Promise<void> {
  const started = await t!.api.call('login', { server: 'remote' });
  expect(started.status).toBe('started');
  const page = await signInWithBrowser((started as { authorizationUrl: string }).authorizationUrl);
  expect(page).toContain('Signed in');
  await waitFor(() => authority().scopes?.length, { message: 'the login to complete' });
}

function storedTokens() {
  const state = t!.core.remote.store.discovery('remote')!;
  return { ...t!.core.remote.store.tokens('remote', state.authorizationServerUrl)!.tokens, clientId: t!.core.remote.store.client('remote', state.authorizationServerUrl)!.client_id };
}

/** `airlock login <name> --no-browser`: the CLI prints the address; the "person" signs in. */
async function loginFromCli(name = 'remote'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [AIRLOCK_BIN, 'login', name, '--no-browser'], {
    env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), AIRLOCK_HOME: t!.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await waitFor(() => stdout.match(/http:\/\/127\.0\.0\.1:\d+\/auth\?\S+/)?.[0], { message: `the login URL\n${stdout}${stderr}` });
  await signInWithBrowser(url);
  return { code: await exited, stdout, stderr };
}

describe('OAuth: Airlock is the client of a protected remote server', () => {
  it('asks for a login, logs in through the browser, and shows the authority on the card', async () => {
    await setup();
    // Before any login the host gets a clear error, and the Servers screen says what to do.
    await expect(connectHost(t!.home, 'remote')).rejects.toThrow(/airlock login remote/);
    await waitFor(() => authority().warnings.some((w) => w.includes('needs you to log in')));

    await loginFromWindow();
    const a = authority();
    expect(a.issuer).toBe(as!.issuer);
    expect(a.clientId).toBeTruthy();
    expect(a.audience).toEqual([mcp!.url]);
    expect(a.scopes).toContain('mcp:read');
    expect(Date.parse(a.expiresAt!)).toBeGreaterThan(Date.now());
    expect(a.account).toBe('alice'); // the id_token's subject
    expect(a.warnings).toEqual([]);
    // Registration, PKCE and the resource indicator reached the real AS.
    expect(as!.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/reg', '/auth', '/token']));

    const host = await connectHost(t!.home, 'remote');
    try {
      const call = host.client.callTool({ name: 'whoami', arguments: {} });
      const card = await pendingFor(t!.api, 'whoami');
      const shown = card.authority as RemoteAuthority;
      expect(shown).toMatchObject({ kind: 'remote', issuer: as!.issuer, audience: [mcp!.url] });
      expect(shown.scopes).toContain('mcp:read');
      expect(shown.expiresAt).toBe(a.expiresAt);
      await t!.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
      expect(textOf(await call)).toBe('hello alice');
    } finally {
      await host.close();
    }
    const tokens = storedTokens();
    // Only Airlock's own token for this server reached it.
    expect(mcp!.state.authorization.every((h) => h === `Bearer ${tokens.access_token}`)).toBe(true);
    const log = (await airlock(['log', '--json', '-n', '500'], { home: t!.home })).stdout;
    expect(log).toContain('"event":"login"');
    expect(filesContaining(t!.home, [tokens.access_token, tokens.refresh_token!, tokens.id_token ?? ''])).toEqual([]);
  });

  it('refreshes an expiring access token before sending, without the person, and warns when it expires within the hold budget', async () => {
    await setup({ accessTokenTtl: 2, holdBudgetMs: 30_000 });
    await loginFromWindow();
    expect(authority().warnings.join('\n')).toContain('within the hold budget');
    const first = storedTokens();
    const refusedAtLogin = mcp!.state.refused.length;
    await new Promise((r) => setTimeout(r, 2500)); // let the access token expire at the server
    const host = await connectHost(t!.home, 'remote');
    try {
      const call = host.client.callTool({ name: 'whoami', arguments: {} });
      const card = await pendingFor(t!.api, 'whoami');
      await t!.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
      expect(textOf(await call)).toBe('hello alice');
    } finally {
      await host.close();
    }
    // The expired token never reached the server: it was replaced before the first request.
    expect(mcp!.state.refused.slice(refusedAtLogin)).toEqual([]);
    const second = storedTokens();
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token); // rotated by the AS
    expect(filesContaining(t!.home, [first.access_token, first.refresh_token!, second.access_token, second.refresh_token!])).toEqual([]);
  });

  it('asks for a step-up login on insufficient_scope, and flags the grown scopes on the next card', async () => {
    await setup();
    await loginFromWindow();
    expect(authority().scopes).not.toContain('mcp:write');
    let host = await connectHost(t!.home, 'remote');
    const read = host.client.callTool({ name: 'whoami', arguments: {} });
    const readCard = await pendingFor(t!.api, 'whoami');
    await t!.api.call('approve', { id: readCard.id, hash: readCard.hash, scope: 'once' });
    expect(textOf(await read)).toBe('hello alice');

    const write = host.client.callTool({ name: 'write_note', arguments: { text: 'hi' } });
    const writeCard = await pendingFor(t!.api, 'write_note');
    await t!.api.call('approve', { id: writeCard.id, hash: writeCard.hash, scope: 'once' });
    await expect(write).rejects.toThrow(/more permission.*mcp:write.*airlock login remote/);
    expect(mcp!.state.notes).toEqual([]);
    await waitFor(() => authority().warnings.some((w) => w.includes('more permission')));
    await host.close();

    const cli = await loginFromCli();
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('Logged in to "remote"');
    expect(cli.stdout).toMatch(/scopes\s+.*mcp:write/);
    host = await connectHost(t!.home, 'remote');
    try {
      const again = host.client.callTool({ name: 'write_note', arguments: { text: 'hi' } });
      const card = await pendingFor(t!.api, 'write_note');
      const warnings = (card.authority as RemoteAuthority).warnings.join('\n');
      expect(warnings).toContain('Scopes grew since you last approved a call on this server');
      expect(warnings).toContain('+mcp:write');
      await t!.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
      expect(textOf(await again)).toBe('saved: hi');
      expect(mcp!.state.notes).toEqual(['hi']);
    } finally {
      await host.close();
    }
    // The login done by the CLI is in the log the core keeps.
    const log = (await airlock(['log', '--json', '-n', '500'], { home: t!.home })).stdout;
    expect(log).toMatch(/"event":"login-required".*step-up/);
    expect(log).toMatch(/"event":"login","server":"remote","by":"cli"/);
  });

  it('flags a token whose audience is not this server', async () => {
    await setup({ audienceFor: () => 'urn:other-service', serverAudience: 'urn:other-service' });
    await loginFromWindow();
    expect(authority().audience).toEqual(['urn:other-service']);
    const host = await connectHost(t!.home, 'remote');
    try {
      const call = host.client.callTool({ name: 'whoami', arguments: {} });
      const card = await pendingFor(t!.api, 'whoami');
      expect((card.authority as RemoteAuthority).warnings.join('\n')).toMatch(/Audience mismatch: the token is for urn:other-service, not this server/);
      await t!.api.call('deny', { id: card.id });
      await call;
    } finally {
      await host.close();
    }
  });

  it('revokes the tokens at the AS when the server is revoked, and restore needs a fresh login', async () => {
    await setup();
    await loginFromWindow();
    const before = storedTokens();
    const revoked = await airlock(['revoke', 'remote'], { home: t!.home });
    expect(revoked.code).toBe(0);
    await waitFor(() => !t!.core.remote.store.tokens('remote', as!.issuer), { message: 'local deletion' });
    expect(as!.requests.filter((r) => r.path === '/token/revocation').length).toBe(2);
    // The AS itself now refuses the old refresh token.
    const retry = await as!.tryRefresh(before.refresh_token!, before.clientId, mcp!.url);
    expect(retry.status).toBe(400);
    expect(retry.body.error).toBe('invalid_grant');
    const log = (await airlock(['log', '--json', '-n', '500'], { home: t!.home })).stdout;
    expect(log).toMatch(/"event":"token-revoked".*refresh token at .*: revoked/);
    expect(log).toContain('"event":"tokens-deleted"');
    expect(log).not.toContain(before.refresh_token!);

    await airlock(['restore', 'remote'], { home: t!.home });
    await expect(connectHost(t!.home, 'remote')).rejects.toThrow(/airlock login remote/);
    expect(authority().warnings.join('\n')).toMatch(/log in/);
  });
});
