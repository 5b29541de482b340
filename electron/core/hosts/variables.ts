/**
 * `${…}` references in host entries. Each host expands its own syntax; Airlock resolves only what it
 * can know exactly (fixed VS Code/Cursor/Windsurf variables) and reports the first reference it
 * cannot, so such an entry is left as it is rather than imported with a wrong or missing value.
 */
import path from 'node:path';
import { isPlainObject } from '../../../shared/jsonrpc';
import type { ConfigLocation, HostEnv, Interpolation } from './types';

const HOST_LABEL: Record<Interpolation, string> = {
  none: 'the host',
  'claude-code': 'Claude Code',
  vscode: 'VS Code',
  cursor: 'Cursor',
  windsurf: 'Windsurf',
  gemini: 'Gemini CLI',
};

/** Host variables whose value is fixed and known to Airlock too. */
function fixedVariables(location: ConfigLocation, env: HostEnv): Record<string, string> {
  const sep = env.platform === 'win32' ? '\\' : '/';
  const vars: Record<string, string> = { userHome: env.home, pathSeparator: sep, '/': sep };
  if (location.project) {
    vars.workspaceFolder = location.project;
    vars.workspaceFolderBasename = path.basename(location.project);
  }
  return vars;
}

/**
 * Resolves the references Airlock can resolve exactly; returns the first one it cannot. A `${…}`
 * filled in from the host's environment or a prompt (VS Code `inputs`) would get a different value,
 * or none, in Airlock.
 */
export function resolveVariables(value: string, location: ConfigLocation, env: HostEnv): { value: string } | { unresolved: string } {
  const mode = location.interpolation;
  if (mode === 'none') return { value };
  const fixed = mode === 'vscode' || mode === 'cursor' || mode === 'windsurf' ? fixedVariables(location, env) : {};
  let unresolved: string | undefined;
  const result = value.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    const known = fixed[name];
    if (known !== undefined) return known;
    unresolved ??= whole;
    return whole;
  });
  if (unresolved === undefined && mode === 'gemini') {
    const bare = /\$[A-Za-z_][A-Za-z0-9_]*/.exec(result);
    if (bare) unresolved = bare[0];
  }
  if (unresolved !== undefined) return { unresolved };
  return { value: result };
}

export function unresolvedReason(reference: string, location: ConfigLocation): string {
  const host = HOST_LABEL[location.interpolation];
  const what = reference.startsWith('${input:')
    ? `a value ${host} asks the user for (an "inputs" prompt)`
    : `a value ${host} fills in from its own environment or workspace`;
  return `uses ${reference}, ${what}; Airlock cannot know it, so the entry stays as it is (give the value explicitly, or add the server with \`airlock add\`, to protect it)`;
}

/**
 * An entry's `env` or headers object as strings (numbers and booleans as their text); absent is
 * empty, and anything else (nested objects, arrays) is undefined: an entry Airlock cannot import.
 */
export function stringRecord(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else return undefined;
  }
  return out;
}
