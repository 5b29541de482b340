import { fileURLToPath } from 'node:url';
import { Core } from '../core/core';
import { startControlServer } from '../core/control-server';
import { CoreAlreadyRunning } from '../core/lock';
import { defaultHome } from '../core/paths';
import { startUiServer } from '../core/ui-server';
import { startIngressIfWanted } from '../core/ingress/start';
import { CliError } from './commands';

export interface ServeOptions {
  port?: number;
  open: boolean;
  ingressPort?: number;
  /** False with --no-ingress. */
  ingress?: boolean;
}

/** Where the built renderer sits relative to the built CLI (dist/cli → dist/renderer). */
export function rendererDir(): string {
  return fileURLToPath(new URL('../renderer/', import.meta.url));
}

/** `airlock serve`: the core, headless, with the approval window served to a browser on loopback. */
export async function serve(options: ServeOptions): Promise<void> {
  let core: Core;
  try {
    core = new Core({ home: defaultHome() });
  } catch (error) {
    if (error instanceof CoreAlreadyRunning) throw new CliError(error.message);
    throw new CliError((error as Error).message);
  }
  const control = await startControlServer(core);
  // Drift alerts: host config files changed behind Airlock's back.
  core.hosts.startWatching();
  const ui = await startUiServer(core, { ...(options.port !== undefined ? { port: options.port } : {}), staticDir: rendererDir() });
  const ingress = await startIngressIfWanted(core, options.ingress === false ? false : options.ingressPort, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(
    [
      `Airlock is running (pid ${process.pid}, home ${core.paths.home}).`,
      `Approval window: ${ui.url}`,
      `Hosts connect with: airlock connect <server>`,
      ...(ingress ? [`HTTP hosts connect to: ${ingress.url} (with a token from \`airlock token create <label>\`)`] : []),
      '',
    ].join('\n'),
  );
  if (core.audit.problem) process.stderr.write(`Warning: ${core.audit.problem}; calls are refused until it can be written.\n`);
  if (options.open) {
    const { default: open } = await import('open');
    open(ui.url).catch(() => process.stderr.write('Could not open a browser; open the URL above yourself.\n'));
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    control.close();
    await ingress?.close();
    await ui.close();
    await core.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
}
