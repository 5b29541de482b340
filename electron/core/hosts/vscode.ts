import { appSupport, isDir, join, subdirs } from './platform';
import { location } from './location';
import type { ConfigLocation, HostDefinition, HostEnv, HttpEntryShape } from './types';

const VSCODE_HTTP: HttpEntryShape = { urlKey: 'url', headersKey: 'headers', type: 'always' };

/**
 * VS Code keeps servers under `servers` (not `mcpServers`) with an `inputs` array for prompts:
 * the user profile's `mcp.json` (and each profile's), the workspace `.vscode/mcp.json`, and the
 * older `"mcp": { "servers": … }` inside settings.json. Insiders has its own user folder.
 */
function userDir(env: HostEnv, product: string): string {
  return join(env, appSupport(env), product, 'User');
}

function userLocations(env: HostEnv, host: 'vscode' | 'vscode-insiders', product: string): ConfigLocation[] {
  const dir = userDir(env, product);
  const base = { host, format: 'jsonc' as const, interpolation: 'vscode' as const, container: ['servers'] };
  const out = [location({ ...base, file: join(env, dir, 'mcp.json') })];
  for (const profile of subdirs(join(env, dir, 'profiles'))) {
    out.push(location({ ...base, file: join(env, dir, 'profiles', profile, 'mcp.json'), where: `servers (profile ${profile})`, onlyIfPresent: true }));
  }
  out.push(location({ ...base, file: join(env, dir, 'settings.json'), container: ['mcp', 'servers'], onlyIfPresent: true }));
  return out;
}

export const vscode: HostDefinition = {
  id: 'vscode',
  name: 'VS Code',
  http: VSCODE_HTTP,
  installed: (env) => isDir(userDir(env, 'Code')),
  locations(env, projects) {
    const out = userLocations(env, 'vscode', 'Code');
    const base = { host: 'vscode' as const, format: 'jsonc' as const, interpolation: 'vscode' as const, scope: 'project' as const };
    for (const project of projects) {
      out.push(location({ ...base, file: join(env, project, '.vscode', 'mcp.json'), container: ['servers'], project }));
      out.push(location({ ...base, file: join(env, project, '.vscode', 'settings.json'), container: ['mcp', 'servers'], project, onlyIfPresent: true }));
    }
    return out;
  },
};

export const vscodeInsiders: HostDefinition = {
  id: 'vscode-insiders',
  name: 'VS Code Insiders',
  http: VSCODE_HTTP,
  installed: (env) => isDir(userDir(env, 'Code - Insiders')),
  locations: (env) => userLocations(env, 'vscode-insiders', 'Code - Insiders'),
};
