import { isDir, join } from './platform';
import { location } from './location';
import type { ConfigLocation, HostDefinition } from './types';

/** Cursor: `~/.cursor/mcp.json` and `<project>/.cursor/mcp.json`, `mcpServers`, `${env:…}`-style variables. */
export const cursor: HostDefinition = {
  id: 'cursor',
  name: 'Cursor',
  http: { urlKey: 'url', headersKey: 'headers', type: 'if-present' },
  installed: (env) => isDir(join(env, env.home, '.cursor')),
  locations(env, projects) {
    const base = { host: 'cursor' as const, format: 'jsonc' as const, interpolation: 'cursor' as const };
    const out: ConfigLocation[] = [location({ ...base, file: join(env, env.home, '.cursor', 'mcp.json') })];
    for (const project of projects) out.push(location({ ...base, file: join(env, project, '.cursor', 'mcp.json'), scope: 'project', project }));
    return out;
  },
};
