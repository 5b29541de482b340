/** Window state and preferences, kept with electron-store (a JSON file in userData). */
import Store from 'electron-store';

export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized: boolean;
}

interface Schema {
  window: WindowState;
  /** Show an OS notification for each new pending call. */
  notifications: boolean;
}

const DEFAULTS: Schema = { window: { width: 1180, height: 820, maximized: false }, notifications: true };

export class Preferences {
  private readonly store = new Store<Schema>({ name: 'preferences', defaults: DEFAULTS, clearInvalidConfig: true });

  windowState(): WindowState {
    const value = this.store.get('window');
    const ok = (n: unknown, min: number) => typeof n === 'number' && Number.isFinite(n) && n >= min;
    return {
      width: ok(value?.width, 720) ? value.width : DEFAULTS.window.width,
      height: ok(value?.height, 480) ? value.height : DEFAULTS.window.height,
      ...(Number.isFinite(value?.x) ? { x: value.x } : {}),
      ...(Number.isFinite(value?.y) ? { y: value.y } : {}),
      maximized: value?.maximized === true,
    };
  }

  setWindowState(state: WindowState): void {
    this.store.set('window', state);
  }

  get notifications(): boolean {
    return this.store.get('notifications') !== false;
  }
}
