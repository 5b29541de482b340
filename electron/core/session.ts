import {
  classify,
  errorResponse,
  ErrorCodes,
  resultResponse,
  type JsonObject,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type RequestId,
} from '../../shared/jsonrpc';
import type { GatedMethod, HostInfo, ServerRecord, ServerRequestMethod } from '../../shared/types';
import { describeFramingProblem, encodeLine, type FramingProblem } from './framing';
import type { Upstream, UpstreamExit, UpstreamHandlers } from './upstream/types';
import { newId } from './describe-call';

export const GATED_METHODS: ReadonlySet<string> = new Set<GatedMethod>(['tools/call', 'resources/read', 'prompts/get']);
/** Requests a server sends to the host that a person approves like calls. */
export const SERVER_REQUESTS: ReadonlySet<string> = new Set<ServerRequestMethod>(['sampling/createMessage', 'elicitation/create', 'roots/list']);
/** Answers whose content the core inspects before the host sees it (pins). */
export const INSPECTED_RESPONSES: ReadonlySet<string> = new Set(['initialize', 'tools/list', 'prompts/list', 'resources/list', 'resources/templates/list']);
const LIST_CHANGED = new Set(['notifications/tools/list_changed', 'notifications/prompts/list_changed', 'notifications/resources/list_changed']);

/** The host side of a session: a `connect` process on the socket, or an HTTP ingress session. */
export interface Downstream {
  readonly transport: 'stdio' | 'http';
  send(message: object, options?: { relatedRequestId?: RequestId }): void;
  close(): void;
}

/** What the gate decided for a gated request. */
export type GateResult =
  | { kind: 'forward'; callId: string; wire: string; target: string; recorded: Promise<void> }
  | { kind: 'answer'; response: JsonRpcResponse };

interface Forwarded {
  phase: 'forwarded';
  method: string;
  startedAt: number;
  /** The request asked for a later page (so its answer is not the whole list). */
  paged?: boolean;
  call?: ForwardedCall;
}

/** A gated call on its way to the server; `recorded` settles once its decision is on stable storage. */
export interface ForwardedCall {
  id: string;
  target: string;
  method: GatedMethod;
  recorded: Promise<void>;
}

interface Held {
  phase: 'held';
  method: GatedMethod;
  /** Set once the gate registered a card, so withdrawal can find it. */
  callId?: string;
}

type Outstanding = Forwarded | Held;

/** Services a session needs from the core; kept narrow so sessions stay testable and small. */
export interface SessionServices {
  createUpstream(server: ServerRecord, handlers: UpstreamHandlers): Upstream;
  gate(session: HostSession, request: JsonRpcRequest, method: GatedMethod, onHeld: (callId: string) => void): Promise<GateResult>;
  completeCall(session: HostSession, call: ForwardedCall, response: JsonRpcResponse, durationMs: number, bytes: number): Promise<JsonRpcResponse>;
  abandonCall(session: HostSession, call: ForwardedCall, outcome: 'cancelled' | 'upstream-failed', detail: string, durationMs: number): void;
  withdraw(callId: string, reason: 'host-cancelled' | 'host-gone' | 'upstream-failed'): void;
  /** Pins and filters what a server says about itself (initialize, lists) before the host sees it. */
  inspectResponse(session: HostSession, method: string, response: JsonRpcResponse, paged: boolean): Promise<JsonRpcResponse>;
  /** The server announced a list change: Airlock re-lists at once, whatever the host does. */
  upstreamListChanged(session: HostSession, notification: string): void;
  /** A server→host request (sampling, elicitation, roots) needs a decision before it reaches the host. */
  gateServerRequest(session: HostSession, request: JsonRpcRequest, method: ServerRequestMethod): Promise<{ forward: true } | { forward: false; response: JsonRpcResponse }>;
  sessionEvent(session: HostSession, event: 'session-opened' | 'session-closed' | 'upstream-exited' | 'protocol-error', detail?: string): void;
  sessionEnded(session: HostSession): void;
}

const OWN_ID_PREFIX = 'airlock-';

/**
 * One host session bound to one server: one upstream child per session, so request ids never
 * cross sessions. Messages are forwarded raw in both directions; only the methods Airlock governs
 * are intercepted. Anything unknown — fields, `_meta`, newer methods — passes untouched.
 */
export class HostSession {
  readonly id = newId();
  readonly host: HostInfo;
  readonly sessionGrants = new Set<string>();
  /** Fingerprints of the definitions this session's server offered last: key → hash. */
  readonly observed = new Map<string, string>();
  /** List methods whose answers this session has seen (so a call is judged against current definitions). */
  readonly listed = new Set<string>();
  private upstream: Upstream | undefined;
  private readonly outstanding = new Map<RequestId, Outstanding>();
  private readonly ownRequests = new Map<string, (response: JsonRpcResponse) => void>();
  private ownCounter = 0;
  private refusal: string | undefined;
  private closed = false;
  private protocolNoise = 0;
  private stopped: Promise<void> | undefined;

  constructor(
    readonly server: ServerRecord,
    private readonly downstream: Downstream,
    private readonly services: SessionServices,
    refusal?: string,
  ) {
    this.host = { name: 'unknown', version: '', session: this.id, transport: downstream.transport };
    this.refusal = refusal;
  }

  get serverName(): string {
    return this.server.name;
  }

  get isLive(): boolean {
    return !this.closed && this.refusal === undefined;
  }

  get upstreamPid(): number | undefined {
    return this.upstream?.pid;
  }

  async start(): Promise<void> {
    this.services.sessionEvent(this, 'session-opened', this.refusal);
    if (this.refusal !== undefined) return;
    this.upstream = this.services.createUpstream(this.server, {
      onMessage: (value, bytes) => this.fromUpstream(value, bytes),
      onProblem: (problem) => this.upstreamProblem(problem),
      onExit: (exit) => this.upstreamExited(exit),
    });
    await this.upstream.start();
  }

  // ── host → server ────────────────────────────────────────────────────────────

  fromHost(value: unknown): void {
    if (this.closed) return;
    const classified = classify(value);
    switch (classified.kind) {
      case 'invalid':
        this.toHost(errorResponse(classified.id, ErrorCodes.InvalidRequest, `Invalid request: ${classified.reason}`));
        return;
      case 'request':
        this.hostRequest(classified.message);
        return;
      case 'notification':
        this.hostNotification(classified.message);
        return;
      case 'response':
        this.toUpstream(classified.message);
        return;
    }
  }

  hostProblem(problem: FramingProblem): void {
    if (this.closed) return;
    const code = problem.kind === 'parse' || problem.kind === 'invalid-utf8' ? ErrorCodes.ParseError : ErrorCodes.InvalidRequest;
    this.toHost(errorResponse(null, code, `Airlock refused a message: ${describeFramingProblem(problem)}`));
  }

  private hostRequest(request: JsonRpcRequest): void {
    if (this.outstanding.has(request.id)) {
      this.toHost(errorResponse(request.id, ErrorCodes.InvalidRequest, `request id ${JSON.stringify(request.id)} is already in use by a pending request`));
      return;
    }
    if (request.method === 'initialize') this.recordClientInfo(request.params);
    if (this.refusal !== undefined) {
      this.toHost(this.refusalResponse(request));
      return;
    }
    if (GATED_METHODS.has(request.method)) {
      this.gateRequest(request, request.method as GatedMethod);
      return;
    }
    const paged = request.params?.cursor !== undefined;
    this.outstanding.set(request.id, { phase: 'forwarded', method: request.method, startedAt: Date.now(), ...(paged ? { paged } : {}) });
    this.toUpstream(request);
  }

  private gateRequest(request: JsonRpcRequest, method: GatedMethod): void {
    const held: Held = { phase: 'held', method };
    this.outstanding.set(request.id, held);
    this.services
      .gate(this, request, method, (callId) => (held.callId = callId))
      .then((result) => {
        // The host cancelled or went away meanwhile: the gate has recorded that; nothing to send.
        if (this.outstanding.get(request.id) !== held || this.closed) return;
        if (result.kind === 'answer') {
          this.outstanding.delete(request.id);
          this.toHost(result.response);
          return;
        }
        if (this.refusal !== undefined) {
          this.outstanding.delete(request.id);
          this.toHost(this.refusalResponse(request));
          return;
        }
        this.outstanding.set(request.id, {
          phase: 'forwarded',
          method,
          startedAt: Date.now(),
          call: { id: result.callId, target: result.target, method, recorded: result.recorded },
        });
        this.sendUpstreamWire(request, `${result.wire}\n`);
      })
      .catch((error: Error) => {
        if (this.outstanding.get(request.id) !== held) return;
        this.outstanding.delete(request.id);
        this.toHost(errorResponse(request.id, ErrorCodes.InternalError, `Airlock could not decide this call: ${error.message}`));
      });
  }

  private hostNotification(notification: JsonRpcNotification): void {
    if (notification.method === 'notifications/cancelled') {
      const requestId = notification.params?.requestId;
      const pending = requestId === undefined ? undefined : this.outstanding.get(requestId as RequestId);
      if (pending?.phase === 'held') {
        // Never reached the server: withdraw the card and forward nothing.
        this.outstanding.delete(requestId as RequestId);
        if (pending.callId) this.services.withdraw(pending.callId, 'host-cancelled');
        return;
      }
      if (pending?.phase === 'forwarded') {
        this.outstanding.delete(requestId as RequestId);
        if (pending.call) this.services.abandonCall(this, pending.call, 'cancelled', 'the host cancelled the request', Date.now() - pending.startedAt);
      }
    }
    if (this.refusal !== undefined) return;
    this.toUpstream(notification);
  }

  private recordClientInfo(params: JsonObject | undefined): void {
    const info = params?.clientInfo;
    if (typeof info === 'object' && info !== null) {
      const { name, version } = info as { name?: unknown; version?: unknown };
      if (typeof name === 'string') this.host.name = name.slice(0, 200);
      if (typeof version === 'string') this.host.version = version.slice(0, 100);
    }
  }

  // ── server → host ────────────────────────────────────────────────────────────

  private fromUpstream(value: unknown, bytes: number): void {
    if (this.closed) return;
    const classified = classify(value);
    if (classified.kind === 'invalid') {
      this.noteProtocolNoise(`the server sent an invalid message: ${classified.reason}`);
      return;
    }
    if (classified.kind === 'notification') {
      this.toHost(classified.message);
      if (LIST_CHANGED.has(classified.message.method)) this.services.upstreamListChanged(this, classified.message.method);
      return;
    }
    if (classified.kind === 'request') {
      this.serverRequest(classified.message);
      return;
    }
    const response = classified.message;
    const id = response.id;
    if (typeof id === 'string' && id.startsWith(OWN_ID_PREFIX)) {
      const resolve = this.ownRequests.get(id);
      if (resolve) {
        this.ownRequests.delete(id);
        resolve(response);
        return;
      }
    }
    const pending = id === null ? undefined : this.outstanding.get(id);
    if (!pending || pending.phase !== 'forwarded') return; // answered already (cancel, revoke): drop
    this.outstanding.delete(id!);
    if (!pending.call) {
      if (INSPECTED_RESPONSES.has(pending.method) && response.result) {
        void this.services.inspectResponse(this, pending.method, response, pending.paged === true).then((toSend) => this.toHost(toSend));
      } else this.toHost(response);
      return;
    }
    const durationMs = Date.now() - pending.startedAt;
    void this.services.completeCall(this, pending.call, response, durationMs, bytes).then((toSend) => this.toHost(toSend));
  }

  private serverRequest(request: JsonRpcRequest): void {
    if (!SERVER_REQUESTS.has(request.method)) {
      this.toHost(request);
      return;
    }
    this.services
      .gateServerRequest(this, request, request.method as ServerRequestMethod)
      .then((decision) => {
        if (this.closed) return;
        if (decision.forward) this.toHost(request);
        else this.toUpstream(decision.response);
      })
      .catch((error: Error) => this.toUpstream(errorResponse(request.id, ErrorCodes.InternalError, `Airlock could not decide: ${error.message}`)));
  }

  private upstreamProblem(problem: FramingProblem): void {
    const description = describeFramingProblem(problem);
    if (problem.kind === 'too-large' || problem.kind === 'too-deep') {
      // A reply Airlock cannot pass on would leave a request hanging forever: stop the session instead.
      this.failAll(`the server sent a message Airlock will not forward (${description})`);
      this.upstream?.kill(`it sent an unacceptable message (${description})`);
      return;
    }
    this.noteProtocolNoise(`the server wrote something that is not MCP (${description})`);
  }

  private noteProtocolNoise(detail: string): void {
    // Servers that print logs to stdout would flood the log; record the first few and a count.
    this.protocolNoise++;
    if (this.protocolNoise <= 5) this.services.sessionEvent(this, 'protocol-error', detail);
  }

  private upstreamExited(exit: UpstreamExit): void {
    const how = exit.reason ?? (exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`);
    this.services.sessionEvent(this, 'upstream-exited', how);
    if (this.closed || this.refusal !== undefined) return;
    this.failAll(`The server "${this.serverName}" stopped while handling this request (${how}).`);
    this.close();
  }

  /** Answers every outstanding request with an error, withdrawing held cards. */
  private failAll(message: string): void {
    for (const [id, pending] of this.outstanding) {
      if (pending.phase === 'held') {
        if (pending.callId) this.services.withdraw(pending.callId, 'upstream-failed');
      } else if (pending.call) {
        this.services.abandonCall(this, pending.call, 'upstream-failed', message, Date.now() - pending.startedAt);
      }
      this.toHost(errorResponse(id, ErrorCodes.AirlockUpstreamFailed, message));
    }
    this.outstanding.clear();
    for (const resolve of this.ownRequests.values()) resolve(errorResponse(null, ErrorCodes.AirlockUpstreamFailed, message));
    this.ownRequests.clear();
  }

  // ── Airlock's own requests to the server ─────────────────────────────────────

  /** Sends a request of Airlock's own (e.g. a re-list) upstream; its answer never reaches the host. */
  requestUpstream(method: string, params?: JsonObject): Promise<JsonRpcResponse> {
    const id = `${OWN_ID_PREFIX}${this.id}-${++this.ownCounter}`;
    return new Promise((resolve) => {
      this.ownRequests.set(id, resolve);
      const request: JsonRpcRequest = { jsonrpc: '2.0', id, method, ...(params ? { params } : {}) };
      this.toUpstream(request);
    });
  }

  notifyHost(method: string, params?: JsonObject): void {
    this.toHost({ jsonrpc: '2.0', method, ...(params ? { params } : {}) });
  }

  /** Sends something to the host in the context of one of its requests (HTTP routes it to that stream). */
  toHostRelated(message: object, relatedRequestId: RequestId): void {
    if (!this.closed) this.downstream.send(message, { relatedRequestId });
  }

  // ── tightening ──────────────────────────────────────────────────────────────

  /**
   * Revocation: the server process tree dies now, requests in flight get an error, and from here on
   * every request is refused; the host keeps its connection so it does not break, and is told the
   * tool list changed (to nothing).
   */
  revoke(message: string): void {
    if (this.closed) return;
    this.refusal = message;
    for (const [id, pending] of this.outstanding) {
      if (pending.phase !== 'forwarded') continue; // held calls are denied by the core, through their cards
      if (pending.call) this.services.abandonCall(this, pending.call, 'upstream-failed', 'the server was revoked while the call ran', Date.now() - pending.startedAt);
      this.toHost(errorResponse(id, ErrorCodes.AirlockDenied, message));
      this.outstanding.delete(id);
    }
    this.upstream?.kill('revoked');
    this.notifyHost('notifications/tools/list_changed');
  }

  private refusalResponse(request: JsonRpcRequest): JsonRpcResponse {
    const message = this.refusal ?? 'refused';
    if (request.method === 'ping') return resultResponse(request.id, {});
    if (request.method === 'tools/list') return resultResponse(request.id, { tools: [] });
    if (request.method === 'tools/call') {
      return resultResponse(request.id, { content: [{ type: 'text', text: message }], isError: true, _meta: { 'dev.airlock/decision': 'refused' } });
    }
    return errorResponse(request.id, request.method === 'initialize' ? ErrorCodes.AirlockUnavailable : ErrorCodes.AirlockDenied, message);
  }

  // ── plumbing ────────────────────────────────────────────────────────────────

  private toHost(message: object): void {
    if (!this.closed) this.downstream.send(message);
  }

  private toUpstream(message: object): void {
    this.sendUpstreamWire(message, encodeLine(message));
  }

  private sendUpstreamWire(message: object, line: string): void {
    if (this.refusal !== undefined || !this.upstream) return;
    try {
      this.upstream.send(message, line);
    } catch (error) {
      const id = (message as { id?: RequestId }).id;
      if (id !== undefined && 'method' in message) {
        this.outstanding.delete(id);
        this.toHost(errorResponse(id, ErrorCodes.AirlockUpstreamFailed, `The server "${this.serverName}" is not running: ${(error as Error).message}`));
      }
    }
  }

  /** Ids of held calls that belong to this session. */
  heldCallIds(): string[] {
    const ids: string[] = [];
    for (const pending of this.outstanding.values()) if (pending.phase === 'held' && pending.callId) ids.push(pending.callId);
    return ids;
  }

  /** Settles once a closed session's server process tree is gone (undefined while open). */
  get whenStopped(): Promise<void> | undefined {
    return this.stopped;
  }

  /** Cuts a graceful stop short: the server's process tree is killed now. */
  killServer(reason: string): void {
    this.upstream?.kill(reason);
  }

  /**
   * The host went away (or Airlock is stopping): withdraw its cards, stop its server. The promise
   * settles once the server's whole process tree is gone.
   */
  close(graceMs?: number): Promise<void> {
    if (this.closed) return this.stopped ?? Promise.resolve();
    this.closed = true;
    for (const pending of this.outstanding.values()) {
      if (pending.phase === 'held' && pending.callId) this.services.withdraw(pending.callId, 'host-gone');
      else if (pending.phase === 'forwarded' && pending.call) {
        this.services.abandonCall(this, pending.call, 'cancelled', 'the host disconnected before the answer', Date.now() - pending.startedAt);
      }
    }
    this.outstanding.clear();
    this.downstream.close();
    this.stopped = this.upstream?.close(graceMs) ?? Promise.resolve();
    this.services.sessionEvent(this, 'session-closed');
    this.services.sessionEnded(this);
    return this.stopped;
  }
}
