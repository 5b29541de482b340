#!/usr/bin/env node
// The floor under any design with a stdio shim and a separate core: the same two extra process
// hops Airlock has (a shim the host launches, a hub that owns the server), with no logic at all;
// bytes are piped both ways. `hub <socket> <command> [args…]` or `shim <socket>`.
import { spawn } from 'node:child_process';
import net from 'node:net';

const [mode, socketPath, command, ...args] = process.argv.slice(2);
if (mode === 'hub') {
  net
    .createServer((socket) => {
      const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
      socket.pipe(child.stdin);
      child.stdout.pipe(socket);
      socket.on('close', () => child.kill());
      socket.on('error', () => child.kill());
    })
    .listen(socketPath, () => process.stdout.write('ready\n'));
} else {
  const socket = net.connect(socketPath, () => {
    process.stdin.pipe(socket);
    socket.pipe(process.stdout);
  });
  socket.on('close', () => process.exit(0));
}
