import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { AirlockBridge } from '../../electron/shell/contract-ipc';
import { App } from './App';
import { detectTransport, openConnection, type Transport } from './api/connection';
import { actions, attach, detach, useAirlock, type Screen } from './state/store';
import { setStreamingExport } from './history/download';
import { attachHosts } from './state/hosts';
import './styles.css';

const SCREENS: Screen[] = ['pending', 'servers', 'hosts', 'history'];

/**
 * The screen (and the selected card) live in the fragment — #/servers, #/pending/<id> — so each
 * card is addressable, and reloads and the back button keep the place.
 */
function syncScreenWithLocation(): void {
  const fromHash = () => {
    const [name, id] = window.location.hash.replace(/^#\/?/, '').split('/') as [Screen, string | undefined];
    if (SCREENS.includes(name)) actions.show(name);
    if (name === 'pending' && id) actions.select(decodeURIComponent(id));
  };
  fromHash();
  window.addEventListener('hashchange', fromHash);
  useAirlock.subscribe((state, previous) => {
    if (state.screen === previous.screen && state.selectedId === previous.selectedId) return;
    const target = state.screen === 'pending' && state.selectedId ? `#/pending/${encodeURIComponent(state.selectedId)}` : `#/${state.screen}`;
    if (window.location.hash !== target) window.history.replaceState(null, '', target);
  });
}

/** Connects, and in browser mode reconnects with the in-memory token when the socket drops. */
async function run(transport: Exclude<Transport, { mode: 'none' }>): Promise<void> {
  let delay = 500;
  for (;;) {
    try {
      const connection = await openConnection(transport);
      const closed = new Promise<void>((resolve) => connection.onClose(resolve));
      attachHosts(connection.api);
      await attach(connection.api);
      delay = 500;
      if (transport.mode === 'desktop') return;
      await closed;
      detach('lost');
    } catch (error) {
      // Never connected: say so at once (a wrong or stale address is the usual cause) but keep trying.
      const neverConnected = ['connecting', 'unavailable'].includes(useAirlock.getState().connection);
      if (neverConnected) {
        const reason = (error as Error).message.replace(/^./, (c) => c.toUpperCase());
        detach('unavailable', `${reason}. The address may be stale or its one-time key wrong: open the address Airlock printed when it started, or run \`airlock serve\` for a new one.`);
      } else {
        detach('lost', `${(error as Error).message}. Retrying…`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 8000);
  }
}

function start(): void {
  const transport = detectTransport(window as Window & { airlock?: AirlockBridge });
  syncScreenWithLocation();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  if (transport.mode === 'none') {
    detach('unavailable', transport.reason);
    return;
  }
  if (transport.mode === 'browser') setStreamingExport({ baseUrl: transport.baseUrl, token: transport.token });
  if (transport.mode === 'desktop') {
    transport.bridge.onFocusItem((id) => {
      actions.show('pending');
      actions.select(id);
    });
  }
  void run(transport);
}

start();
