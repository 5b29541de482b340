import { appData, isDir, join, xdgConfig } from './platform';
import { location } from './location';
import type { HostDefinition, HostEnv } from './types';

/** Zed: `settings.json` (JSONC) → `context_servers`; `~/.config/zed` on macOS and Linux, `%APPDATA%\Zed` on Windows. */
function configDir(env: HostEnv): string {
  if (env.platform === 'win32') return join(env, appData(env), 'Zed');
  if (env.platform === 'darwin') return join(env, env.home, '.config', 'zed');
  return join(env, xdgConfig(env), 'zed');
}

export const zed: HostDefinition = {
  id: 'zed',
  name: 'Zed',
  http: { urlKey: 'url', headersKey: 'headers', type: 'if-present' },
  installed: (env) => isDir(configDir(env)),
  locations: (env) => [
    location({ host: 'zed', file: join(env, configDir(env), 'settings.json'), format: 'jsonc', shape: 'zed', container: ['context_servers'] }),
  ],
};
