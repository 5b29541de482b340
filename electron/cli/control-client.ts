import net from 'node:net';
import type { ControlReply, ControlRequest } from '../core/control-server';
import { JsonLineDecoder } from '../core/framing';

export type ControlCommand = ControlRequest extends infer R ? (R extends { command: string } ? Omit<R, 'airlock' | 'v'> : never) : never;

/** Sends one control command to the running core; `undefined` when no core is listening. */
export function sendControl(socketPath: string, command: ControlCommand): Promise<ControlReply | undefined> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let settled = false;
    const finish = (value: ControlReply | undefined, error?: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    const decoder = new JsonLineDecoder(
      (value) => finish(value as ControlReply),
      () => finish(undefined, new Error('the core sent an unreadable reply')),
    );
    socket.on('connect', () => socket.write(`${JSON.stringify({ airlock: 'control', v: 1, ...command })}\n`));
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') finish(undefined);
      else finish(undefined, error);
    });
    socket.on('close', () => finish(undefined, new Error('the core closed the connection without answering')));
  });
}
