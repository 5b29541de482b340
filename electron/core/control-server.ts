import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { Limits } from '../../shared/limits';
import type { RequestId } from '../../shared/jsonrpc';
import type { Core } from './core';
import { encodeLine, JsonLineDecoder } from './framing';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './secure-fs';
import { InvalidServer } from './server-spec';
import { hostsControlOp, runHostsControl } from './hosts/control';
import type { HostSession } from './session';
import { remoteControlRequests, runRemoteControl } from './remote/control';

const HELLO_TIMEOUT_MS = 10_000;

export const connectHello = z.object({ airlock: z.literal('connect'), v: z.literal(1), server: z.string().min(1).max(64) }).strict();

/**
 * Control commands any local process may send. There is deliberately no verb that approves a call
 * or adds an allow rule: loosening happens only in the approval UI.
 */
export const controlRequest = z.discriminatedUnion('command', [
  z.object({ airlock: z.literal('control'), v: z.literal(1), command: z.literal('status') }).strict(),
  z.object({ airlock: z.literal('control'), v: z.literal(1), command: z.literal('reindex') }).strict(),
  z.object({ airlock: z.literal('control'), v: z.literal(1), command: z.literal('servers') }).strict(),
  z.object({ airlock: z.literal('control'), v: z.literal(1), command: z.literal('pause') }).strict(),
  z.object({ airlock: z.literal('control'), v: z.literal(1), command: z.literal('resume') }).strict(),
  z.object({ airlock: z.literal('control'), v: z.literal(1), command: z.literal('revoke'), server: z.string() }).strict(),
  z.object({ airlock: z.literal('control'), v: z.literal(1), command: z.literal('restore'), server: z.string() }).strict(),
  z.object({ airlock: z.literal('control'), v: z.literal(1), command: z.literal('remove'), server: z.string() }).strict(),
  // Host config files: list, protect, unprotect, remove --from-hosts (see hosts/control.ts).
  z.object({ airlock: z.literal('control'), v: z.literal(1), command: z.literal('hosts'), op: hostsControlOp }).strict(),
  z
    .object({
      airlock: z.literal('control'),
      v: z.literal(1),
      command: z.literal('add'),
      name: z.string(),
      spec: z
        .object({
          command: z.string(),
          args: z.array(z.string()),
          cwd: z.string().optional(),
          env: z.record(z.string(), z.string()),
          envPass: z.array(z.string()),
          allowRiskyEnv: z.boolean().optional(),
        })
        .strict(),
    })
    .strict(),
  // Remote servers and HTTP host tokens (see remote/control.ts).
  ...remoteControlRequests,
]);
export type ControlRequest = z.infer<typeof controlRequest>;
export type ControlReply = { ok: true; result?: unknown } | { ok: false; error: string };

function runControl(core: Core, request: ControlRequest): ControlReply | Promise<ControlReply> {
  try {
    switch (request.command) {
      case 'status':
        return { ok: true, result: { ...core.status(), pid: process.pid } };
      case 'servers':
        return { ok: true, result: core.serverViews() };
      case 'reindex':
        // Rebuilding only re-reads the log: harmless, so open to any local process like status.
        void core.history.reindex();
        return { ok: true, result: core.history.indexState() };
      case 'pause':
        core.pause('cli');
        return { ok: true };
      case 'resume':
        core.resume('cli');
        return { ok: true };
      case 'revoke':
        core.revoke(request.server, 'cli');
        return { ok: true };
      case 'restore':
        core.restore(request.server, 'cli');
        return { ok: true };
      case 'remove':
        core.removeServer(request.server, 'cli');
        return { ok: true };
      case 'add':
        return { ok: true, result: core.addServer(request.name, request.spec, 'cli') };
      case 'hosts':
        return { ok: true, result: runHostsControl(core.hosts, request.op, 'cli') };
      case 'add-remote':
      case 'logout':
      case 'login-recorded':
      case 'token':
        return runRemoteControl(core, request).then(
          (result) => ({ ok: true as const, result }),
          (error: Error) => ({ ok: false as const, error: error.message }),
        );
    }
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/**
 * The local socket (0600 in a 0700 folder; a named pipe on Windows). Each connection opens with
 * one hello line: `connect` turns it into a host session carrying raw MCP; `control` runs one
 * tightening or read-only command and closes.
 */
export async function startControlServer(core: Core): Promise<net.Server> {
  const socketPath = core.paths.socket;
  if (process.platform !== 'win32') {
    ensurePrivateDir(path.dirname(socketPath));
    // We hold the core lock, so a socket file left here belongs to a core that died.
    fs.rmSync(socketPath, { force: true });
  }
  const server = net.createServer((socket) => handleConnection(core, socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (process.platform !== 'win32') fs.chmodSync(socketPath, PRIVATE_FILE_MODE);
  return server;
}

function handleConnection(core: Core, socket: net.Socket): void {
  let session: HostSession | undefined;
  let greeted = false;
  const helloTimer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
  const reply = (value: unknown) => {
    if (socket.writable) socket.write(encodeLine(value));
  };

  const decoder = new JsonLineDecoder(
    (value) => {
      if (session) return session.fromHost(value);
      if (greeted) return;
      greeted = true;
      clearTimeout(helloTimer);
      const hello = connectHello.safeParse(value);
      if (hello.success) {
        session = core.openSession(hello.data.server, {
          transport: 'stdio',
          send(message: object, _options?: { relatedRequestId?: RequestId }) {
            if (!socket.writable) return;
            socket.write(encodeLine(message));
            if (socket.writableLength > Limits.maxPendingWriteBytes) socket.destroy(); // the host stopped reading
          },
          close() {
            socket.end();
          },
        });
        return;
      }
      const control = controlRequest.safeParse(value);
      if (!control.success) {
        reply({ ok: false, error: 'expected a connect or control hello' } satisfies ControlReply);
        socket.end();
        return;
      }
      // Some commands (logout: revocation at an AS) answer later.
      void Promise.resolve(runControl(core, control.data)).then((answer) => {
        reply(answer);
        socket.end();
      });
    },
    (problem) => {
      if (session) session.hostProblem(problem);
      else socket.destroy();
    },
  );
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  socket.on('end', () => decoder.end());
  socket.on('error', () => {});
  socket.on('close', () => {
    clearTimeout(helloTimer);
    session?.close();
  });
}

