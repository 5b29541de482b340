/**
 * The contract carried over Electron IPC, derived from the one map in `shared/contract.ts`.
 *
 * Main side: one `ipcMain.handle` per query and command, each checking its sender before anything
 * reaches the core. Preload side: one NAMED function per operation and one `on<Event>` per event —
 * never a generic invoke(channel) or on(channel), so a compromised page cannot reach channels we
 * did not mean to expose. Nothing here imports `electron`: both halves take an ipc-like object, so
 * the adapters run under plain Node in tests.
 */
import { eventNames, operationNames, type CoreApi, type EventName, type EventPayload, type InputOf, type OperationName } from '../../shared/contract';
import { dispatch, type DispatchResult } from '../core/api-dispatch';

/** The name of the object the preload puts on `window`. */
export const BRIDGE_NAME = 'airlock';

export function operationChannel(name: OperationName): string {
  return `airlock:op:${name}`;
}

export function eventChannel(name: EventName): string {
  return `airlock:event:${name}`;
}

/** Shell → window messages that are not part of the core contract. */
export const SHELL_CHANNELS = {
  /** A notification was clicked: show this pending item. */
  focusItem: 'airlock:shell:focus-item',
  /** The window asks the shell to save an exported history view through the system dialog. */
  saveExport: 'airlock:shell:save-export',
} as const;

export type EventListenerName<E extends EventName> = `on${Capitalize<E>}`;

export function listenerNameOf<E extends EventName>(event: E): EventListenerName<E> {
  return `on${event[0]!.toUpperCase()}${event.slice(1)}` as EventListenerName<E>;
}

type OperationFunctions = { [N in OperationName]: (input: InputOf<N>) => Promise<DispatchResult> };
type EventFunctions = { [E in EventName as EventListenerName<E>]: (listener: (payload: EventPayload<E>) => void) => () => void };
interface ShellFunctions {
  /** The shell asks the window to show one pending item (a notification was clicked). */
  onFocusItem(listener: (id: string) => void): () => void;
  /** Saves an exported view where the person chooses (the shell allows no downloads). */
  saveExport(document: { filename: string; content: string }): Promise<{ saved: true; path: string } | { saved: false; reason: string }>;
}

/** Exactly what the page sees as `window.airlock`. */
export type AirlockBridge = OperationFunctions & EventFunctions & ShellFunctions;

/** The approved surface, in a stable order: used by the preload and asserted by the tests. */
export function bridgeFunctionNames(): string[] {
  return [...operationNames, ...eventNames.map((e) => listenerNameOf(e)), 'onFocusItem', 'saveExport'];
}

// ── preload side ───────────────────────────────────────────────────────────

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

function subscribe(ipc: IpcRendererLike, channel: string, listener: (payload: never) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  // The IPC event object (with its `sender`) never reaches the page; only the payload does.
  const wrapped = (_event: unknown, payload: unknown) => listener(payload as never);
  ipc.on(channel, wrapped);
  return () => void ipc.removeListener(channel, wrapped);
}

/** Builds the preload bridge: every function is bound to one fixed channel. */
export function buildBridge(ipc: IpcRendererLike): AirlockBridge {
  const bridge: Record<string, unknown> = {};
  for (const name of operationNames) {
    const channel = operationChannel(name);
    bridge[name] = (input: unknown) => ipc.invoke(channel, input ?? {}) as Promise<DispatchResult>;
  }
  for (const event of eventNames) {
    const channel = eventChannel(event);
    bridge[listenerNameOf(event)] = (listener: (payload: never) => void) => subscribe(ipc, channel, listener);
  }
  bridge.onFocusItem = (listener: (id: string) => void) => subscribe(ipc, SHELL_CHANNELS.focusItem, listener as (payload: never) => void);
  bridge.saveExport = (document: unknown) => ipc.invoke(SHELL_CHANNELS.saveExport, document);
  return Object.freeze(bridge) as unknown as AirlockBridge;
}

// ── main side ──────────────────────────────────────────────────────────────

/** What a handler receives from `ipcMain.handle`; only the parts the sender check needs. */
export interface IpcInvokeEventLike {
  sender: unknown;
  senderFrame?: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, handler: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface EventSink {
  send(channel: string, payload: unknown): void;
}

export interface IpcContractOptions {
  ipcMain: IpcMainLike;
  api: CoreApi;
  events: { onAny(listener: (event: EventName, payload: unknown) => void): () => void };
  /** True only for our own window's top frame on our own origin. */
  isTrustedSender(event: IpcInvokeEventLike): boolean;
  /** Where events go (our window's webContents), or undefined while there is no window. */
  sink(): EventSink | undefined;
}

export const UNTRUSTED_SENDER: DispatchResult = {
  ok: false,
  error: { code: 'unavailable', message: 'refused: this frame may not talk to Airlock' },
};

/** Registers one handler per contract operation and forwards every contract event to the window. */
export function registerIpcContract(options: IpcContractOptions): { channels: string[]; dispose(): void } {
  const channels: string[] = [];
  for (const name of operationNames) {
    const channel = operationChannel(name);
    options.ipcMain.handle(channel, async (event, input) => {
      if (!options.isTrustedSender(event)) return UNTRUSTED_SENDER;
      return dispatch(options.api, name, input);
    });
    channels.push(channel);
  }
  const unsubscribe = options.events.onAny((event, payload) => options.sink()?.send(eventChannel(event), payload));
  return {
    channels,
    dispose() {
      unsubscribe();
      for (const channel of channels) options.ipcMain.removeHandler(channel);
    },
  };
}
