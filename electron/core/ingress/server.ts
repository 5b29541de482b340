import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Core } from '../core';
import { checkLoopbackRequest } from '../loopback-guard';
import type { HostSession } from '../session';
import { IngressDownstream } from './downstream';
import { HostTokenStore } from './host-tokens';

export const DEFAULT_INGRESS_PORT = 53980;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_SESSIONS = 256;

export interface Ingress {
  port: number;
  url: string;
  close(): Promise<void>;
}

interface IngressSession {
  transport: StreamableHTTPServerTransport;
  session: HostSession;
  /** The host token that opened it: another host's token cannot use this session id. */
  label: string;
}

function jsonError(res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers })
    .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message } }));
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function bearerOf(req: http.IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]{1,512})$/.exec(header) : null;
  return match?.[1];
}

/**
 * `http://127.0.0.1:<port>/mcp/<server>`: Streamable HTTP for hosts that speak HTTP. Loopback only;
 * every request must name this listener in Host (DNS rebinding), carry no foreign Origin, and bear
 * a host token (constant-time check). One SDK server transport per session, in raw mode: what the
 * host sends goes to the same HostSession a stdio host gets, so every call stops at the same gate.
 * The host's Authorization header authenticates it to Airlock and goes no further: sessions get
 * JSON-RPC messages, never headers.
 */
export async function startIngress(core: Core, options: { port?: number } = {}): Promise<Ingress> {
  const tokens = new HostTokenStore(core.paths.home);
  const sessions = new Map<string, IngressSession>();
  let port = 0;

  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) jsonError(res, 500, 'Airlock could not handle this request');
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const refusal = checkLoopbackRequest(req, port);
    if (refusal) return jsonError(res, 403, `Forbidden: ${refusal}`);
    const match = /^\/mcp\/([A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/.exec((req.url ?? '').split('?')[0]!);
    if (!match) return jsonError(res, 404, 'Not found: the ingress serves /mcp/<server>');
    const serverName = match[1]!;
    const label = tokens.verify(bearerOf(req));
    if (!label) {
      return jsonError(res, 401, 'Missing or wrong Airlock host token: create one with `airlock token create <label>` and send it as "Authorization: Bearer <token>"', {
        'WWW-Authenticate': 'Bearer realm="airlock"',
      });
    }
    let parsed: unknown;
    if (req.method === 'POST') {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') return jsonError(res, 415, 'Unsupported Media Type: Content-Type must be application/json');
      const body = await readBody(req);
      if (body === undefined) return jsonError(res, 413, `Request body larger than ${MAX_BODY_BYTES} bytes`);
      try {
        parsed = JSON.parse(body);
      } catch {
        return jsonError(res, 400, 'Parse error: the body is not JSON');
      }
    }
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const existing = sessions.get(sessionId);
      if (!existing || existing.label !== label || existing.session.serverName !== serverName) return jsonError(res, 404, 'Session not found');
      await existing.transport.handleRequest(req, res, parsed);
      return;
    }
    if (req.method !== 'POST' || !(Array.isArray(parsed) ? parsed.some(isInitializeRequest) : isInitializeRequest(parsed))) {
      return jsonError(res, 400, 'Bad Request: no session; start with an initialize request');
    }
    if (sessions.size >= MAX_SESSIONS) return jsonError(res, 503, 'Too many sessions; close some first');
    await openSession(serverName, label, req, res, parsed);
  }

  async function openSession(serverName: string, label: string, req: http.IncomingMessage, res: http.ServerResponse, parsed: unknown): Promise<void> {
    let record: IngressSession | undefined;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        if (record) sessions.set(id, record);
      },
      onsessionclosed: (id) => {
        sessions.get(id)?.session.close();
        sessions.delete(id);
      },
    });
    const downstream = new IngressDownstream(transport);
    const session = core.openSession(serverName, downstream);
    record = { transport, session, label };
    downstream.onClose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    transport.onmessage = (message: JSONRPCMessage) => {
      downstream.fromHost(message);
      session.fromHost(message);
    };
    transport.onclose = () => session.close();
    await transport.handleRequest(req, res, parsed);
  }

  // Revoking a host token ends its sessions now, not at their next request.
  const watch = () => {
    let live: string[] = [];
    try {
      live = tokens.list().map((t) => t.label);
    } catch {
      live = []; // a damaged file admits nobody
    }
    for (const [id, s] of sessions) {
      if (!live.includes(s.label)) {
        sessions.delete(id);
        s.session.close();
      }
    }
  };
  fs.watchFile(tokens.file, { interval: 1000, persistent: false }, watch);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_INGRESS_PORT, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  // `airlock protect --http` writes this port into host entries.
  core.hosts.ingressListening(port);
  return {
    port,
    url: `http://127.0.0.1:${port}/mcp/<server>`,
    close: () =>
      new Promise<void>((resolve) => {
        fs.unwatchFile(tokens.file, watch);
        core.hosts.ingressListening(undefined);
        for (const s of sessions.values()) s.session.close();
        sessions.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
