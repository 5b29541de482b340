import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { eventNames } from '../../shared/contract';
import type { AuditRecord } from '../../shared/audit';
import { dispatch } from './api-dispatch';
import { serializedRecords } from './audit/log';
import { EXPORT_PATH, handleHistoryExport } from './history/export-http';
import type { Core } from './core';
import { checkLoopbackRequest, tokensEqual } from './loopback-guard';

export const UI_PROTOCOL = 'airlock.v1';
export const TOKEN_PROTOCOL_PREFIX = 'airlock.token.';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface UiServer {
  url: string;
  port: number;
  /** The per-launch token; it lives only in memory and in the URL fragment. */
  token: string;
  close(): Promise<void>;
}

export interface UiServerOptions {
  port?: number;
  /** Folder with the built renderer (index.html and assets). */
  staticDir?: string;
}

function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'`,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

/**
 * Browser mode: the same renderer bundle served on 127.0.0.1, the contract carried over a
 * WebSocket. The public bundle needs no token (it holds no secrets); the API does, on every
 * connection, compared in constant time. Foreign Host and Origin headers are refused (DNS
 * rebinding), and no CORS header is ever sent.
 */
export async function startUiServer(core: Core, options: UiServerOptions = {}): Promise<UiServer> {
  const token = randomBytes(32).toString('base64url');
  let port = 0;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const events = eventBroadcaster(core);

  const server = http.createServer((req, res) => {
    const refusal = checkLoopbackRequest(req, port);
    if (refusal) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end(`Forbidden: ${refusal}\n`);
      return;
    }
    if ((req.url ?? '').split('?')[0] === EXPORT_PATH) {
      void handleHistoryExport(core.history, token, req, res, securityHeaders(port));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    serveStatic(req, res, options.staticDir, port);
  });

  server.on('upgrade', (req, socket, head) => {
    const refusal = checkLoopbackRequest(req, port);
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const presented = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
    const pathname = (req.url ?? '').split('?')[0];
    const failure = refusal ?? (pathname !== '/api' ? 'unknown endpoint' : !tokensEqual(presented, token) ? 'missing or wrong token' : undefined);
    if (failure) {
      socket.write(`HTTP/1.1 ${failure === 'unknown endpoint' ? 404 : 403} Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nForbidden: ${failure}\n`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(core, ws, events));
  });

  wss.options.handleProtocols = (protocols) => (protocols.has(UI_PROTOCOL) ? UI_PROTOCOL : false);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        events.close();
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * How long audit records (the History screen's live tail) wait for company before they are sent.
 * Everything else, a card to decide on above all, leaves at the end of the turn it was raised in.
 */
const AUDIT_BATCH_MS = 50;

/**
 * Core events go to every connected window, batched into frames built once for all clients
 * (audit records reuse the JSON they were logged as). Under load, sending a frame per call cost
 * the window and the core more CPU than the calls themselves; records gathered over a few
 * frames of the screen's refresh cost one write.
 */
function eventBroadcaster(core: Core): { add(ws: WebSocket): void; close(): void } {
  const clients = new Set<WebSocket>();
  let queued: Array<{ event: string; payload: unknown }> = [];
  let immediate: NodeJS.Immediate | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearImmediate(immediate);
    clearTimeout(timer);
    immediate = timer = undefined;
    const events = queued;
    queued = [];
    const parts = events.map(({ event, payload }) => {
      const json = (event === 'audit' && serializedRecords.get(payload as AuditRecord)) || (JSON.stringify(payload) ?? 'null');
      return `{"event":${JSON.stringify(event)},"payload":${json}}`;
    });
    const frame = `{"events":[${parts.join(',')}]}`;
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(frame);
  };
  const unsubscribe = core.events.onAny((event, payload) => {
    if (clients.size === 0) return;
    queued.push({ event, payload });
    if (event !== 'audit') immediate ??= setImmediate(flush);
    else if (!immediate && !timer) timer = setTimeout(flush, AUDIT_BATCH_MS).unref();
  });
  return {
    add(ws) {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => clients.delete(ws));
    },
    close() {
      unsubscribe();
      clearImmediate(immediate);
      clearTimeout(timer);
    },
  };
}

function attach(core: Core, ws: WebSocket, events: ReturnType<typeof eventBroadcaster>): void {
  events.add(ws);
  ws.on('message', async (data, isBinary) => {
    let message: { id?: unknown; op?: unknown; input?: unknown };
    try {
      if (isBinary) throw new Error('binary');
      message = JSON.parse(data.toString());
      if (typeof message !== 'object' || message === null) throw new Error('not an object');
    } catch {
      ws.send(JSON.stringify({ id: null, ok: false, error: { code: 'invalid-input', message: 'messages must be JSON objects' } }));
      return;
    }
    const id = typeof message.id === 'number' || typeof message.id === 'string' ? message.id : null;
    const result = await dispatch(core.api, message.op, message.input);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, ...result }));
  });
  ws.send(JSON.stringify({ event: 'hello', payload: { events: eventNames } }));
}

function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, staticDir: string | undefined, port: number): void {
  const headers = securityHeaders(port);
  if (!staticDir || !fs.existsSync(path.join(staticDir, 'index.html'))) {
    res.writeHead(503, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('The Airlock window is not built. Run `npm run build`.\n');
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400, headers).end();
    return;
  }
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
  const file = path.resolve(staticDir, relative);
  if (!file.startsWith(path.resolve(staticDir) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found\n');
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
  if (req.method === 'HEAD') res.end();
  else fs.createReadStream(file).pipe(res);
}
