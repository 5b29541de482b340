/**
 * The secret store: values encrypted at rest per entry, private files, and a clear refusal —
 * never a wrong value — when the file or its key was tampered with.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileKeyProvider, SecretStore, SecretStoreError, secretStoreFile, type KeyProvider } from '../electron/core/secret-store';
import { cleanupHomes, connectHost, makeHome, npmServer, pendingFor, startCore, textOf } from './helpers/harness';

afterAll(cleanupHomes);

const VALUE = 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';

function store(home = makeHome(), keys: KeyProvider = new FileKeyProvider(home)): { home: string; secrets: SecretStore } {
  return { home, secrets: new SecretStore(secretStoreFile(home), keys) };
}

describe('secret store', () => {
  it('keeps values encrypted in a 0600 file, with the key in a 0600 file inside a 0700 folder', () => {
    const { home, secrets } = store();
    secrets.set('server/github/env/GITHUB_TOKEN', VALUE);
    secrets.set('server/github/env/OTHER', 'ünïcödé ✓');
    expect(secrets.get('server/github/env/GITHUB_TOKEN')).toBe(VALUE);
    expect(secrets.get('server/github/env/OTHER')).toBe('ünïcödé ✓');
    expect(secrets.get('server/github/env/MISSING')).toBeUndefined();

    const text = fs.readFileSync(secretStoreFile(home), 'utf8');
    expect(text).not.toContain(VALUE);
    expect(text).not.toContain('Z9y8X7');
    expect(fs.statSync(secretStoreFile(home)).mode & 0o777).toBe(0o600);
    const keyFile = new FileKeyProvider(home).file;
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(keyFile)).mode & 0o777).toBe(0o700);

    // Another process (a fresh store over the same files) reads the same values.
    expect(store(home).secrets.get('server/github/env/GITHUB_TOKEN')).toBe(VALUE);
  });

  it('lists, deletes one and deletes by prefix', () => {
    const { secrets } = store();
    secrets.set('server/a/env/X', '1');
    secrets.set('server/a/env/Y', '2');
    secrets.set('server/ab/env/Z', '3');
    secrets.set('hosts/other', '4');
    expect(secrets.listIds('server/')).toEqual(['server/a/env/X', 'server/a/env/Y', 'server/ab/env/Z']);
    secrets.delete('server/a/env/X');
    expect(secrets.get('server/a/env/X')).toBeUndefined();
    secrets.deletePrefix('server/a/');
    expect(secrets.listIds()).toEqual(['hosts/other', 'server/ab/env/Z']);
  });

  it('refuses a tampered entry with a clear error instead of returning something else', () => {
    const { home, secrets } = store();
    secrets.set('server/github/env/GITHUB_TOKEN', VALUE);
    const file = secretStoreFile(home);
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    const entry = data.entries['server/github/env/GITHUB_TOKEN'];
    const bytes = Buffer.from(entry.data, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    entry.data = bytes.toString('base64');
    fs.writeFileSync(file, JSON.stringify(data));
    expect(() => secrets.get('server/github/env/GITHUB_TOKEN')).toThrow(/cannot be decrypted: the store was modified outside Airlock or its key changed/);
  });

  it('refuses an entry moved to another id (a secret cannot be swapped into another server)', () => {
    const { home, secrets } = store();
    secrets.set('server/evil/env/TOKEN', 'attacker value');
    secrets.set('server/github/env/TOKEN', VALUE);
    const file = secretStoreFile(home);
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    data.entries['server/github/env/TOKEN'] = data.entries['server/evil/env/TOKEN'];
    fs.writeFileSync(file, JSON.stringify(data));
    expect(() => secrets.get('server/github/env/TOKEN')).toThrow(SecretStoreError);
  });

  it('refuses values when the key changed, and a damaged store or key file, naming the file', () => {
    const { home, secrets } = store();
    secrets.set('id', VALUE);
    const otherKey: KeyProvider = { kind: 'safeStorage', getKey: () => Buffer.alloc(32, 7) };
    expect(() => store(home, otherKey).secrets.get('id')).toThrow(/safeStorage key/);

    fs.writeFileSync(secretStoreFile(home), '{"version":1,');
    expect(() => secrets.get('id')).toThrow(new RegExp(`the secret store ${secretStoreFile(home).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged`));

    const home2 = makeHome();
    const keys = new FileKeyProvider(home2);
    fs.mkdirSync(path.dirname(keys.file), { recursive: true });
    fs.writeFileSync(keys.file, 'short');
    expect(() => store(home2, keys).secrets.set('id', 'x')).toThrow(/key file .* is damaged/);
  });
});

describe('server env secrets in the core', () => {
  it('a secret-looking env value goes to the store, not settings.json; the server still gets it; removing the server deletes it', async () => {
    const t = await startCore({ servers: { everything: npmServer('everything', [], { env: { API_TOKEN: 'plain-looking-but-named-token', UPSTREAM_URL: VALUE, MODE: 'demo' } }) } });
    try {
      const settings = fs.readFileSync(path.join(t.home, 'settings.json'), 'utf8');
      expect(settings).not.toContain(VALUE);
      expect(settings).not.toContain('plain-looking-but-named-token');
      expect(JSON.parse(settings).servers.everything.spec).toMatchObject({ env: { MODE: 'demo' }, secretEnv: ['API_TOKEN', 'UPSTREAM_URL'] });
      const [view] = await t.api.call('servers', {});
      expect(JSON.stringify(view)).not.toContain(VALUE);
      expect(view!.authority).toMatchObject({ envNames: expect.arrayContaining(['API_TOKEN', 'UPSTREAM_URL', 'MODE']) });

      const host = await connectHost(t.home, 'everything');
      try {
        const call = host.client.callTool({ name: 'get-env', arguments: {} });
        const card = await pendingFor(t.api, 'get-env');
        await t.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
        const text = textOf(await call);
        expect(text).toContain(VALUE);
        expect(text).toContain('plain-looking-but-named-token');
      } finally {
        await host.close();
      }
      t.core.removeServer('everything', 'test');
      expect(t.core.secrets.listIds('server/everything/')).toEqual([]);
    } finally {
      await t.stop();
    }
  });

  it('loads settings written before the secret store existed', async () => {
    const home = makeHome();
    fs.writeFileSync(
      path.join(home, 'settings.json'),
      JSON.stringify({
        version: 1,
        servers: { old: { name: 'old', spec: { transport: 'stdio', command: process.execPath, args: [], env: { A: '1' }, envPass: [] }, addedAt: '2026-01-01T00:00:00.000Z' } },
        rules: [],
        paused: false,
        holdBudgetMs: 50000,
        trustOnFirstUse: false,
      }),
    );
    const t = await startCore({ home });
    try {
      const [view] = await t.api.call('servers', {});
      expect(view).toMatchObject({ name: 'old', spec: { secretEnv: [] } });
    } finally {
      await t.stop();
    }
  });
});

describe('a home owned by the desktop app', () => {
  it('is not given a second key by the CLI: offline commands refuse and say to open the app', async () => {
    const home = makeHome();
    fs.mkdirSync(path.join(home, 'keys'), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(home, 'keys', 'secret-store.sealed'), 'sealed by the OS keychain', { mode: 0o600 });
    const { airlock } = await import('./helpers/harness');
    const result = await airlock(['add', 'files', '--', process.execPath, '--version'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('belongs to the desktop app');
    expect(fs.existsSync(path.join(home, 'keys', 'secret-store.key'))).toBe(false);
    expect(fs.existsSync(path.join(home, 'settings.json'))).toBe(false);
  });
});
