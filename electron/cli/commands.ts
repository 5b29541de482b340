import type { ServerView } from '../../shared/types';
import { toVisibleText } from '../../shared/visible';
import { Core } from '../core/core';
import { CoreAlreadyRunning } from '../core/lock';
import { defaultHome, pathsFor } from '../core/paths';
import { describeSpec } from '../core/server-spec';
import { sendControl, type ControlCommand } from './control-client';

export class CliError extends Error {}

export function home(): string {
  return defaultHome();
}

/**
 * Runs a state-changing command on the running core, or — when none runs — directly on the
 * files through an offline core holding the lock, so both paths apply the same rules and records.
 */
export async function viaCoreOrOffline<T>(command: ControlCommand, offline: (core: Core) => T): Promise<T | unknown> {
  const paths = pathsFor(home());
  const reply = await sendControl(paths.socket, command);
  if (reply) {
    if (!reply.ok) throw new CliError(reply.error);
    return reply.result;
  }
  let core: Core;
  try {
    core = new Core({ home: paths.home, mode: 'offline' });
  } catch (error) {
    if (error instanceof CoreAlreadyRunning) {
      throw new CliError(`Airlock is running (pid ${error.pid}) but its socket ${paths.socket} does not answer; try again in a moment.`);
    }
    throw new CliError((error as Error).message);
  }
  try {
    return offline(core);
  } catch (error) {
    throw new CliError((error as Error).message);
  } finally {
    await core.stop();
  }
}

export function parseEnvPairs(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--env expects KEY=VALUE, got "${pair}"`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

export async function addServer(
  name: string,
  commandLine: string[],
  options: { cwd?: string; env?: string[]; envPass?: string[]; allowRiskyEnv?: boolean },
): Promise<void> {
  const [command, ...args] = commandLine;
  if (!command) throw new CliError('missing command: airlock add <name> -- <command> [args…]');
  const spec = {
    command,
    args,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    env: parseEnvPairs(options.env ?? []),
    envPass: options.envPass ?? [],
    ...(options.allowRiskyEnv ? { allowRiskyEnv: true } : {}),
  };
  await viaCoreOrOffline({ command: 'add', name, spec }, (core) => core.addServer(name, spec, 'cli'));
  process.stdout.write(`Added "${name}": ${describeSpec({ transport: 'stdio', ...spec, secretEnv: [] })}\n`);
  process.stdout.write(`Hosts launch it as: airlock connect ${name}\n`);
}

export async function listServers(json: boolean): Promise<void> {
  const views = (await viaCoreOrOffline({ command: 'servers' }, (core) => core.serverViews())) as ServerView[];
  if (json) {
    process.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
    return;
  }
  if (views.length === 0) {
    process.stdout.write('No servers yet. Add one with: airlock add <name> -- <command> [args…]\n');
    return;
  }
  const width = Math.max(...views.map((v) => v.name.length), 4);
  for (const view of views) {
    const state = view.state === 'running' ? `running (${view.sessions} session${view.sessions === 1 ? '' : 's'})` : view.state;
    process.stdout.write(`${view.name.padEnd(width)}  ${state.padEnd(22)}  ${toVisibleText(describeSpec(view.spec))}\n`);
  }
}

export async function simpleCommand(
  command: 'remove' | 'revoke' | 'restore',
  name: string,
): Promise<void> {
  await viaCoreOrOffline({ command, server: name }, (core) => {
    if (command === 'remove') core.removeServer(name, 'cli');
    else if (command === 'revoke') core.revoke(name, 'cli');
    else core.restore(name, 'cli');
  });
  const said = { remove: `Removed "${name}".`, revoke: `Revoked "${name}": every request to it is refused until \`airlock restore ${name}\`.`, restore: `Restored "${name}". New sessions may start it again.` };
  process.stdout.write(`${said[command]}\n`);
}

export async function switchCommand(command: 'pause' | 'resume'): Promise<void> {
  await viaCoreOrOffline({ command }, (core) => (command === 'pause' ? core.pause('cli') : core.resume('cli')));
  process.stdout.write(command === 'pause' ? 'Paused: every call is refused until `airlock resume`.\n' : 'Resumed: calls are decided normally again.\n');
}

export async function status(): Promise<void> {
  const paths = pathsFor(home());
  const reply = await sendControl(paths.socket, { command: 'status' });
  if (!reply || !reply.ok) {
    process.stdout.write(`Airlock is not running (home ${paths.home}). Start it with: airlock serve\n`);
    process.exitCode = 3;
    return;
  }
  const s = reply.result as { pid: number; paused: boolean; pendingCount: number; auditProblem?: string };
  process.stdout.write(`Airlock is running (pid ${s.pid}), ${s.paused ? 'PAUSED' : 'active'}, ${s.pendingCount} pending.\n`);
  if (s.auditProblem) process.stdout.write(`Audit log problem: ${s.auditProblem}\n`);
}
