import { appSupport, isDir, join } from './platform';
import { location } from './location';
import type { HostDefinition, HostEnv } from './types';

/** Claude Desktop: `claude_desktop_config.json`, `mcpServers`, stdio only, no variable expansion. */
function configDir(env: HostEnv): string {
  // Linux has no official build; community builds use ~/.config/Claude like the Electron default.
  return join(env, appSupport(env), 'Claude');
}

export const claudeDesktop: HostDefinition = {
  id: 'claude-desktop',
  name: 'Claude Desktop',
  installed: (env) => isDir(configDir(env)),
  locations: (env) => [location({ host: 'claude-desktop', file: join(env, configDir(env), 'claude_desktop_config.json') })],
};
