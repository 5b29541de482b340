import { isDir, join } from './platform';
import { location } from './location';
import type { ConfigLocation, HostDefinition } from './types';

/** Gemini CLI: `~/.gemini/settings.json` and `<project>/.gemini/settings.json`, `mcpServers` with `cwd`; `$VAR` expansion. */
export const geminiCli: HostDefinition = {
  id: 'gemini-cli',
  name: 'Gemini CLI',
  http: { urlKey: 'httpUrl', headersKey: 'headers', type: 'if-present' },
  installed: (env) => isDir(join(env, env.home, '.gemini')),
  locations(env, projects) {
    const base = { host: 'gemini-cli' as const, format: 'jsonc' as const, interpolation: 'gemini' as const };
    const out: ConfigLocation[] = [location({ ...base, file: join(env, env.home, '.gemini', 'settings.json') })];
    for (const project of projects) out.push(location({ ...base, file: join(env, project, '.gemini', 'settings.json'), scope: 'project', project }));
    return out;
  },
};
