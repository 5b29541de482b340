import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** Host header must name this listener on a loopback name; anything else is DNS rebinding. */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.toLowerCase();
  return LOOPBACK_HOSTS.some((name) => host === `${name}:${port}`);
}

/**
 * Origin, when present, must be this listener itself. Browsers always send it on WebSocket
 * upgrades and cross-origin requests; non-browser hosts omit it, which is allowed.
 */
export function isAllowedOrigin(originHeader: string | undefined, port: number): boolean {
  if (originHeader === undefined) return true;
  const origin = originHeader.toLowerCase().replace(/\/$/, '');
  return LOOPBACK_HOSTS.some((name) => origin === `http://${name}:${port}`);
}

/** Constant-time comparison that does not leak length through an exception or a fast path. */
export function tokensEqual(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function checkLoopbackRequest(req: IncomingMessage, port: number): string | undefined {
  if (!isAllowedHost(req.headers.host, port)) return 'foreign Host header';
  const origin = req.headers.origin;
  if (Array.isArray(origin) || !isAllowedOrigin(origin, port)) return 'foreign Origin';
  return undefined;
}
