/**
 * Saving an export. In browser mode the core streams the whole filtered view over HTTP
 * (`GET /api/history/export`, the per-launch token in an Authorization header — never in the URL);
 * the window keeps that token in memory only, handed over here at start. Elsewhere the contract's
 * capped `exportHistory` command returns the document.
 */
import type { HistoryFilter } from '../../../shared/history';
import { exportQueryString } from './filters';

export interface StreamingExport {
  baseUrl: string;
  token: string;
}

let streaming: StreamingExport | undefined;

/** Called once by main.tsx in browser mode. */
export function setStreamingExport(endpoint: StreamingExport | undefined): void {
  streaming = endpoint;
}

export function hasStreamingExport(): boolean {
  return streaming !== undefined;
}

export interface Downloaded {
  blob: Blob;
  filename: string;
}

function filenameFrom(disposition: string | null, fallback: string): string {
  const match = /filename="([A-Za-z0-9._-]+)"/.exec(disposition ?? '');
  return match?.[1] ?? fallback;
}

/** Fetches the streamed export (browser mode). */
export async function fetchStreamingExport(filter: HistoryFilter, format: 'jsonl' | 'csv'): Promise<Downloaded> {
  if (!streaming) throw new Error('streaming export is not available in this window');
  const response = await fetch(`${streaming.baseUrl}/api/history/export?${exportQueryString(filter, format)}`, {
    headers: { Authorization: `Bearer ${streaming.token}` },
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  });
  if (!response.ok) throw new Error(`export refused (${response.status}): ${(await response.text()).trim().slice(0, 200)}`);
  const blob = await response.blob();
  return { blob, filename: filenameFrom(response.headers.get('Content-Disposition'), `airlock-history.${format}`) };
}

/** Hands a document to the browser's download (a temporary object URL, revoked afterwards). */
export function saveBlob({ blob, filename }: Downloaded): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
