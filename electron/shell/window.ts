/** The one approval window: hardened webPreferences, remembered bounds, hidden (not closed) on close. */
import { BrowserWindow, nativeTheme, screen } from 'electron';
import type { Preferences, WindowState } from './preferences';

export interface WindowOptions {
  preload: string;
  icon?: string;
  url: string;
  preferences: Preferences;
  devTools: boolean;
  /** Returns true while the app is really quitting; until then closing only hides. */
  isQuitting(): boolean;
}

function visibleOnSomeDisplay(state: WindowState): boolean {
  if (state.x === undefined || state.y === undefined) return false;
  return screen.getAllDisplays().some(({ workArea: a }) => state.x! >= a.x - 50 && state.y! >= a.y - 50 && state.x! < a.x + a.width && state.y! < a.y + a.height);
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const state = options.preferences.windowState();
  const win = new BrowserWindow({
    width: state.width,
    height: state.height,
    ...(visibleOnSomeDisplay(state) ? { x: state.x, y: state.y } : {}),
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Airlock',
    ...(options.icon ? { icon: options.icon } : {}),
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#101317' : '#f4f5f7',
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: options.devTools,
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  const remember = () => {
    if (win.isDestroyed() || win.isMinimized()) return;
    const bounds = win.getNormalBounds();
    options.preferences.setWindowState({ ...bounds, maximized: win.isMaximized() });
  };
  win.on('resized', remember);
  win.on('moved', remember);
  win.on('close', (event) => {
    remember();
    // The core keeps holding calls while the window is away; the tray brings it back.
    if (!options.isQuitting()) {
      event.preventDefault();
      win.hide();
    }
  });
  void win.loadURL(options.url);
  return win;
}

export function showWindow(win: BrowserWindow | undefined): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
