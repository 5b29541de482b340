import { exists, isDir, join } from './platform';
import { location } from './location';
import type { ConfigLocation, HostDefinition } from './types';

/** Windsurf: `~/.codeium/windsurf/mcp_config.json` (some builds `~/.codeium/mcp_config.json`), `mcpServers`; remote uses `serverUrl`. */
export const windsurf: HostDefinition = {
  id: 'windsurf',
  name: 'Windsurf',
  http: { urlKey: 'serverUrl', headersKey: 'headers', type: 'if-present' },
  installed: (env) => isDir(join(env, env.home, '.codeium', 'windsurf')),
  locations(env) {
    const base = { host: 'windsurf' as const, interpolation: 'windsurf' as const };
    const out: ConfigLocation[] = [location({ ...base, file: join(env, env.home, '.codeium', 'windsurf', 'mcp_config.json') })];
    const older = join(env, env.home, '.codeium', 'mcp_config.json');
    if (exists(older)) out.push(location({ ...base, file: older }));
    return out;
  },
};
