import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/** Where Airlock keeps its state: AIRLOCK_HOME, else the platform's app-data folder (as Electron's userData). */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.AIRLOCK_HOME) return path.resolve(env.AIRLOCK_HOME);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Airlock');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Airlock');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Airlock');
}

export interface AirlockPaths {
  home: string;
  settings: string;
  pins: string;
  lock: string;
  runDir: string;
  socket: string;
  auditDir: string;
  logsDir: string;
}

/**
 * The control socket lives in its own 0700 folder. Unix socket paths are limited to ~104 bytes,
 * so a long home falls back to a short, per-home path under the temp folder (still 0700).
 * Windows uses a named pipe derived from the home path.
 */
export function pathsFor(home: string, platform: NodeJS.Platform = process.platform): AirlockPaths {
  const runDir = path.join(home, 'run');
  let socket = path.join(runDir, 'airlock.sock');
  const digest = createHash('sha256').update(home).digest('hex').slice(0, 16);
  if (platform === 'win32') socket = `\\\\.\\pipe\\airlock-${digest}`;
  else if (Buffer.byteLength(socket) > 100) socket = path.join(os.tmpdir(), `airlock-${digest}`, 'airlock.sock');
  return {
    home,
    settings: path.join(home, 'settings.json'),
    pins: path.join(home, 'pins.json'),
    lock: path.join(runDir, 'core.lock'),
    runDir,
    socket,
    auditDir: path.join(home, 'audit'),
    logsDir: path.join(home, 'logs'),
  };
}
