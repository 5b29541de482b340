import { spawnSync } from 'node:child_process';
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
 * This is the stdio wrapper; `protect --http` entries name the HTTP ingress instead (protect.ts).
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

/**
 * A file beside this module. Deliberately not `new URL('./x', import.meta.url)`: bundlers rewrite that
 * pattern (Vite inlined the whole CLI into Electron's main.js as a `data:` URL, which is not a path).
 * Under a bundle "this module" is the bundle, so callers that know better (the Electron shell) pass
 * an explicit launcher instead.
 */
function besideThisModule(relative: string): string | undefined {
  const here = import.meta.url;
  return here.startsWith('file:') ? path.resolve(path.dirname(fileURLToPath(here)), relative) : undefined;
}

/** The built CLI: the running one when it is the CLI, else next to this bundle, else the repo's dist/. */
export function findCliScript(): string {
  const candidates = [
    process.argv[1] && /^airlock\.m?js$/.test(path.basename(process.argv[1])) ? process.argv[1] : undefined,
    besideThisModule('airlock.mjs'),
    besideThisModule('../../../dist/cli/airlock.mjs'),
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

/** AIRLOCK_HOME for the entry, only when `airlock connect` would not find this home by itself. */
export function launcherEnv(airlockHome: string): Record<string, string> {
  const platformDefault = defaultHome({ HOME: os.homedir(), ...(process.env.APPDATA ? { APPDATA: process.env.APPDATA } : {}) });
  return path.resolve(airlockHome) === platformDefault ? {} : { AIRLOCK_HOME: path.resolve(airlockHome) };
}

/** Under plain Node (`airlock serve`, the CLI): this very Node and the built CLI. */
export function defaultLauncher(airlockHome: string): Launcher {
  return { command: process.execPath, script: findCliScript(), env: launcherEnv(airlockHome) };
}

/** The oldest Node the CLI is built for (esbuild target node20.19). */
export const MIN_NODE: readonly [number, number] = [20, 19];

export class NodeNotFound extends Error {}

/**
 * Node.js programs worth trying, best first: what PATH finds, then the usual install places that a
 * desktop app's PATH misses (macOS apps started from the Dock get /usr/bin:/bin:/usr/sbin:/sbin only).
 * Stable paths (Homebrew's, /usr/local, Program Files) before version-specific ones (nvm, fnm), so
 * that an entry does not break when a version manager drops an old version.
 */
export function nodeCandidates(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string[] {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const exe = platform === 'win32' ? 'node.exe' : 'node';
  const pathVar = (platform === 'win32' ? (env.Path ?? env.PATH) : env.PATH) ?? '';
  const fromPath = pathVar
    .split(platform === 'win32' ? ';' : ':')
    .filter((dir) => dir && p.isAbsolute(dir))
    .map((dir) => p.join(dir, exe));
  const known =
    platform === 'win32'
      ? [env.ProgramFiles, env['ProgramFiles(x86)'], env.LOCALAPPDATA && p.join(env.LOCALAPPDATA, 'Programs')].filter((d): d is string => Boolean(d)).map((d) => p.join(d, 'nodejs', exe))
      : ['/opt/homebrew/bin/node', '/usr/local/bin/node', '/usr/bin/node', p.join(home, '.volta', 'bin', 'node'), p.join(home, '.local', 'bin', 'node')];
  const nvmRoot = platform === 'win32' ? env.NVM_HOME : p.join(env.NVM_DIR ?? p.join(home, '.nvm'), 'versions', 'node');
  const managed = nvmRoot ? newestFirst(nvmRoot).map((v) => (platform === 'win32' ? p.join(nvmRoot, v, exe) : p.join(nvmRoot, v, 'bin', exe))) : [];
  return [...new Set([...fromPath, ...known, ...managed])];
}

function newestFirst(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((v) => /^v?\d+\.\d+\.\d+$/.test(v))
      .sort((a, b) => compareVersions(parseVersion(b)!, parseVersion(a)!));
  } catch {
    return [];
  }
}

function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** The first candidate that runs and is new enough; its path as found (a Homebrew symlink stays a symlink). */
export function findNode(candidates: readonly string[] = nodeCandidates()): string {
  const tooOld: string[] = [];
  for (const candidate of candidates) {
    try {
      if (!fs.statSync(candidate).isFile()) continue;
    } catch {
      continue;
    }
    const run = spawnSync(candidate, ['--version'], { encoding: 'utf8', timeout: 5000, windowsHide: true, env: {} });
    const version = run.status === 0 ? parseVersion(run.stdout) : undefined;
    if (!version) continue;
    if (compareVersions(version, MIN_NODE) >= 0) return candidate;
    tooOld.push(`${candidate} (${run.stdout.trim()})`);
  }
  throw new NodeNotFound(
    `Airlock needs Node.js ${MIN_NODE.join('.')} or newer to run \`airlock connect\` for your hosts, and found ${tooOld.length ? `only ${tooOld.join(', ')}` : 'none'}. ` +
      'Install Node.js (nodejs.org), then protect again. Nothing was changed.',
  );
}

/**
 * What protected entries run from the desktop app. The app's own binary cannot run the CLI: the
 * RunAsNode fuse is off (forge.config.ts), so it ignores ELECTRON_RUN_AS_NODE and would start the app
 * itself. That fuse stays off on purpose: with it on, any process of this user could run code as the
 * signed Airlock binary and so reach what the keychain grants Airlock (the key behind the settings
 * MAC and the secret store). Entries therefore run a system Node (>= MIN_NODE) with the CLI the app
 * ships as one plain script outside the asar (`<resources>/cli/airlock.mjs`); `connect` only relays
 * to the running core's socket, so that script holds nothing worth tampering with. Resolved on first
 * protect, so a missing Node is a clear error then ("nothing was changed"), not a failed start.
 */
export function nodeLauncher(options: { cliScript: string; airlockHome: string; node?: () => string }): () => Launcher {
  return () => {
    let script: string;
    try {
      script = fs.realpathSync(options.cliScript);
    } catch {
      throw new Error(`cannot find the airlock CLI at ${options.cliScript}; reinstall Airlock (or run \`npm run build\` in a checkout). Nothing was changed.`);
    }
    return { command: (options.node ?? findNode)(), script, env: launcherEnv(options.airlockHome) };
  };
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
