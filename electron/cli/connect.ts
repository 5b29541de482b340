import net from 'node:net';
import { errorResponse, ErrorCodes } from '../../shared/jsonrpc';
import { JsonLineDecoder } from '../core/framing';
import { NOT_RUNNING } from '../core/refusals';

/**
 * `airlock connect <name>`: what a host launches. It is a stdio MCP server that joins the running
 * core over the local socket and pipes bytes both ways. Without a core it fails closed: every
 * request gets a JSON-RPC error saying Airlock is not running, and no server is started.
 */
export function runConnect(socketPath: string, server: string): void {
  const socket = net.connect(socketPath);
  let connected = false;
  socket.on('connect', () => {
    connected = true;
    socket.setNoDelay(true);
    socket.write(`${JSON.stringify({ airlock: 'connect', v: 1, server })}\n`);
    process.stdin.pipe(socket);
    socket.pipe(process.stdout);
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (!connected) failClosed(`${NOT_RUNNING} (${error.code ?? error.message} on ${socketPath})`);
    else process.stderr.write(`airlock connect: lost the connection to Airlock (${error.message})\n`);
  });
  socket.on('close', () => {
    if (connected) process.exit(0);
  });
}

function failClosed(message: string): void {
  process.stderr.write(`airlock connect: ${message}\n`);
  const decoder = new JsonLineDecoder(
    (value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      const { id, method } = value as { id?: unknown; method?: unknown };
      if (typeof method !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) return;
      process.stdout.write(`${JSON.stringify(errorResponse(id, ErrorCodes.AirlockUnavailable, NOT_RUNNING))}\n`);
    },
    () => process.stdout.write(`${JSON.stringify(errorResponse(null, ErrorCodes.AirlockUnavailable, NOT_RUNNING))}\n`),
  );
  process.stdin.on('data', (chunk: Buffer) => decoder.push(chunk));
  process.stdin.on('end', () => process.exit(0));
}
