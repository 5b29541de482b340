import { extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCodes, type RequestId } from '../../../shared/jsonrpc';
import { redactText } from '../../../shared/secrets';
import type { HttpServerSpec } from '../../../shared/types';
import { LoginRequired } from '../remote/errors';
import { refusalIn } from '../remote/guarded-fetch';
import type { AirlockOAuthProvider } from '../remote/provider';
import type { Upstream, UpstreamExit, UpstreamHandlers } from './types';

export interface HttpUpstreamOptions {
  server: string;
  spec: HttpServerSpec;
  /** The SSRF-guarded fetch for this server; closed with the upstream. */
  fetch: FetchLike & { close(): Promise<void> };
  /** Static headers from the secret store (never the host's own headers). */
  headers: Record<string, string>;
  /** Absent when the server authenticates with a static Authorization header instead of OAuth. */
  provider?: AirlockOAuthProvider;
  /** A request could not be authorized without a person: record it and show it. */
  onLoginRequired(error: LoginRequired): void;
  /** Token strings in use, so that no error text a server sends back can carry one further. */
  secretsInUse(): string[];
}

const TAIL_LIMIT = 8 * 1024;

/**
 * A remote server over Streamable HTTP (or legacy HTTP+SSE) through the SDK's client transports,
 * in raw mode: messages go out and come back unchanged. Airlock's own duties here are the ones
 * `Client.connect()` would otherwise do — telling the transport the negotiated protocol version —
 * plus ordering (initialize and notifications reach the server before what follows them), and
 * turning transport failures into answers, so no host request is left hanging.
 */
export class HttpUpstream implements Upstream {
  readonly kind = 'http' as const;
  readonly pid = undefined;
  private transport: Transport | undefined;
  private exited: UpstreamExit | undefined;
  private barrier: Promise<unknown> = Promise.resolve();
  private readonly initializeIds = new Set<RequestId>();
  private readonly pending = new Set<RequestId>();
  private tail = '';

  constructor(
    private readonly options: HttpUpstreamOptions,
    private readonly handlers: UpstreamHandlers,
  ) {}

  async start(): Promise<void> {
    const { spec, provider } = this.options;
    // The SDK reacts to a 403 insufficient_scope by re-running auth(); the provider needs to know first
    // that this is a step-up (which needs a person), not an expired token (which a refresh fixes).
    const fetchFn: FetchLike = async (url, init) => {
      const response = await this.options.fetch(url, init);
      if (response.status === 403 && provider) {
        const { error, scope } = extractWWWAuthenticateParams(response);
        if (error === 'insufficient_scope') provider.pendingStepUp = scope ?? '';
      }
      return response;
    };
    const requestInit: RequestInit = { headers: { ...this.options.headers } };
    const url = new URL(spec.url);
    const transport: Transport =
      spec.transport === 'sse'
        ? new SSEClientTransport(url, { fetch: fetchFn, requestInit, ...(provider ? { authProvider: provider } : {}) })
        : new StreamableHTTPClientTransport(url, { fetch: fetchFn, requestInit, ...(provider ? { authProvider: provider } : {}) });
    this.transport = transport;
    transport.onmessage = (message: JSONRPCMessage) => this.received(message);
    transport.onerror = (error: Error) => this.note(this.describe(error));
    transport.onclose = () => this.finish({ code: null, signal: null, reason: this.exited?.reason ?? 'the connection to the remote server closed' });
    try {
      await transport.start();
    } catch (error) {
      if (error instanceof LoginRequired) this.options.onLoginRequired(error);
      this.finish({ code: null, signal: null, reason: `could not connect to ${spec.url}: ${this.describe(error)}` });
    }
  }

  private received(message: JSONRPCMessage): void {
    const record = message as { id?: RequestId; result?: { protocolVersion?: unknown }; method?: string };
    if (record.id !== undefined && record.method === undefined) {
      this.pending.delete(record.id);
      if (this.initializeIds.delete(record.id) && typeof record.result?.protocolVersion === 'string') {
        // Raw forwarding bypasses Client.connect(), which would normally do this.
        (this.transport as { setProtocolVersion?: (v: string) => void }).setProtocolVersion?.(record.result.protocolVersion);
      }
    }
    this.handlers.onMessage(message, JSON.stringify(message).length);
  }

  send(message: unknown, _wire: string): void {
    const transport = this.transport;
    if (this.exited || !transport) throw new Error(this.exited?.reason ?? 'the remote server is not connected');
    const m = message as { id?: RequestId; method?: string };
    const isRequest = m.method !== undefined && m.id !== undefined;
    if (isRequest) this.pending.add(m.id!);
    if (m.method === 'initialize' && m.id !== undefined) this.initializeIds.add(m.id);
    const sent = this.barrier.then(() => transport.send(message as JSONRPCMessage));
    // Initialize carries the session id back, and notifications (initialized, cancelled) must not be
    // overtaken; requests themselves may run side by side (a long call does not block the next one).
    if (!isRequest || m.method === 'initialize') this.barrier = sent.catch(() => undefined);
    sent.catch((error: unknown) => this.failed(m, error));
  }

  private failed(message: { id?: RequestId; method?: string }, error: unknown): void {
    const isRequest = message.method !== undefined && message.id !== undefined;
    const answer = (code: number, text: string) => {
      if (!isRequest || !this.pending.delete(message.id!)) return;
      this.initializeIds.delete(message.id!);
      this.handlers.onMessage({ jsonrpc: '2.0', id: message.id, error: { code, message: text } }, 0);
    };
    if (error instanceof LoginRequired) {
      this.options.onLoginRequired(error);
      answer(ErrorCodes.AirlockUnavailable, error.message);
      return;
    }
    if (error instanceof StreamableHTTPError && error.code === 404 && (this.transport as StreamableHTTPClientTransport).sessionId) {
      // The server forgot the session: the spec says start over, which only the host can do. Ending
      // the upstream makes the session answer every outstanding request with this reason, then close.
      this.kill('the remote server ended the session (HTTP 404); reconnect to start a new one');
      return;
    }
    const text = this.describe(error);
    this.note(text);
    answer(ErrorCodes.AirlockUpstreamFailed, `The remote server "${this.options.server}" could not be reached: ${text}`);
  }

  /** One line about a failure, with anything token-shaped removed. */
  private describe(error: unknown): string {
    const refusal = refusalIn(error);
    let text = refusal ? refusal.message : error instanceof StreamableHTTPError && error.code === 401 ? 'it refused Airlock\'s token (HTTP 401); log in again' : (error as Error)?.message ?? String(error);
    for (const secret of this.options.secretsInUse()) if (secret.length >= 8) text = text.split(secret).join('«token»');
    text = redactText(text).replace(/\s+/g, ' ');
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  }

  private note(text: string): void {
    this.tail = `${this.tail}${text}\n`.slice(-TAIL_LIMIT);
  }

  private finish(exit: UpstreamExit): void {
    if (this.exited) return;
    this.exited = exit;
    void this.options.fetch.close().catch(() => {});
    this.handlers.onExit(exit);
  }

  async close(): Promise<void> {
    const transport = this.transport;
    if (!transport || this.exited) return;
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) {
      // Tell the server the session is over (it may answer 405; either way it is polite and bounded).
      await Promise.race([transport.terminateSession().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
    }
    this.exited ??= { code: 0, signal: null, reason: 'closed' };
    await transport.close().catch(() => {});
    void this.options.fetch.close().catch(() => {});
  }

  kill(reason: string): void {
    const transport = this.transport;
    this.finish({ code: null, signal: null, reason });
    void transport?.close().catch(() => {});
  }

  stderrTail(): string {
    return this.tail;
  }
}
