import type { Core } from '../core/core';
import { defaultHome, pathsFor } from '../core/paths';
import { DEFAULT_INGRESS_PORT } from '../core/ingress/server';
import { openInBrowser } from '../core/remote/browser';
import { policyFor } from '../core/remote/url-policy';
import type { LoginSummary } from '../core/remote/login';
import type { HostTokenView } from '../core/ingress/host-tokens';
import { createHostToken, listHostTokens, revokeHostToken } from '../core/ingress/admin';
import { CliError, viaCoreOrOffline } from './commands';
import { sendControl } from './control-client';

function parseHeaders(pairs: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--header expects NAME=VALUE, got "${pair.split('=')[0]}…"`);
    headers[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return headers;
}

/** `airlock add <name> --url …`: a remote server. Header values go to the secret store; only names are printed. */
export async function addRemote(
  name: string,
  options: { url: string; transport?: string; header?: string[]; clientId?: string; clientMetadataUrl?: string },
): Promise<void> {
  if (options.transport !== undefined && options.transport !== 'http' && options.transport !== 'sse') throw new CliError('--transport is http (Streamable HTTP, the default) or sse (legacy HTTP+SSE)');
  const spec = {
    url: options.url,
    ...(options.transport ? { transport: options.transport as 'http' | 'sse' } : {}),
    headers: parseHeaders(options.header ?? []),
    ...(options.clientId ? { clientId: options.clientId } : {}),
    ...(options.clientMetadataUrl ? { clientMetadataUrl: options.clientMetadataUrl } : {}),
  };
  await viaCoreOrOffline({ command: 'add-remote', name, spec }, (core) => core.addRemoteServer(name, spec, 'cli'));
  const names = Object.keys(spec.headers);
  process.stdout.write(`Added "${name}": ${options.transport === 'sse' ? 'legacy SSE' : 'Streamable HTTP'} ${options.url}${names.length ? ` (headers: ${names.join(', ')}, values kept encrypted)` : ''}\n`);
  process.stdout.write(`If it asks for a login: airlock login ${name}\nHosts launch it as: airlock connect ${name}   (or over HTTP: http://127.0.0.1:${DEFAULT_INGRESS_PORT}/mcp/${name})\n`);
}

function describeLogin(name: string, summary: LoginSummary): string {
  if (summary.noAuthNeeded) return `"${name}" did not ask for a login; nothing was stored.\n`;
  return [
    `Logged in to "${name}".`,
    `  issuer   ${summary.issuer}`,
    `  client   ${summary.clientId ?? '?'}`,
    `  scopes   ${summary.scopes?.join(' ') || '(none)'}`,
    ...(summary.expiresAt ? [`  expires  ${summary.expiresAt}`] : []),
    ...(summary.account ? [`  account  ${summary.account}`] : []),
    '',
  ].join('\n');
}

/**
 * `airlock login <name>`: the OAuth flow runs in this process (a person at a terminal), opening the
 * system browser — or, with --no-browser, printing the URL — and stores into the encrypted, locked
 * OAuth store the running core reads. The core is then told to record it (it only reads the store;
 * nothing in the message is trusted). With no core running, an offline core does the same.
 */
export async function login(name: string, options: { browser: boolean; scope?: string }): Promise<void> {
  const paths = pathsFor(defaultHome());
  const { Core } = await import('../core/core');
  const { RemoteService } = await import('../core/remote/service');
  const { FileKeyProvider, SecretStore, secretStoreFile } = await import('../core/secret-store');
  const { SettingsStore } = await import('../core/settings');
  const { Integrity } = await import('../core/integrity');
  const keys = new FileKeyProvider(paths.home);
  const settings = new SettingsStore(paths.settings, new Integrity(keys));
  const record = settings.data.servers[name];
  if (!record) throw new CliError(`no server named "${name}"`);
  if (settings.tamper) throw new CliError(`settings.json was edited outside Airlock; review and accept it in the window before logging in`);
  if (record.spec.transport === 'stdio') throw new CliError(`"${name}" is a local server; only remote servers log in`);
  if (record.revoked) throw new CliError(`"${name}" is revoked; run \`airlock restore ${name}\` first`);
  const secrets = new SecretStore(secretStoreFile(paths.home), keys);
  const remote = new RemoteService(paths.home, keys, { record: () => {}, changed: () => {}, holdBudgetMs: () => 0, secret: (id) => secrets.get(id) });
  const policy = policyFor(record.spec.url);
  let summary: LoginSummary;
  try {
    summary = await remote.login(
      record,
      async (url) => {
        process.stdout.write(`Open this address to log in to "${name}":\n${url.href}\n`);
        if (options.browser) await openInBrowser(url, policy).catch(() => process.stderr.write('Could not open a browser; open the address above yourself.\n'));
      },
      'cli',
      options.scope,
    );
  } catch (error) {
    throw new CliError(`login to "${name}" failed: ${(error as Error).message}`);
  }
  const reply = await sendControl(paths.socket, { command: 'login-recorded', server: name });
  if (!reply) {
    const core = new Core({ home: paths.home, mode: 'offline' });
    try {
      core.remote.recordLogin(name, summary, 'cli');
    } finally {
      await core.stop();
    }
  }
  process.stdout.write(describeLogin(name, summary));
}

export async function logout(name: string): Promise<void> {
  const result = (await viaCoreOrOffline({ command: 'logout', server: name }, (core: Core) => {
    const record = core.settings.data.servers[name];
    if (!record) throw new Error(`no server named "${name}"`);
    return core.inBackground(core.remote.logout(record, 'cli'));
  })) as { revoked: string[]; deleted: boolean } | Promise<{ revoked: string[]; deleted: boolean }>;
  const { revoked, deleted } = await result;
  if (!deleted) process.stdout.write(`Airlock held no tokens for "${name}".\n`);
  else process.stdout.write(`Logged out of "${name}": ${revoked.length ? `${revoked.join(' and ').replace(/_/g, ' ')} revoked at the authorization server, ` : ''}tokens deleted.\n`);
}

export async function tokenCreate(label: string): Promise<void> {
  const { token } = (await viaCoreOrOffline({ command: 'token', op: 'create', label }, (core) => createHostToken(core, label, 'cli'))) as { token: string };
  process.stdout.write(
    [
      `Host token "${label}" (shown once; Airlock keeps only its hash):`,
      token,
      '',
      `Configure the host with the URL http://127.0.0.1:${DEFAULT_INGRESS_PORT}/mcp/<server> and the header`,
      `  Authorization: Bearer ${token}`,
      '',
    ].join('\n'),
  );
}

export async function tokenList(json: boolean): Promise<void> {
  const tokens = (await viaCoreOrOffline({ command: 'token', op: 'ls' }, (core) => listHostTokens(core))) as HostTokenView[];
  if (json) return void process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
  if (tokens.length === 0) return void process.stdout.write('No host tokens. Create one with: airlock token create <label>\n');
  for (const t of tokens) process.stdout.write(`${t.label}  created ${t.createdAt}\n`);
}

export async function tokenRevoke(label: string): Promise<void> {
  const removed = await viaCoreOrOffline({ command: 'token', op: 'revoke', label }, (core) => revokeHostToken(core, label, 'cli'));
  if (!removed) throw new CliError(`no host token labelled "${label}"`);
  process.stdout.write(`Revoked host token "${label}": its sessions end and it is refused from now on.\n`);
}
