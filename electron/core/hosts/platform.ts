import fs from 'node:fs';
import path from 'node:path';
import type { HostEnv } from './types';

/** Path functions of the platform being described (win32 paths are computed correctly on Linux too). */
export function pathOf(env: HostEnv): path.PlatformPath {
  return env.platform === 'win32' ? path.win32 : path.posix;
}

export function join(env: HostEnv, ...parts: string[]): string {
  return pathOf(env).join(...parts);
}

/** %APPDATA% on Windows. */
export function appData(env: HostEnv): string {
  return env.env.APPDATA ?? join(env, env.home, 'AppData', 'Roaming');
}

/** $XDG_CONFIG_HOME, else ~/.config. */
export function xdgConfig(env: HostEnv): string {
  return env.env.XDG_CONFIG_HOME ?? join(env, env.home, '.config');
}

/** The per-user application data folder Electron apps (Claude, VS Code) use on each platform. */
export function appSupport(env: HostEnv): string {
  if (env.platform === 'darwin') return join(env, env.home, 'Library', 'Application Support');
  if (env.platform === 'win32') return appData(env);
  return xdgConfig(env);
}

export function exists(file: string): boolean {
  try {
    fs.statSync(file);
    return true;
  } catch {
    return false;
  }
}

export function isDir(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Sub-folders of a folder (empty when it does not exist). */
export function subdirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}
