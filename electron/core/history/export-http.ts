import type http from 'node:http';
import { historyFilterSchema } from '../../../shared/history';
import { z } from 'zod';
import { tokensEqual } from '../loopback-guard';
import { exportFilename, mimeTypeOf } from './export';
import type { HistoryService } from './service';

export const EXPORT_PATH = '/api/history/export';

const exportQuery = historyFilterSchema.extend({ format: z.enum(['jsonl', 'csv']) }).strict();

/**
 * Browser mode's streaming export: `GET /api/history/export?format=csv&server=…` with the
 * per-launch token in `Authorization: Bearer <token>` (never in the URL, which lands in history
 * and logs). The caller has already checked Host and Origin. The body streams with backpressure,
 * so a million calls never sit in memory at once.
 */
export async function handleHistoryExport(history: HistoryService, token: string, req: http.IncomingMessage, res: http.ServerResponse, headers: Record<string, string>): Promise<void> {
  if (req.method !== 'GET') {
    res.writeHead(405, { ...headers, Allow: 'GET' }).end();
    return;
  }
  const presented = /^Bearer ([A-Za-z0-9_-]+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
  if (!tokensEqual(presented, token)) {
    res.writeHead(403, { ...headers, 'Content-Type': 'text/plain' }).end('Forbidden: missing or wrong token\n');
    return;
  }
  const params = new URL(req.url ?? '/', 'http://x').searchParams;
  const parsed = exportQuery.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    res.writeHead(400, { ...headers, 'Content-Type': 'text/plain' }).end(`Bad request: ${issue.path.join('.') || 'query'}: ${issue.message}\n`);
    return;
  }
  const { format, ...filter } = parsed.data;
  res.writeHead(200, {
    ...headers,
    'Content-Type': mimeTypeOf(format),
    'Content-Disposition': `attachment; filename="${exportFilename(format)}"`,
  });
  let closed = false;
  res.on('close', () => (closed = true));
  try {
    await history.streamExport(filter, format, (chunk) => {
      if (closed) throw new Error('client went away');
      if (!res.write(chunk)) return new Promise<void>((resolve) => res.once('drain', () => resolve()));
      return undefined;
    });
    res.end();
  } catch {
    // Headers are gone; cutting the body short is how a failed download shows.
    res.destroy();
  }
}
