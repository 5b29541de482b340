import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHome } from '../paths';

/**
 * What a protected host entry runs. Hosts replace PATH with a minimal set, so both the program
 * and the script are absolute paths. AIRLOCK_HOME is added only when this core's home is not the
 * one `airlock connect` finds by itself (a host's environment knows nothing of ours).
 *
 * Only the stdio wrapper exists today; an `http` style (the ingress URL with a bearer secret, for
 * hosts that speak Streamable HTTP) slots in here once the HTTP ingress lands.
 */
export interface Launcher {
  command: string;
  /** The script before `connect <name>`; empty when `command` is the airlock binary itself. */
  script?: string;
  env: Record<string, string>;
}

export function launchArgs(launcher: Launcher, airlockName: string): string[] {
  return [...(launcher.script ? [launcher.script] : []), 'connect', airlockName];
}

/** The built CLI: the running one when it is the CLI, else next to this bundle, else the repo's dist/. */
export function findCliScript(): string {
  const candidates = [
    process.argv[1] && /^airlock\.m?js$/.test(path.basename(process.argv[1])) ? process.argv[1] : undefined,
    fileURLToPath(new URL('./airlock.mjs', import.meta.url)),
    fileURLToPath(new URL('../../../dist/cli/airlock.mjs', import.meta.url)),
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      if (fs.statSync(candidate).isFile()) return fs.realpathSync(candidate);
    } catch {
      /* try the next one */
    }
  }
  throw new Error('cannot find the airlock CLI (dist/cli/airlock.mjs); build it with `npm run build`');
}

export function defaultLauncher(airlockHome: string): Launcher {
  const platformDefault = defaultHome({ HOME: os.homedir(), ...(process.env.APPDATA ? { APPDATA: process.env.APPDATA } : {}) });
  const env: Record<string, string> = path.resolve(airlockHome) === platformDefault ? {} : { AIRLOCK_HOME: path.resolve(airlockHome) };
  return { command: process.execPath, script: findCliScript(), env };
}

/** `node …/airlock.mjs connect <name>` or `airlock connect <name>`: the Airlock server it names, else undefined. */
export function wrappedServer(command: string, args: readonly string[]): string | undefined {
  const i = args.lastIndexOf('connect');
  if (i < 0 || i !== args.length - 2) return undefined;
  const name = args[i + 1]!;
  const base = (p: string) => p.split(/[\\/]/).pop() ?? p;
  if (i === 0 && /^airlock(?:\.exe|\.cmd)?$/i.test(base(command))) return name;
  if (i >= 1 && /^airlock\.(?:m?js|cjs)$/i.test(base(args[i - 1]!))) return name;
  return undefined;
}
