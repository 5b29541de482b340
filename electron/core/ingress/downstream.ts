import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { RequestId } from '../../../shared/jsonrpc';
import type { Downstream } from '../session';

interface InFlight {
  method: string;
  progressToken?: unknown;
}

/** Notifications that are about the session, not about any request: they belong on the standalone stream. */
const UNRELATED = new Set(['notifications/tools/list_changed', 'notifications/prompts/list_changed', 'notifications/resources/list_changed', 'notifications/resources/updated', 'notifications/message']);

/**
 * The host side of a session that came in over the HTTP ingress. Streamable HTTP sends anything
 * without a `relatedRequestId` to the standalone GET stream — and drops it when the host never
 * opened one — so this routes what the server says while a host request is in flight to that
 * request's stream: progress by its token, and server→host requests (sampling, elicitation, roots)
 * and other notifications to the newest `tools/call` (else the newest request) still waiting.
 */
export class IngressDownstream implements Downstream {
  readonly transport = 'http' as const;
  private readonly inFlight = new Map<RequestId, InFlight>();
  onClose: (() => void) | undefined;

  constructor(private readonly http: StreamableHTTPServerTransport) {}

  /** Called for every message the host sends, before the session sees it. */
  fromHost(message: JSONRPCMessage): void {
    const m = message as { id?: RequestId; method?: string; params?: { _meta?: { progressToken?: unknown } } };
    if (m.id !== undefined && m.method !== undefined) {
      this.inFlight.set(m.id, { method: m.method, ...(m.params?._meta?.progressToken !== undefined ? { progressToken: m.params._meta.progressToken } : {}) });
    }
  }

  send(message: object, options?: { relatedRequestId?: RequestId }): void {
    const m = message as { id?: RequestId; method?: string; params?: { progressToken?: unknown } };
    if (m.method === undefined && m.id !== undefined) {
      this.inFlight.delete(m.id);
      this.deliver(message, undefined);
      return;
    }
    this.deliver(message, options?.relatedRequestId ?? this.relatedFor(m));
  }

  private relatedFor(m: { method?: string; params?: { progressToken?: unknown } }): RequestId | undefined {
    if (m.method === 'notifications/progress') {
      for (const [id, flight] of this.inFlight) if (flight.progressToken !== undefined && flight.progressToken === m.params?.progressToken) return id;
      return undefined;
    }
    if (m.method !== undefined && UNRELATED.has(m.method)) return undefined;
    let newest: RequestId | undefined;
    let newestCall: RequestId | undefined;
    for (const [id, flight] of this.inFlight) {
      newest = id;
      if (flight.method === 'tools/call') newestCall = id;
    }
    return newestCall ?? newest;
  }

  private deliver(message: object, relatedRequestId: RequestId | undefined): void {
    const options = relatedRequestId !== undefined ? { relatedRequestId } : undefined;
    this.http.send(message as JSONRPCMessage, options).catch(() => {
      // The request's stream is gone (answered or closed): the standalone stream is the only way left.
      if (options) this.http.send(message as JSONRPCMessage).catch(() => {});
    });
  }

  close(): void {
    this.inFlight.clear();
    void this.http.close().catch(() => {});
    this.onClose?.();
  }
}
