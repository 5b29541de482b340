/** The tray icon: how many calls wait, at a glance; the menu to show the window, pause, or quit. */
import { Menu, nativeImage, Tray, type NativeImage } from 'electron';
import path from 'node:path';

export interface TrayState {
  pending: number;
  paused: boolean;
}

export interface TrayOptions {
  assetsDir: string;
  onShow(): void;
  onPause(): void;
  onResume(): void;
  onQuit(): void;
}

export function trayTitle(state: TrayState): string {
  if (state.paused) return 'Airlock — paused: every call is refused';
  if (state.pending === 0) return 'Airlock — nothing waiting';
  return `Airlock — ${state.pending} call${state.pending === 1 ? '' : 's'} waiting for you`;
}

export class AirlockTray {
  private readonly tray: Tray;
  private readonly images: Record<'idle' | 'pending' | 'paused', NativeImage>;
  private state: TrayState = { pending: 0, paused: false };

  constructor(private readonly options: TrayOptions) {
    const load = (name: string) => {
      const image = nativeImage.createFromPath(path.join(options.assetsDir, `${name}.png`));
      // macOS tints template images for light and dark menu bars.
      if (process.platform === 'darwin') image.setTemplateImage(true);
      return image;
    };
    this.images = { idle: load('tray'), pending: load('tray-pending'), paused: load('tray-paused') };
    this.tray = new Tray(this.images.idle);
    this.tray.on('click', () => options.onShow());
    this.update(this.state);
  }

  update(state: TrayState): void {
    this.state = state;
    this.tray.setImage(state.paused ? this.images.paused : state.pending > 0 ? this.images.pending : this.images.idle);
    this.tray.setToolTip(trayTitle(state));
    // macOS shows the count beside the icon; elsewhere the tooltip and icon carry it.
    if (process.platform === 'darwin') this.tray.setTitle(state.pending > 0 ? String(state.pending) : '');
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: state.pending > 0 ? `Show ${state.pending} waiting` : 'Show Airlock', click: () => this.options.onShow() },
        { type: 'separator' },
        state.paused ? { label: 'Resume', click: () => this.options.onResume() } : { label: 'Pause all', click: () => this.options.onPause() },
        { type: 'separator' },
        { label: 'Quit Airlock', click: () => this.options.onQuit() },
      ]),
    );
  }

  destroy(): void {
    this.tray.destroy();
  }
}
