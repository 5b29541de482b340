import fs from 'node:fs';
import path from 'node:path';
import which from 'which';
import { ENV_NAME_PATTERN, isRiskyEnvName } from '../../shared/env-policy';
import { SERVER_NAME_PATTERN, type ServerSpec, type StdioServerSpec } from '../../shared/types';

export class InvalidServer extends Error {}

export interface StdioSpecInput {
  command: string;
  args: string[];
  cwd?: string;
  env: Record<string, string>;
  envPass: string[];
  allowRiskyEnv?: boolean;
}

export function checkServerName(name: string, existing: Iterable<string>): void {
  if (!SERVER_NAME_PATTERN.test(name)) {
    throw new InvalidServer(`invalid server name "${name}": use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  for (const other of existing) {
    if (other.toLowerCase() === name.toLowerCase()) throw new InvalidServer(`a server named "${other}" already exists`);
  }
}

/** Finds the program the way the spawn will: relative to cwd when it has a path, else on PATH. */
export function resolveCommand(command: string, cwd: string, searchPath: string | undefined): string | undefined {
  if (command.includes('/') || command.includes('\\')) {
    const absolute = path.resolve(cwd, command);
    try {
      fs.accessSync(absolute, fs.constants.X_OK);
      return fs.statSync(absolute).isFile() ? absolute : undefined;
    } catch {
      return undefined;
    }
  }
  return which.sync(command, { path: searchPath, nothrow: true }) ?? undefined;
}

/** Validates a local server definition and returns it normalised; throws a one-line InvalidServer otherwise. */
export function buildStdioSpec(input: StdioSpecInput, env: NodeJS.ProcessEnv = process.env): StdioServerSpec {
  const cwd = input.cwd === undefined ? undefined : path.resolve(input.cwd);
  if (cwd !== undefined) {
    let isDir = false;
    try {
      isDir = fs.statSync(cwd).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) throw new InvalidServer(`working directory ${cwd} does not exist or is not a folder`);
  }
  if (input.command.trim() === '') throw new InvalidServer('missing command: give it after "--", e.g. airlock add files -- npx server-filesystem ~/work');
  const resolved = resolveCommand(input.command, cwd ?? process.cwd(), env.PATH);
  if (!resolved) throw new InvalidServer(`command not found: ${input.command} (not an executable file, and not on PATH)`);
  // A command given with a path is pinned to the file it names; a bare name is looked up on PATH at launch, as hosts do.
  const hasPath = input.command.includes('/') || input.command.includes('\\');
  for (const name of [...Object.keys(input.env), ...input.envPass]) {
    if (!ENV_NAME_PATTERN.test(name)) throw new InvalidServer(`invalid environment variable name "${name}"`);
    if (isRiskyEnvName(name) && !input.allowRiskyEnv) {
      throw new InvalidServer(`${name} changes how the server loads code; pass --allow-risky-env if you really mean it`);
    }
  }
  return {
    transport: 'stdio',
    command: hasPath ? resolved : input.command,
    args: [...input.args],
    ...(cwd !== undefined ? { cwd } : {}),
    env: { ...input.env },
    envPass: [...new Set(input.envPass)],
    secretEnv: [],
  };
}

export function describeSpec(spec: ServerSpec): string {
  if (spec.transport === 'stdio') return [spec.command, ...spec.args].map(quoteArg).join(' ');
  return spec.url;
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./~-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
