import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { StdioServerSpec } from '../../../shared/types';

/** Locale, temp folder and time zone: harmless, and programs misbehave without them. */
const LOCALE_AND_TEMP = ['LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TMPDIR', 'TMP', 'TEMP', 'TZ'];

/**
 * The environment a server process receives: the SDK's minimal safe set (PATH, HOME, USER…),
 * locale and temp variables, the names the person chose to pass through, and the values set
 * for this server. Nothing else of Airlock's own environment reaches the child.
 */
export function buildChildEnv(spec: StdioServerSpec, parentEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = getDefaultEnvironment();
  for (const name of [...LOCALE_AND_TEMP, ...spec.envPass]) {
    const value = parentEnv[name];
    if (value !== undefined && !value.startsWith('()')) env[name] = value;
  }
  return { ...env, ...spec.env };
}

/** Names only, for the authority panel. */
export function childEnvNames(spec: StdioServerSpec, parentEnv: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(buildChildEnv(spec, parentEnv)).sort();
}
