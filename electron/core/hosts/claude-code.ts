import { isPlainObject } from '../../../shared/jsonrpc';
import { exists, isDir, join } from './platform';
import { location } from './location';
import { readHostFile } from './host-file';
import { parseJsonDoc } from './json-doc';
import type { ConfigLocation, HostDefinition, HostEnv } from './types';

/**
 * Claude Code keeps three scopes: user (`~/.claude.json` top-level `mcpServers`), local
 * (`~/.claude.json` → `projects["<abs path>"].mcpServers`, private to this user) and project
 * (`<project>/.mcp.json`, checked in). `CLAUDE_CONFIG_DIR` moves the file.
 */
export function claudeJson(env: HostEnv): string {
  const dir = env.env.CLAUDE_CONFIG_DIR;
  return dir ? join(env, dir, '.claude.json') : join(env, env.home, '.claude.json');
}

function projectKeys(env: HostEnv): string[] {
  try {
    const snapshot = readHostFile(claudeJson(env));
    if (!snapshot) return [];
    const projects = parseJsonDoc(snapshot.text, snapshot.file).data?.projects;
    return isPlainObject(projects) ? Object.keys(projects) : [];
  } catch {
    return []; // a broken file is reported by the scan of its user scope
  }
}

export const claudeCode: HostDefinition = {
  id: 'claude-code',
  name: 'Claude Code',
  http: { urlKey: 'url', headersKey: 'headers', type: 'always' },
  installed: (env) => exists(claudeJson(env)) || isDir(join(env, env.home, '.claude')),
  knownProjects: projectKeys,
  locations(env, projects) {
    const file = claudeJson(env);
    const base = { host: 'claude-code' as const, interpolation: 'claude-code' as const };
    const out: ConfigLocation[] = [location({ ...base, file })];
    for (const project of projects) {
      out.push(location({ ...base, file, container: ['projects', project, 'mcpServers'], where: `projects[${JSON.stringify(project)}].mcpServers`, scope: 'local', project }));
      out.push(location({ ...base, file: join(env, project, '.mcp.json'), scope: 'project', project }));
    }
    return out;
  },
};
