import { Command, InvalidArgumentError } from 'commander';
import { VERSION } from '../core/version';

function intOption(value: string): number {
  const n = Number.parseInt(value, 10);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a number between 0 and 65535');
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Runs an action, turning expected failures into one clear line and exit status 1. */
function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      const { CliError } = await import('./commands');
      const known = error instanceof CliError;
      process.stderr.write(`airlock: ${known ? (error as Error).message : (error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    }
  };
}

const program = new Command('airlock')
  .description('Airlock: every MCP tool call stops here until a person decides.')
  .version(VERSION)
  .showHelpAfterError();

program
  .command('serve')
  .description('run the core headless and serve the approval window on 127.0.0.1')
  .option('--port <port>', 'port for the approval window (default: random)', intOption)
  .option('--no-open', 'do not open a browser')
  .option('--ingress-port <port>', 'port of the HTTP ingress for hosts (default: AIRLOCK_INGRESS_PORT or 53980; 0 = random)', intOption)
  .option('--no-ingress', 'do not start the HTTP ingress')
  .action(
    action(async (options: { port?: number; open: boolean; ingressPort?: number; ingress: boolean }) => (await import('./serve')).serve(options)),
  );

program
  .command('connect')
  .description('what a host launches: a stdio MCP server that goes through the running core')
  .argument('<name>', 'registered server name')
  .action(async (name: string) => {
    const [{ runConnect }, { defaultHome, pathsFor }] = await Promise.all([import('./connect'), import('../core/paths')]);
    runConnect(pathsFor(defaultHome()).socket, name);
  });

program
  .command('add')
  .description('register a local server (airlock add <name> [options] -- <command> [args…]) or a remote one (airlock add <name> --url https://…)')
  .argument('<name>', 'name hosts will use')
  .argument('[command...]', 'the server command and its arguments, after --')
  .option('--cwd <dir>', 'working directory of the server')
  .option('--env <KEY=VALUE>', 'set a variable for the server (repeatable)', collect)
  .option('--env-pass <KEY>', "pass one variable through from Airlock's environment (repeatable)", collect)
  .option('--allow-risky-env', 'allow variables such as NODE_OPTIONS or LD_PRELOAD')
  .option('--url <url>', 'a remote server: https, or http on loopback only')
  .option('--transport <kind>', 'remote transport: http (Streamable HTTP, default) or sse (legacy HTTP+SSE)')
  .option('--header <NAME=VALUE>', 'static header for a remote server, kept encrypted (repeatable)', collect)
  .option('--client-id <id>', 'OAuth client id registered beforehand with the server\'s authorization server')
  .option('--client-metadata-url <url>', 'https URL of a client ID metadata document (used when the authorization server supports it)')
  .action(
    action(
      async (
        name: string,
        command: string[],
        options: { cwd?: string; env?: string[]; envPass?: string[]; allowRiskyEnv?: boolean; url?: string; transport?: string; header?: string[]; clientId?: string; clientMetadataUrl?: string },
      ) => {
        if (options.url === undefined) return (await import('./commands')).addServer(name, command, options);
        if (command.length > 0) throw new (await import('./commands')).CliError('give either --url or a command after --, not both');
        return (await import('./remote')).addRemote(name, { ...options, url: options.url });
      },
    ),
  );

program
  .command('login')
  .description("log Airlock in to a remote server (OAuth in your browser); Airlock holds the token, hosts never see it")
  .argument('<name>')
  .option('--no-browser', 'print the address instead of opening a browser')
  .option('--scope <scopes>', 'extra scopes to ask for, space-separated')
  .action(action(async (name: string, options: { browser: boolean; scope?: string }) => (await import('./remote')).login(name, options)));

program
  .command('logout')
  .description("revoke Airlock's tokens for a remote server at its authorization server and delete them")
  .argument('<name>')
  .action(action(async (name: string) => (await import('./remote')).logout(name)));

const token = program.command('token').description('bearer tokens for hosts that connect over HTTP (http://127.0.0.1:<port>/mcp/<server>)');
token
  .command('create')
  .description('create a token for one host; it is shown once')
  .argument('<label>', 'which host it is for, e.g. cursor')
  .action(action(async (label: string) => (await import('./remote')).tokenCreate(label)));
token
  .command('ls')
  .description('list host tokens (labels and dates; never the tokens)')
  .option('--json', 'machine-readable output')
  .action(action(async (options: { json?: boolean }) => (await import('./remote')).tokenList(Boolean(options.json))));
token
  .command('revoke')
  .description('revoke a host token: its sessions end now')
  .argument('<label>')
  .action(action(async (label: string) => (await import('./remote')).tokenRevoke(label)));

program
  .command('ls')
  .description('list servers and their state')
  .option('--json', 'machine-readable output')
  .action(action(async (options: { json?: boolean }) => (await import('./commands')).listServers(Boolean(options.json))));

program
  .command('remove')
  .description('remove a server (its rules go with it)')
  .argument('<name>')
  .option('--from-hosts', 'first restore every host entry Airlock wrapped for it')
  .action(
    action(async (name: string, options: { fromHosts?: boolean }) =>
      options.fromHosts ? (await import('./hosts')).removeFromHosts(name) : (await import('./commands')).simpleCommand('remove', name),
    ),
  );

program
  .command('hosts')
  .description('agent hosts on this machine, their MCP config files, and which servers go through Airlock')
  .option('--json', 'machine-readable output')
  .option('--project <dir>', 'also look at the project files of this folder')
  .action(action(async (options: { json?: boolean; project?: string }) => (await import('./hosts')).listHosts(options)));

program
  .command('protect')
  .description("route a host's servers (local and remote) through Airlock: import each entry and rewrite it to `airlock connect <name>` (or, with --http, Airlock's HTTP ingress)")
  .argument('<host>', 'claude-desktop, claude-code, cursor, vscode, vscode-insiders, windsurf, gemini-cli, codex or zed')
  .option('--server <name>', 'only this server key (repeatable; default: all)', collect)
  .option('--project <dir>', "the project's files (and Claude Code's local scope) instead of the user's")
  .option('--as <name>', 'Airlock name for the one --server (or KEY=NAME), when its name is taken', collect)
  .option('--http', "point entries at Airlock's HTTP ingress with this host's token (written into the host file) instead of `airlock connect`")
  .action(
    action(async (host: string, options: { server?: string[]; project?: string; as?: string[]; http?: boolean }) => (await import('./hosts')).protect(host, options)),
  );

program
  .command('unprotect')
  .description("put back a host's original entries (byte-identical when nothing else changed the file)")
  .argument('<host>')
  .option('--server <name>', 'only this server key (repeatable; default: all Airlock wrapped)', collect)
  .option('--project <dir>', "the project's files instead of the user's")
  .action(action(async (host: string, options: { server?: string[]; project?: string }) => (await import('./hosts')).unprotect(host, options)));

program
  .command('revoke')
  .description('revoke a server now: calls refused, processes killed, until restored')
  .argument('<name>')
  .action(action(async (name: string) => (await import('./commands')).simpleCommand('revoke', name)));

program
  .command('restore')
  .description('lift a revocation')
  .argument('<name>')
  .action(action(async (name: string) => (await import('./commands')).simpleCommand('restore', name)));

program
  .command('pause')
  .description('kill switch: refuse every call until resumed')
  .action(action(async () => (await import('./commands')).switchCommand('pause')));

program
  .command('resume')
  .description('end a pause')
  .action(action(async () => (await import('./commands')).switchCommand('resume')));

program
  .command('status')
  .description('is the core running, paused, holding calls?')
  .action(action(async () => (await import('./commands')).status()));

program
  .command('scan')
  .description('start a server alone and report its definitions: pin state (new / approved / changed) and findings; exit 1 on a high finding')
  .argument('<name>')
  .option('--json', 'machine-readable output')
  .action(action(async (name: string, options: { json?: boolean }) => (await import('./scan')).scan(name, Boolean(options.json))));

program
  .command('log')
  .description('the audit log, readable')
  .option('--json', 'print the JSON Lines records')
  .option('-f, --follow', 'keep printing new records')
  .option('--verify', 'check the hash chain and name the first broken record')
  .option('--reindex', 'rebuild the history index from the log segments')
  .option('-n, --lines <n>', 'how many recent records', (v) => Number.parseInt(v, 10), 50)
  .action(
    action(async (options: { json?: boolean; follow?: boolean; verify?: boolean; reindex?: boolean; lines: number }) =>
      (await import('./log')).showLog({
        json: Boolean(options.json),
        follow: Boolean(options.follow),
        verify: Boolean(options.verify),
        reindex: Boolean(options.reindex),
        lines: options.lines,
      }),
    ),
  );

await program.parseAsync(process.argv);
