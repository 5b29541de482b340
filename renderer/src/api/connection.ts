/**
 * Picks the transport: the preload bridge inside Electron, the loopback WebSocket in a browser.
 * In a browser the per-launch token arrives in the URL fragment; it is read once, removed from the
 * address bar (so it is not left on screen or in history) and kept only in memory.
 */
import type { ApiClient } from '../../../shared/contract';
import type { AirlockBridge } from '../../../electron/shell/contract-ipc';
import { bridgeApi } from './bridge-client';
import { connectWsApi, type SocketLike } from './ws-client';

export interface Connection {
  api: ApiClient;
  mode: 'desktop' | 'browser';
  /** Called once when the transport drops (browser mode; the desktop bridge lives as long as the window). */
  onClose(listener: () => void): void;
  close(): void;
}

export type Transport =
  | { mode: 'desktop'; bridge: AirlockBridge }
  | { mode: 'browser'; baseUrl: string; token: string }
  | { mode: 'none'; reason: string };

/** Removes `token=…` from the fragment and returns it; leaves any route (`#/servers`) in place. */
export function takeTokenFromLocation(win: Pick<Window, 'location' | 'history'>): string | undefined {
  const hash = win.location.hash.replace(/^#/, '');
  const match = hash.match(/(?:^|[&/])token=([A-Za-z0-9_-]+)/);
  if (!match) return undefined;
  const rest = hash.replace(match[0], '').replace(/^[&/]+/, '');
  win.history.replaceState(null, '', `${win.location.pathname}${win.location.search}${rest ? `#${rest}` : ''}`);
  return match[1];
}

export function detectTransport(win: Window & { airlock?: AirlockBridge }): Transport {
  if (win.airlock) return { mode: 'desktop', bridge: win.airlock };
  const token = takeTokenFromLocation(win);
  if (!token) {
    return {
      mode: 'none',
      reason: 'This page needs the address Airlock printed when it started (it carries a one-time key). Open that link again, or run `airlock serve` for a new one.',
    };
  }
  return { mode: 'browser', baseUrl: win.location.origin, token };
}

export async function openConnection(transport: Exclude<Transport, { mode: 'none' }>): Promise<Connection> {
  if (transport.mode === 'desktop') {
    return { api: bridgeApi(transport.bridge), mode: 'desktop', onClose: () => {}, close: () => {} };
  }
  const ws = await connectWsApi(transport.baseUrl, transport.token, (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike);
  return { api: ws, mode: 'browser', onClose: (listener) => ws.onClose(listener), close: () => ws.close() };
}
