/**
 * Who may talk to the core over IPC: only our own window's top frame, showing our own origin.
 * Iframes (even about:blank or data: ones we never create), other windows and pages that
 * navigated elsewhere are refused. Pure, so it is tested under Node.
 */
import type { IpcInvokeEventLike } from './contract-ipc';

export interface TrustedWindow {
  /** Our window's webContents (compared by identity). */
  webContents: unknown;
  /** Its top frame (compared by identity): a subframe never qualifies. */
  mainFrame: unknown;
}

export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    // Custom schemes have an opaque `origin` ("null"), so build it from the parts.
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return undefined;
  }
}

export function isTrustedSender(event: IpcInvokeEventLike, window: TrustedWindow | undefined, allowedOrigins: readonly string[]): boolean {
  if (!window) return false;
  if (event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== window.mainFrame) return false;
  const origin = originOf(frame.url);
  return origin !== undefined && allowedOrigins.includes(origin);
}
