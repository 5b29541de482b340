/**
 * The desktop app's main process: hosts the Airlock core (the same one `airlock serve` runs),
 * its control socket, and a thin shell around it — one hardened window, a tray, notifications.
 * The window talks to the core only through the contract, over IPC; the core never imports
 * Electron.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, ipcMain, protocol, safeStorage, session, shell, type BrowserWindow } from 'electron';
import type { PendingItem } from '../shared/types';
import { startControlServer } from './core/control-server';
import { startIngressIfWanted } from './core/ingress/start';
import { Core } from './core/core';
import { nodeLauncher } from './core/hosts/launcher';
import { CoreAlreadyRunning } from './core/lock';
import { defaultHome } from './core/paths';
import { registerIpcContract, SHELL_CHANNELS } from './shell/contract-ipc';
import { PendingNotifications } from './shell/notifications';
import { Preferences } from './shell/preferences';
import { APP_INDEX_URL, APP_ORIGIN, registerAppScheme, serveRenderer } from './shell/protocol';
import { quitDecision } from './shell/quit';
import { createKeyProvider } from './shell/safe-storage-key';
import { saveExport } from './shell/save-export';
import { hardenApp } from './shell/security';
import { isTrustedSender, originOf } from './shell/sender';
import { AirlockTray } from './shell/tray';
import { createMainWindow, showWindow } from './shell/window';

// Set by electron-forge's Vite plugin at build time.
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

const here = path.dirname(fileURLToPath(import.meta.url));
const devServerUrl = typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' && !app.isPackaged ? MAIN_WINDOW_VITE_DEV_SERVER_URL : undefined;
const allowedOrigins = [APP_ORIGIN, ...(devServerUrl ? [originOf(devServerUrl)!] : [])];
const assetsDir = app.isPackaged ? path.join(process.resourcesPath, 'assets') : path.join(app.getAppPath(), 'assets');

/**
 * The CLI that protected host entries run (`node <this> connect <name>`). Packaged, it is one
 * self-contained script outside the asar (forge.config.ts `extraResource`), because a system Node
 * cannot read inside app.asar and this binary cannot act as Node (RunAsNode fuse off; see
 * electron/core/hosts/launcher.ts#nodeLauncher). Unpackaged, it is the checkout's build.
 */
function desktopCliScript(): string {
  return app.isPackaged ? path.join(process.resourcesPath, 'cli', 'airlock.mjs') : path.join(app.getAppPath(), 'dist', 'cli', 'airlock.mjs');
}

registerAppScheme(protocol);
app.setName('Airlock');

// One app, one core: a second launch just brings the first window forward.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  let quitting = false;
  let window: BrowserWindow | undefined;
  app.on('second-instance', () => showWindow(window));

  await app.whenReady();
  hardenApp(app, session.defaultSession, allowedOrigins, devServerUrl);
  serveRenderer(protocol, path.join(here, `../renderer/${MAIN_WINDOW_VITE_NAME}`));

  const home = defaultHome();
  // The secret store's key and the settings/pins MAC come from the OS keychain here (headless, the core uses a key file).
  const keys = createKeyProvider(home, safeStorage);
  if (keys.note) console.warn(`Airlock: ${keys.note}`);
  let core: Core;
  try {
    // openExternal: a login started in the window opens the system browser (the core validated the URL).
    core = new Core({ home, keyProvider: keys.provider, openExternal: (url) => shell.openExternal(url.href), hosts: { launcher: nodeLauncher({ cliScript: desktopCliScript(), airlockHome: home }) } });
  } catch (error) {
    const detail = error instanceof CoreAlreadyRunning ? `${error.message}\n\nStop \`airlock serve\` (or the other Airlock) and open the app again.` : (error as Error).message;
    dialog.showErrorBox('Airlock cannot start', detail);
    app.exit(1);
    return;
  }

  const control = await startControlServer(core);
  // Hosts that speak HTTP (Claude Code, Cursor, VS Code…) connect here with a host token.
  const ingress = await startIngressIfWanted(core, undefined, (line) => console.warn(`Airlock: ${line}`));
  // Drift alerts: host config files changed behind Airlock's back.
  core.hosts.startWatching();
  const preferences = new Preferences();

  const ipc = registerIpcContract({
    ipcMain,
    api: core.api,
    events: core.events,
    isTrustedSender: (event) => isTrustedSender(event, window && !window.isDestroyed() ? { webContents: window.webContents, mainFrame: window.webContents.mainFrame } : undefined, allowedOrigins),
    sink: () => (window && !window.isDestroyed() ? window.webContents : undefined),
  });

  // History exports: the page hands over the document, the person picks where it goes.
  ipcMain.handle(SHELL_CHANNELS.saveExport, async (event, document) => {
    if (!isTrustedSender(event, window && !window.isDestroyed() ? { webContents: window.webContents, mainFrame: window.webContents.mainFrame } : undefined, allowedOrigins)) {
      return { saved: false, reason: 'refused: this frame may not talk to Airlock' };
    }
    return saveExport(document, { showSaveDialog: (options) => dialog.showSaveDialog(window!, options) }, app.getPath('downloads'));
  });

  const open = (id?: string) => {
    if (!window || window.isDestroyed()) window = makeWindow();
    showWindow(window);
    if (id) window.webContents.send(SHELL_CHANNELS.focusItem, id);
  };
  const makeWindow = () =>
    createMainWindow({
      preload: path.join(here, 'preload.cjs'),
      icon: path.join(assetsDir, 'icon.png'),
      url: devServerUrl ?? APP_INDEX_URL,
      preferences,
      devTools: !app.isPackaged,
      isQuitting: () => quitting,
    });
  window = makeWindow();

  const tray = new AirlockTray({
    assetsDir,
    onShow: () => open(),
    onPause: () => core.pause('tray'),
    onResume: () => core.resume('tray'),
    onQuit: () => app.quit(),
  });
  const refreshTray = () => {
    const status = core.status();
    tray.update({ pending: status.pendingCount, paused: status.paused });
    app.setBadgeCount(status.pendingCount);
  };
  core.events.on('statusChanged', refreshTray);
  refreshTray();

  const notifications = new PendingNotifications((id) => open(id), () => preferences.notifications);
  core.events.on('pendingAdded', (item: PendingItem) => {
    // A person already looking at the window sees the card; the OS does not need to shout.
    if (!window?.isFocused()) notifications.added(item);
  });
  core.events.on('pendingRemoved', ({ id }) => notifications.removed(id));

  // Quitting denies what is waiting, so ask first when anything is.
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    const decision = quitDecision(core.queue.size, (options) => dialog.showMessageBoxSync(window && !window.isDestroyed() ? window : undefined!, options));
    if (!decision) return;
    quitting = true;
    void (async () => {
      ipc.dispose();
      ipcMain.removeHandler(SHELL_CHANNELS.saveExport);
      control.close();
      await ingress?.close();
      tray.destroy();
      await core.stop();
      app.exit(0);
    })();
  });
  // Closing the last window is not quitting: the core keeps holding calls in the tray.
  app.on('window-all-closed', () => {});
  app.on('activate', () => open());
}
