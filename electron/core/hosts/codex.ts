import { isPlainObject } from '../../../shared/jsonrpc';
import { isDir, join } from './platform';
import { location } from './location';
import { readHostFile } from './host-file';
import { parseTomlDoc } from './toml-doc';
import type { ConfigLocation, HostDefinition, HostEnv } from './types';

/** Codex: `$CODEX_HOME/config.toml` (default `~/.codex`), `[mcp_servers.<name>]` tables; trusted projects may have `.codex/config.toml`. */
function codexHome(env: HostEnv): string {
  return env.env.CODEX_HOME ?? join(env, env.home, '.codex');
}

function trustedProjects(env: HostEnv): string[] {
  try {
    const snapshot = readHostFile(join(env, codexHome(env), 'config.toml'));
    if (!snapshot) return [];
    const projects = parseTomlDoc(snapshot.text, snapshot.file).projects;
    return isPlainObject(projects) ? Object.keys(projects) : [];
  } catch {
    return [];
  }
}

export const codex: HostDefinition = {
  id: 'codex',
  name: 'Codex',
  http: { urlKey: 'url', headersKey: 'http_headers', type: 'if-present' },
  installed: (env) => isDir(codexHome(env)),
  knownProjects: trustedProjects,
  locations(env, projects) {
    const base = { host: 'codex' as const, format: 'toml' as const, shape: 'codex' as const, container: ['mcp_servers'], where: '[mcp_servers]' };
    const out: ConfigLocation[] = [location({ ...base, file: join(env, codexHome(env), 'config.toml') })];
    for (const project of projects) out.push(location({ ...base, file: join(env, project, '.codex', 'config.toml'), scope: 'project', project }));
    return out;
  },
};
