/**
 * One contract, two transports. The Electron IPC adapter (main-side handlers + the preload's named
 * functions) and the browser-mode WebSocket adapter must expose exactly the operations and events
 * in `shared/contract.ts`, behave the same against a real core, and refuse strangers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { commandNames, eventNames, operationNames, queryNames, type ApiClient, type EventName } from '../shared/contract';
import {
  BRIDGE_NAME,
  buildBridge,
  bridgeFunctionNames,
  eventChannel,
  operationChannel,
  registerIpcContract,
  UNTRUSTED_SENDER,
  type AirlockBridge,
  type IpcInvokeEventLike,
} from '../electron/shell/contract-ipc';
import { isTrustedSender } from '../electron/shell/sender';
import { notificationText } from '../electron/shell/notification-text';
import { APP_ORIGIN, resolveInside } from '../electron/shell/protocol';
import { quitDecision, quitPrompt } from '../electron/shell/quit';
import { createKeyProvider, sealedKeyFile } from '../electron/shell/safe-storage-key';
import { bridgeApi } from '../renderer/src/api/bridge-client';
import { cleanupHomes, makeHome, startCore, waitFor, type TestCore } from './helpers/harness';

type Handler = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown;

/** An in-memory stand-in for Electron's ipcMain/ipcRenderer/webContents trio. */
function fakeElectron() {
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const webContents = { id: 1 };
  const mainFrame = { url: `${APP_ORIGIN}/index.html` };
  const ipcMain = {
    handle(channel: string, handler: Handler) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  };
  /** What our page's frame sends by default; tests swap `frame`/`sender` to play a stranger. */
  const from = { sender: webContents as unknown, frame: mainFrame as { url: string } | null };
  const ipcRenderer = {
    async invoke(channel: string, ...args: unknown[]) {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return handler({ sender: from.sender, senderFrame: from.frame }, ...args);
    },
    on(channel: string, listener: (event: unknown, payload: unknown) => void) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
    },
    removeListener(channel: string, listener: (event: unknown, payload: unknown) => void) {
      listeners.get(channel)?.delete(listener);
    },
  };
  const sink = {
    send(channel: string, payload: unknown) {
      // Structured clone, as Electron does: no shared references between main and page.
      for (const listener of listeners.get(channel) ?? []) listener({ sender: 'main' }, structuredClone(payload));
    },
  };
  return { handlers, ipcMain, ipcRenderer, sink, webContents, mainFrame, from };
}

/**
 * The approved surface of `window.airlock`: one function per contract operation, one `on<Event>`
 * per contract event (spelled out here independently of the adapter), and the shell's two
 * extras, `onFocusItem` and `saveExport`. Anything else appearing on the bridge fails this test.
 */
const APPROVED_BRIDGE = [
  ...queryNames,
  ...commandNames,
  ...eventNames.map((e) => `on${e.charAt(0).toUpperCase()}${e.slice(1)}`),
  'onFocusItem',
  'saveExport',
];

function rawWs(t: TestCore): Promise<{ ws: WebSocket; hello: { events: string[] }; send(op: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${t.ui.port}/api`, ['airlock.v1', `airlock.token.${t.ui.token}`]);
    let next = 1;
    const waiting = new Map<number, (value: never) => void>();
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.event === 'hello') {
        resolve({
          ws,
          hello: message.payload,
          send: (op, input) =>
            new Promise((done) => {
              const id = next++;
              waiting.set(id, done as (value: never) => void);
              ws.send(JSON.stringify({ id, op, input }));
            }),
        });
      } else if (typeof message.id === 'number') waiting.get(message.id)?.(message as never);
    });
    ws.on('error', reject);
  });
}

describe('contract adapters: Electron IPC and WebSocket from one map', () => {
  let t: TestCore;
  let electron: ReturnType<typeof fakeElectron>;
  let bridge: AirlockBridge;
  let ipc: ApiClient;
  let dispose: () => void;

  beforeEach(async () => {
    t = await startCore();
    electron = fakeElectron();
    const registered = registerIpcContract({
      ipcMain: electron.ipcMain,
      api: t.core.api,
      events: t.core.events,
      isTrustedSender: (event) => isTrustedSender(event, { webContents: electron.webContents, mainFrame: electron.mainFrame }, [APP_ORIGIN]),
      sink: () => electron.sink,
    });
    dispose = registered.dispose;
    bridge = buildBridge(electron.ipcRenderer);
    ipc = bridgeApi(bridge);
  });
  afterEach(async () => {
    dispose();
    await t.stop();
  });
  afterAll(cleanupHomes);

  it('the IPC adapter registers one handler per contract operation and nothing else', () => {
    expect([...electron.handlers.keys()].sort()).toEqual(operationNames.map(operationChannel).sort());
    expect([...operationNames].sort()).toEqual([...queryNames, ...commandNames].sort());
    dispose();
    expect(electron.handlers.size).toBe(0);
  });

  it('the preload bridge is exactly the approved named functions: no generic invoke or on', () => {
    expect(BRIDGE_NAME).toBe('airlock');
    expect(Object.keys(bridge)).toEqual(APPROVED_BRIDGE);
    expect(bridgeFunctionNames()).toEqual(APPROVED_BRIDGE);
    expect(new Set(APPROVED_BRIDGE).size).toBe(APPROVED_BRIDGE.length);
    for (const key of Object.keys(bridge)) expect(typeof (bridge as unknown as Record<string, unknown>)[key]).toBe('function');
    for (const forbidden of ['invoke', 'on', 'send', 'sendSync', 'ipcRenderer', 'require', 'process']) expect(bridge).not.toHaveProperty(forbidden);
    expect(Object.isFrozen(bridge)).toBe(true);
    // Every operation and every event of the contract is reachable, each through its own function.
    for (const op of operationNames) expect(APPROVED_BRIDGE).toContain(op);
    for (const event of eventNames) expect(APPROVED_BRIDGE).toContain(`on${event[0]!.toUpperCase()}${event.slice(1)}`);
  });

  it('both transports answer every contract operation, refuse others, and return the same views', async () => {
    const raw = await rawWs(t);
    try {
      for (const op of operationNames) {
        const { id: _id, ...viaWs } = (await raw.send(op, {})) as { id?: number; ok: boolean; value?: unknown; error?: { code: string; message: string } };
        const viaIpc = (await (bridge as unknown as Record<string, (input: unknown) => Promise<typeof viaWs>>)[op]!({})) as typeof viaWs;
        // Commands with required fields reject {} — but as invalid input to a known operation, the same way on both.
        expect(viaWs.error?.message ?? '').not.toMatch(/unknown operation/);
        expect(viaIpc.ok, op).toBe(viaWs.ok);
        // Successful answers may carry times (verifyLog's checkedAt); errors must match exactly.
        if (viaWs.ok) expect(Object.keys(viaIpc.value ?? {}).sort(), op).toEqual(Object.keys(viaWs.value ?? {}).sort());
        else expect(viaIpc, op).toEqual(viaWs);
      }
      expect(await raw.send('approveEverything', {})).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/unknown operation/) } });
      await expect(electron.ipcRenderer.invoke('airlock:op:approveEverything', {})).rejects.toThrow(/No handler/);
    } finally {
      raw.ws.close();
    }
    // Queries through the renderer's own clients agree.
    for (const query of ['status', 'pending', 'servers', 'rules'] as const) {
      expect(await ipc.call(query, {})).toEqual(await t.api.call(query, {}));
    }
  });

  it('both transports carry every contract event, with the same payload', async () => {
    const raw = await rawWs(t);
    try {
      expect([...raw.hello.events].sort()).toEqual([...eventNames].sort());
      const viaWs: Array<[string, unknown]> = [];
      const viaIpc: Array<[string, unknown]> = [];
      raw.ws.on('message', (data) => {
        const message = JSON.parse(String(data));
        // Events raised in one turn travel as one frame ({events: [...]}); single ones as {event, payload}.
        const events: Array<{ event: string; payload: unknown }> = Array.isArray(message.events) ? message.events : message.event ? [message] : [];
        for (const { event, payload } of events) if (event !== 'hello') viaWs.push([event, payload]);
      });
      for (const event of eventNames) ipc.on(event, (payload) => viaIpc.push([event, payload]));
      // A real command through the IPC bridge: the core's own events fan out to both.
      await ipc.call('pause', {});
      await waitFor(() => viaWs.some(([e]) => e === 'statusChanged') && viaIpc.some(([e]) => e === 'statusChanged'));
      expect((viaIpc.find(([e]) => e === 'statusChanged')![1] as { paused: boolean }).paused).toBe(true);
      // And every event name of the map, emitted by the core, reaches both sides.
      viaWs.length = 0;
      viaIpc.length = 0;
      for (const event of eventNames) t.core.events.emit(event as EventName, { probe: event } as never);
      await waitFor(() => viaWs.length >= eventNames.length && viaIpc.length >= eventNames.length);
      expect(viaIpc).toEqual(viaWs);
      expect(viaIpc.map(([e]) => e)).toEqual([...eventNames]);
      // Unsubscribing really stops delivery.
      const seen: unknown[] = [];
      const off = bridge.onStatusChanged((s) => seen.push(s));
      off();
      await ipc.call('resume', {});
      await waitFor(() => viaIpc.some(([e, p]) => e === 'statusChanged' && (p as { paused?: boolean }).paused === false));
      expect(seen).toEqual([]);
    } finally {
      raw.ws.close();
    }
  });

  it('refuses calls from anything but our window’s top frame on our origin, without touching state', async () => {
    const strangers: Array<{ sender: unknown; frame: { url: string } | null; who: string }> = [
      { who: 'an iframe of our window', sender: electron.webContents, frame: { url: `${APP_ORIGIN}/index.html` } },
      { who: 'another window', sender: { id: 2 }, frame: electron.mainFrame },
      { who: 'no frame (navigated away or destroyed)', sender: electron.webContents, frame: null },
    ];
    for (const stranger of strangers) {
      electron.from.sender = stranger.sender;
      electron.from.frame = stranger.frame;
      expect(await bridge.pause({}), stranger.who).toEqual(UNTRUSTED_SENDER);
      expect(await bridge.status({}), stranger.who).toEqual(UNTRUSTED_SENDER);
    }
    // Our own frame, after it navigated to a foreign origin.
    electron.from.sender = electron.webContents;
    electron.from.frame = electron.mainFrame;
    electron.mainFrame.url = 'https://evil.example/';
    expect(await bridge.pause({})).toEqual(UNTRUSTED_SENDER);
    electron.mainFrame.url = 'data:text/html,<script>1</script>';
    expect(await bridge.pause({})).toEqual(UNTRUSTED_SENDER);
    electron.mainFrame.url = 'app://other/index.html';
    expect(await bridge.pause({})).toEqual(UNTRUSTED_SENDER);
    expect(t.core.status().paused).toBe(false);
    // Back home: accepted.
    electron.mainFrame.url = `${APP_ORIGIN}/index.html`;
    expect(await bridge.status({})).toMatchObject({ ok: true, value: { paused: false } });
  });

  it('bad payloads on every channel get a typed error, never a crash or a state change', async () => {
    const before = JSON.stringify({ status: t.core.status(), servers: t.core.serverViews(), rules: t.core.settings.data.rules });
    const payloads: unknown[] = [
      null,
      [],
      [1, 2],
      'approve',
      42,
      Number.NaN,
      { __proto__: { id: 'x' } },
      JSON.parse('{"__proto__": {"polluted": true}, "id": "abc"}'),
      { constructor: { prototype: { polluted: true } } },
      { id: 'x'.repeat(100_000), hash: 'f'.repeat(64), scope: 'once' },
      { id: '../../etc/passwd', hash: '0'.repeat(64), scope: 'always' },
      { id: 'abc', hash: 'not-a-hash', scope: 'forever' },
      { server: -1 },
      { limit: -5 },
      { limit: 65536 },
      { extra: 'field' },
    ];
    for (const op of operationNames) {
      for (const payload of payloads) {
        const result = (await electron.ipcRenderer.invoke(operationChannel(op), payload)) as { ok: boolean; error?: { code: string } };
        if (!result.ok) expect(['invalid-input', 'not-found'], `${op} ${JSON.stringify(payload)?.slice(0, 60)}`).toContain(result.error!.code);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // pause/resume accept `{}`-like input only; none of the payloads above was an empty object, so nothing changed.
    expect(JSON.stringify({ status: t.core.status(), servers: t.core.serverViews(), rules: t.core.settings.data.rules })).toBe(before);
    // Event channels are main → page only: the page cannot invoke them.
    await expect(electron.ipcRenderer.invoke(eventChannel('pendingAdded'), {})).rejects.toThrow(/No handler/);
  });
});

describe('shell pieces that run without Electron', () => {
  afterAll(cleanupHomes);

  /** A stand-in for Electron's safeStorage: reversible, but only with this instance's secret. */
  function fakeSafeStorage(secret = 'keychain-1', available = true, backend = 'gnome_libsecret') {
    return {
      isEncryptionAvailable: () => available,
      getSelectedStorageBackend: () => backend,
      encryptString: (text: string) => Buffer.from(`${secret}:${Buffer.from(text).toString('base64')}`),
      decryptString: (sealed: Buffer) => {
        const [owner, body] = sealed.toString().split(':');
        if (owner !== secret) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
        return Buffer.from(body!, 'base64').toString();
      },
    };
  }

  it('the secret store key is sealed by the keychain: stable across restarts, unreadable without it', () => {
    const home = makeHome();
    const first = createKeyProvider(home, fakeSafeStorage());
    expect(first.provider.kind).toBe('safeStorage');
    expect(first.note).toBeUndefined();
    const key = first.provider.getKey();
    expect(key).toHaveLength(32);
    // The file on disk is the sealed form, never the key itself, and private to the user.
    const file = sealedKeyFile(home);
    expect(fs.readFileSync(file).includes(key)).toBe(false);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    // A restart unseals the same key.
    expect(createKeyProvider(home, fakeSafeStorage()).provider.getKey().equals(key)).toBe(true);
    // Another user's (or machine's) keychain cannot.
    expect(() => createKeyProvider(home, fakeSafeStorage('keychain-2')).provider.getKey()).toThrow(/cannot be unsealed/);
  });

  it('without a real keychain it says so and falls back to the key file', () => {
    const home = makeHome();
    const plain = createKeyProvider(home, fakeSafeStorage('k', true, 'basic_text'));
    expect(plain.provider.kind).toBe('file');
    expect(plain.note).toMatch(/keychain is not available.*basic_text/);
    expect(plain.provider.getKey()).toHaveLength(32);
    expect(createKeyProvider(home, fakeSafeStorage('k', false)).provider.kind).toBe('file');
  });

  it('app:// serves only files inside the renderer folder', () => {
    const root = '/opt/airlock/renderer';
    expect(resolveInside(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveInside(root, '/assets/index.js')).toBe(path.join(root, 'assets/index.js'));
    for (const escape of ['/../main.js', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../secrets.json', '/%E0%A4%A']) expect(resolveInside(root, escape), escape).toBeUndefined();
  });

  it('quitting with calls waiting asks first, and only "Quit and deny them" quits', () => {
    expect(quitDecision(0, () => 0)).toBe(true);
    const asked: string[] = [];
    expect(quitDecision(3, (o) => (asked.push(String(o.message)), 0))).toBe(false);
    expect(quitDecision(1, (o) => (asked.push(String(o.message)), 1))).toBe(true);
    expect(asked).toEqual(['3 calls are waiting for you.', '1 call is waiting for you.']);
    expect(quitPrompt(2).buttons).toEqual(['Keep Airlock running', 'Quit and deny them']);
  });

  it('notifications show hidden characters as marks and bound the length', () => {
    const text = notificationText({
      kind: 'call',
      id: 'x',
      hash: '0'.repeat(64),
      method: 'tools/call',
      server: 'demo',
      target: 'send\u200Bemail\u001b[2J',
      host: { name: 'claude\u202Ecode', version: '1', session: 's', transport: 'stdio' },
      arguments: {},
      secrets: [],
      resources: [{ kind: 'path', raw: 'x', resolved: '/tmp/'.padEnd(400, 'a'), pointer: '/path' }],
      operation: { claimed: 'write', assessed: 'write', effective: 'write', reasons: [] },
      authority: { kind: 'local', command: 'node', args: [], cwd: '/', envNames: [] },
      receivedAt: 0,
      holdDeadline: 0,
      expired: false,
    });
    expect(text.title).toBe('demo wants to run send⟨ZWSP⟩email⟨ESC⟩[2J');
    expect(text.body).toContain('claude⟨RLO⟩code');
    expect(text.body.length).toBeLessThan(200);
  });
});
