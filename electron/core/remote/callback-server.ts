import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAllowedHost } from '../loopback-guard';

export interface CallbackParams {
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  errorDescription?: string;
}

export interface CallbackServer {
  redirectUri: string;
  port: number;
  /** Resolves with the first callback whose `state` passes `accept`; rejects on timeout. */
  wait(accept: (params: CallbackParams) => boolean, timeoutMs: number): Promise<CallbackParams>;
  close(): Promise<void>;
}

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * The loopback redirect target `http://127.0.0.1:<port>/callback` (RFC 8252 §7.3). It binds
 * 127.0.0.1 only, answers only its own Host, and never echoes what it received into the page.
 * A callback with the wrong `state` is refused and the wait goes on (a page elsewhere may try).
 */
export async function startCallbackServer(preferredPort = 0): Promise<CallbackServer> {
  let accept: ((params: CallbackParams) => boolean) | undefined;
  let deliver: ((params: CallbackParams) => void) | undefined;
  let port = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!isAllowedHost(req.headers.host, port) || req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, PAGE_HEADERS).end('<!doctype html><title>Airlock</title><p>Not found.</p>');
      return;
    }
    const q = url.searchParams;
    const params: CallbackParams = {
      ...(q.get('code') !== null ? { code: q.get('code')! } : {}),
      ...(q.get('state') !== null ? { state: q.get('state')! } : {}),
      ...(q.get('iss') !== null ? { iss: q.get('iss')! } : {}),
      ...(q.get('error') !== null ? { error: q.get('error')! } : {}),
      ...(q.get('error_description') !== null ? { errorDescription: q.get('error_description')! } : {}),
    };
    if (!accept || !deliver || !accept(params)) {
      res.writeHead(400, PAGE_HEADERS).end('<!doctype html><title>Airlock</title><p>This sign-in response does not belong to a login Airlock started.</p>');
      return;
    }
    const done = deliver;
    deliver = undefined;
    res
      .writeHead(200, PAGE_HEADERS)
      .end(
        params.error
          ? '<!doctype html><title>Airlock</title><p>The sign-in was not completed. You can close this window; Airlock shows the reason.</p>'
          : '<!doctype html><title>Airlock</title><p>Signed in. You can close this window and return to Airlock.</p>',
      );
    done(params);
  });
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(preferredPort);
  } catch (error) {
    if (preferredPort === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await listen(0);
  }
  port = (server.address() as AddressInfo).port;
  return {
    port,
    redirectUri: `http://127.0.0.1:${port}/callback`,
    wait(check, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          deliver = undefined;
          reject(new Error(`no sign-in came back within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        accept = check;
        deliver = (params) => {
          clearTimeout(timer);
          resolve(params);
        };
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
