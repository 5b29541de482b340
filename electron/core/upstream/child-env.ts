import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { StdioServerSpec } from '../../../shared/types';

/** Locale, temp folder and time zone: harmless, and programs misbehave without them. */
const LOCALE_AND_TEMP = ['LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TMPDIR', 'TMP', 'TEMP', 'TZ'];

/** Reads one of the server's env secrets from Airlock's secret store; throws when it cannot. */
export type SecretResolver = (name: string) => string;

/**
 * The environment a server process receives: the SDK's minimal safe set (PATH, HOME, USER…),
 * locale and temp variables, the names the person chose to pass through, and the values set
 * for this server — secret ones read from the store only now, at spawn. Nothing else of
 * Airlock's own environment reaches the child.
 */
export function buildChildEnv(spec: StdioServerSpec, parentEnv: NodeJS.ProcessEnv = process.env, secret?: SecretResolver): Record<string, string> {
  const env: Record<string, string> = getDefaultEnvironment();
  for (const name of [...LOCALE_AND_TEMP, ...spec.envPass]) {
    const value = parentEnv[name];
    if (value !== undefined && !value.startsWith('()')) env[name] = value;
  }
  const secrets: Record<string, string> = {};
  for (const name of spec.secretEnv) {
    // Starting the server without its credential would fail in confusing ways; refuse instead.
    if (!secret) throw new Error(`${name} is kept in Airlock's secret store, which is not available here`);
    secrets[name] = secret(name);
  }
  return { ...env, ...spec.env, ...secrets };
}

/** Names only, for the authority panel. */
export function childEnvNames(spec: StdioServerSpec, parentEnv: NodeJS.ProcessEnv = process.env): string[] {
  return [...new Set([...Object.keys(buildChildEnv({ ...spec, secretEnv: [] }, parentEnv)), ...spec.secretEnv])].sort();
}
