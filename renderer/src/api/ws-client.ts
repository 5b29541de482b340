import type { ApiClient, ApiError, EventName, EventPayload, InputOf, OperationName, OutputOf } from '../../../shared/contract';

/** The subset of the WebSocket API the client needs: the browser's WebSocket and the `ws` package both fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: (event: unknown) => void): void;
}

export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

export class ApiCallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

/**
 * The contract over a WebSocket (browser mode). The token travels as a subprotocol, because a
 * browser cannot set headers on a WebSocket and query strings end up in logs.
 */
export function connectWsApi(
  baseUrl: string,
  token: string,
  createSocket: SocketFactory,
): Promise<ApiClient & { close(): void; onClose(listener: () => void): void }> {
  const url = `${baseUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/api`;
  const socket = createSocket(url, ['airlock.v1', `airlock.token.${token}`]);
  let nextId = 1;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const closeListeners = new Set<() => void>();

  socket.addEventListener('message', (event) => {
    let message: { id?: number; ok?: boolean; value?: unknown; error?: ApiError; event?: string; payload?: unknown; events?: Array<{ event: string; payload: unknown }> };
    try {
      message = JSON.parse(String(event.data));
    } catch {
      return;
    }
    const events = Array.isArray(message.events) ? message.events : typeof message.event === 'string' ? [{ event: message.event, payload: message.payload }] : undefined;
    if (events) {
      for (const { event: name, payload } of events) for (const listener of listeners.get(name) ?? []) listener(payload);
      return;
    }
    const pending = typeof message.id === 'number' ? waiting.get(message.id) : undefined;
    if (!pending) return;
    waiting.delete(message.id!);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new ApiCallError(message.error ?? { code: 'internal', message: 'unknown error' }));
  });
  socket.addEventListener('close', () => {
    for (const { reject } of waiting.values()) reject(new Error('connection to Airlock closed'));
    waiting.clear();
    for (const listener of closeListeners) listener();
  });

  const client = {
    call<N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> {
      const id = nextId++;
      return new Promise<OutputOf<N>>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
        socket.send(JSON.stringify({ id, op: name, input }));
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    close: () => socket.close(),
    onClose: (listener: () => void) => void closeListeners.add(listener),
  };

  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(client));
    socket.addEventListener('error', () => reject(new Error(`cannot reach Airlock at ${url}`)));
    socket.addEventListener('close', () => reject(new Error(`Airlock refused the connection at ${url}`)));
  });
}
