import fs from 'node:fs';
import type { AuditEntry, CallEntry } from '../../shared/audit';
import { ApiFailure, type CoreApi } from '../../shared/contract';
import { errorResponse, ErrorCodes, progressTokenOf, resultResponse, type JsonRpcRequest, type JsonRpcResponse } from '../../shared/jsonrpc';
import { evaluatePolicy } from '../../shared/policy';
import { redact, redactText } from '../../shared/secrets';
import type {
  DefinitionKind,
  DefinitionReview,
  ElicitationReview,
  PendingItem,
  RootsReview,
  SamplingReview,
  ServerRequestMethod,
  Authority,
  DecidedBy,
  GatedMethod,
  Outcome,
  PendingCall,
  Rule,
  ServerRecord,
  ServerView,
  StatusView,
} from '../../shared/types';
import { ApprovalQueue, methodOfItem, RETRY_WINDOW_MS, RetryGrants, targetOfItem, type HeldCall, type Verdict } from './approvals';
import { canonicalJson } from '../../shared/canonical';
import { definitionKey } from '../../shared/definitions';
import { scanElicitation, scanSampling } from '../../shared/findings';
import { DefinitionGuard, ReviewError } from './pins/guard';
import { PinStore } from './pins/store';
import { LIST_METHODS, LIST_CHANGED_METHODS, NOTIFICATION_FOR_KIND, toolFacts } from './pins/lists';
import { sha256Hex } from './describe-call';
import { AuditLog, AuditUnavailable } from './audit/log';
import { HistoryService } from './history/service';
import { describeCall, newId, type DescribedCall } from './describe-call';
import { CoreEvents } from './events';
import { acquireCoreLock } from './lock';
import { pathsFor, type AirlockPaths } from './paths';
import * as refusals from './refusals';
import { ensurePrivateDir } from './secure-fs';
import { HostSession, type Downstream, type GateResult, type SessionServices } from './session';
import { SettingsStore } from './settings';
import { Integrity, type TamperReport } from './integrity';
import { childEnvNames } from './upstream/child-env';
import { StdioUpstream } from './upstream/stdio';
import { FileKeyProvider, SecretStore, secretEnvNames, secretStoreFile, serverSecretId, serverSecretPrefix, type KeyProvider } from './secret-store';
import { HostsService, type HostsOptions } from './hosts/service';
import type { Upstream, UpstreamHandlers } from './upstream/types';
import { buildStdioSpec, checkServerName, InvalidServer, type StdioSpecInput } from './server-spec';
import { RemoteService } from './remote/service';
import { buildHttpSpec, headerSecretId, InvalidRemoteServer, type HttpSpecInput } from './remote/http-spec';

import { VERSION } from './version';

export interface CoreOptions {
  home: string;
  /** Interval of "waiting for approval" progress notifications to hosts that asked for progress. */
  progressIntervalMs?: number;
  /** Overrides the hold budget from settings (tests). */
  holdBudgetMs?: number;
  /** Working directory for servers without their own. */
  defaultCwd?: string;
  /** Take the single-instance lock (default true). */
  lock?: boolean;
  /**
   * 'service' hosts sessions; 'offline' is a CLI command editing state while no core runs
   * (same rules, same records, no start/stop lines).
   */
  mode?: 'service' | 'offline';
  /** Key of the secret store (default: a key file in the home; the desktop app passes safeStorage). */
  keyProvider?: KeyProvider;
  /** Where agent hosts keep their config files, and what protected entries launch (tests use fixture homes). */
  hosts?: HostsOptions;
  /** Opens a validated authorization URL for a login started in the window (desktop: the system browser). */
  openExternal?: (url: URL) => Promise<void> | void;
}

type ForwardedCall = { id: string; target: string; method: GatedMethod };

function grantKey(method: GatedMethod | ServerRequestMethod, target: string): string {
  return `${method} ${target}`;
}

function outcomeFor(by: DecidedBy): Outcome {
  if (by === 'host-cancelled' || by === 'host-gone') return 'cancelled';
  if (by === 'timeout') return 'waiting';
  return 'denied';
}

/**
 * The Airlock core: settings, sessions, the gate, the approval queue and the audit log. It runs
 * under plain Node and is hosted either by `airlock serve` or by the Electron main process; UIs
 * reach it only through `api` and `events`, which implement the contract in `shared/`.
 */
export class Core implements SessionServices {
  readonly paths: AirlockPaths;
  readonly settings: SettingsStore;
  readonly audit: AuditLog;
  /** Encrypted values: server env secrets (settings.json keeps their names only). */
  readonly secrets: SecretStore;
  /** Agent hosts' config files: discovery, protect/unprotect, drift alerts. */
  readonly hosts: HostsService;
  /** Call history: index, retention, verification, export, OpenTelemetry. */
  readonly history: HistoryService;
  /** Approved definitions per server (metadata is input: pinned, diffed, withheld until approved). */
  readonly pins: PinStore;
  readonly guard: DefinitionGuard;
  readonly events = new CoreEvents();
  readonly queue = new ApprovalQueue();
  readonly retryGrants = new RetryGrants();
  readonly api: CoreApi;
  private readonly sessions = new Set<HostSession>();
  /** Remote servers: upstreams over HTTP, Airlock's OAuth logins, their authority and revocation. */
  readonly remote: RemoteService;
  /** Work that outlives the command that started it (token revocation at an AS); stop() waits for it. */
  private readonly background = new Set<Promise<unknown>>();
  private readonly releaseLock: () => void;
  private readonly progressIntervalMs: number;
  private readonly holdBudgetOverride: number | undefined;
  private readonly defaultCwd: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly relists = new Map<string, NodeJS.Timeout>();
  private readonly keyProvider: KeyProvider;
  private readonly unwatch: Array<() => void> = [];
  private stopped = false;
  private readonly mode: 'service' | 'offline';

  constructor(options: CoreOptions) {
    this.mode = options.mode ?? 'service';
    this.paths = pathsFor(options.home);
    ensurePrivateDir(this.paths.home);
    this.releaseLock = options.lock === false ? () => {} : acquireCoreLock(this.paths.lock);
    try {
      const keyProvider = options.keyProvider ?? new FileKeyProvider(this.paths.home);
      this.keyProvider = keyProvider;
      const integrity = new Integrity(keyProvider);
      this.settings = new SettingsStore(this.paths.settings, integrity);
      this.pins = new PinStore(this.paths.pins, integrity);
      this.audit = new AuditLog(this.paths.auditDir);
      this.audit.open();
    } catch (error) {
      this.releaseLock();
      throw error;
    }
    this.progressIntervalMs = options.progressIntervalMs ?? 5000;
    this.holdBudgetOverride = options.holdBudgetMs;
    this.defaultCwd = options.defaultCwd ?? process.cwd();
    this.guard = new DefinitionGuard(this.pins, {
      trustOnFirstUse: () => this.trustOnFirstUse,
      specHash: (server) => sha256Hex(canonicalJson(this.settings.data.servers[server]?.spec ?? null)),
      otherServerTools: (server) => this.otherServerTools(server),
      reviewChanged: (review, change) => this.reviewChanged(review, change),
      decided: (server, decision, items, by) => this.definitionsDecided(server, decision, items, by),
    });
    this.secrets = new SecretStore(secretStoreFile(this.paths.home), this.keyProvider);
    this.remote = new RemoteService(this.paths.home, this.keyProvider, {
      record: (entry) => this.record({ type: 'event', ...entry }),
      changed: () => this.emitServers(),
      holdBudgetMs: () => this.holdBudgetMs,
      secret: (id) => this.secrets.get(id),
      openExternal: options.openExternal,
    });
    this.hosts = new HostsService(this, this.keyProvider, options.hosts);
    this.api = this.buildApi();
    this.audit.onAppend((record) => this.events.emit('audit', record));
    // The UI's banner follows the log: shown when it cannot be written, gone when it can again.
    this.audit.onProblem(() => this.emitStatus());
    this.history = new HistoryService({
      log: this.audit,
      settings: () => this.settings.data.history,
      saveSettings: (next) => this.settings.update((s) => void (s.history = next)),
      version: VERSION,
      onIndexState: (state) => this.events.emit('historyIndexChanged', state),
    });
    if (this.mode === 'service') void this.history.start();
    for (const note of this.audit.recovered) {
      this.record({ type: 'event', event: 'audit-recovered', detail: `an incomplete last line (${note.bytes} bytes) was moved to ${note.quarantinedTo}` });
    }
    if (this.mode === 'service') this.record({ type: 'event', event: 'core-started', detail: `pid ${process.pid}` });
    for (const report of this.tamperReports()) this.integrityFailed(report);
    if (this.mode === 'service') this.watchIntegrity();
  }

  get holdBudgetMs(): number {
    return this.holdBudgetOverride ?? this.settings.data.holdBudgetMs;
  }

  // ── sessions ──────────────────────────────────────────────────────────────

  /** Opens a host session for a server. Unknown and revoked servers get a session that refuses everything. */
  openSession(serverName: string, downstream: Downstream): HostSession {
    const record = this.settings.data.servers[serverName];
    const placeholder: ServerRecord = record ?? {
      name: serverName,
      spec: { transport: 'stdio', command: '', args: [], env: {}, envPass: [], secretEnv: [] },
      addedAt: '',
    };
    let refusal: string | undefined;
    if (this.stopped) refusal = refusals.NOT_RUNNING;
    else if (!record) refusal = refusals.unknownServer(serverName);
    else if (this.revocationOf(serverName)) refusal = refusals.revoked(serverName);
    const session = new HostSession(placeholder, downstream, this, refusal);
    this.sessions.add(session);
    void session.start().then(() => this.emitServers());
    return session;
  }

  sessionsOf(server: string): HostSession[] {
    return [...this.sessions].filter((s) => s.serverName === server);
  }

  createUpstream(server: ServerRecord, handlers: UpstreamHandlers): Upstream {
    if (server.spec.transport !== 'stdio') return this.remote.createUpstream(server, handlers);
    const name = server.name;
    return new StdioUpstream(server.spec, handlers, this.defaultCwd, (envName) => {
      const value = this.secrets.get(serverSecretId(name, envName));
      if (value === undefined) throw new Error(`the secret ${envName} of "${name}" is missing from Airlock's secret store`);
      return value;
    });
  }

  sessionEvent(session: HostSession, event: 'session-opened' | 'session-closed' | 'upstream-exited' | 'protocol-error', detail?: string): void {
    this.record({ type: 'event', event, server: session.serverName, session: session.id, ...(detail ? { detail: redactText(detail) } : {}) });
  }

  sessionEnded(session: HostSession): void {
    this.sessions.delete(session);
    this.emitServers();
  }

  // ── the gate ──────────────────────────────────────────────────────────────

  authorityOf(record: ServerRecord): Authority {
    const spec = record.spec;
    if (spec.transport === 'stdio') {
      return { kind: 'local', command: spec.command, args: spec.args, cwd: spec.cwd ?? this.defaultCwd, envNames: childEnvNames(spec) };
    }
    return this.remote.authority(record);
  }

  async gate(session: HostSession, request: JsonRpcRequest, method: GatedMethod, onHeld: (callId: string) => void): Promise<GateResult> {
    // A host that calls before listing is judged against the server's current definitions all the same.
    const listMethod = method === 'tools/call' ? 'tools/list' : method === 'prompts/get' ? 'prompts/list' : undefined;
    if (listMethod && !session.listed.has(listMethod) && session.isLive) await this.relist(session, [listMethod]);
    const record = this.settings.data.servers[session.serverName];
    const name = String(request.params?.[method === 'resources/read' ? 'uri' : 'name'] ?? '');
    const key = definitionKey(method === 'tools/call' ? 'tool' : method === 'prompts/get' ? 'prompt' : 'resource', name);
    const pin = this.guard.pin(session.serverName, key);
    const described = describeCall({
      request,
      method,
      server: session.serverName,
      host: { ...session.host },
      authority: this.authorityOf(record ?? session.server),
      workingDir: record?.spec.transport === 'stdio' ? (record.spec.cwd ?? this.defaultCwd) : this.defaultCwd,
      tool: method === 'tools/call' && pin ? toolFacts(pin.view) : undefined,
      holdBudgetMs: this.holdBudgetMs,
      now: Date.now(),
    });
    const { item } = described;
    if (pin) {
      described.definition = { key, hash: pin.hash };
      const findings = this.guard.findings(session.serverName, pin);
      if (findings.length > 0) item.findings = findings;
      if (pin.lastChange) item.diff = pin.lastChange;
    }
    if (!record || this.revocationOf(session.serverName)) return this.refuse(described, request, 'revoke', refusals.revoked(session.serverName));
    if (this.paused) return this.refuse(described, request, 'pause', refusals.PAUSED);
    // Resources read by URI from a template were never listed; only listed ones are pinned.
    if (method !== 'resources/read' || session.observed.has(key)) {
      const state = this.guard.callable(session.serverName, key, session.observed.get(key));
      if (state !== 'approved') return this.refuse(described, request, 'withheld', refusals.withheld(item.target, state));
    }

    const verdict = evaluatePolicy(this.rules, item.server, item.target);
    if (verdict.action === 'deny') {
      return this.refuse(described, request, 'rule', refusals.deniedByRule(item.target, item.server), verdict.rule!.id);
    }
    if (verdict.action === 'allow') return this.allow(described, request, 'rule', verdict.rule!.id);
    if (!verdict.rule && session.sessionGrants.has(grantKey(method, item.target))) return this.allow(described, request, 'session-grant');
    if (this.retryGrants.consume(item.server, method, item.target, described.argsHash, Date.now())) {
      return this.allow(described, request, 'retry-grant');
    }
    return this.hold(described, session, request, onHeld);
  }

  private callEntry(described: DescribedCall, decision: 'allow' | 'deny', decidedBy: DecidedBy, note?: string, outcome?: Outcome): CallEntry {
    const { item } = described;
    return {
      type: 'call',
      call: item.id,
      host: item.host,
      server: item.server,
      method: item.method,
      target: item.target,
      resources: item.resources,
      params: redact(item.arguments),
      request: item.hash,
      authority: item.authority,
      ...(described.definition ? { definition: described.definition } : {}),
      decision,
      decidedBy,
      ...(note !== undefined ? { note: redactText(note) } : {}),
      ...(outcome !== undefined ? { outcome } : {}),
    };
  }

  /** Records the decision (synchronously on disk) and releases the frozen bytes. */
  private allow(described: DescribedCall, request: JsonRpcRequest, by: DecidedBy, note?: string): Promise<GateResult> | GateResult {
    try {
      this.audit.append(this.callEntry(described, 'allow', by, note), { sync: 'soon' });
    } catch (error) {
      if (error instanceof AuditUnavailable) return this.refusal(described, request, refusals.auditUnavailable(error.message));
      throw error;
    }
    return { kind: 'forward', callId: described.item.id, wire: described.wire, target: described.item.target };
  }

  /** Records a refusal durably, then builds the answer the host gets. */
  private async refuse(described: DescribedCall, request: JsonRpcRequest, by: DecidedBy, text: string, note?: string): Promise<GateResult> {
    try {
      const { durable } = this.audit.append(this.callEntry(described, 'deny', by, note ?? (by === 'person' ? undefined : text), outcomeFor(by)));
      await durable;
    } catch (error) {
      if (!(error instanceof AuditUnavailable)) throw error;
      // The refusal stands either way; the agent is told why nothing was recorded.
      text = `${text} (${refusals.auditUnavailable(error.message)})`;
    }
    return this.refusal(described, request, text);
  }

  private refusal(described: DescribedCall, request: JsonRpcRequest, text: string): GateResult {
    if (described.item.method === 'tools/call') {
      return {
        kind: 'answer',
        response: resultResponse(request.id, { content: [{ type: 'text', text }], isError: true, _meta: { 'dev.airlock/decision': 'denied' } }),
      };
    }
    return { kind: 'answer', response: errorResponse(request.id, ErrorCodes.AirlockDenied, text) };
  }

  /** Puts the call in the queue and waits for a person, keeping the host alive meanwhile. */
  private hold(described: DescribedCall, session: HostSession, request: JsonRpcRequest, onHeld: (callId: string) => void): Promise<GateResult> {
    const { item } = described;
    return new Promise<GateResult>((resolve) => {
      const progressToken = progressTokenOf(request);
      let ticks = 0;
      const progressTimer =
        progressToken === undefined
          ? undefined
          : setInterval(() => {
              ticks++;
              // Values stay below 1 and keep increasing, so the server's own progress (from 1) still increases after release.
              session.toHostRelated(
                {
                  jsonrpc: '2.0',
                  method: 'notifications/progress',
                  params: { progressToken, progress: ticks / (ticks + 1), message: 'Waiting for approval in Airlock' },
                },
                request.id,
              );
            }, this.progressIntervalMs);
      const budgetTimer = setTimeout(() => expire(), Math.max(0, item.holdDeadline - Date.now()));
      const stopTimers = () => {
        if (progressTimer) clearInterval(progressTimer);
        clearTimeout(budgetTimer);
      };

      const held: HeldCall = {
        item,
        argsHash: described.argsHash,
        sessionId: session.id,
        settle: (verdict: Verdict) => {
          if (this.queue.take(item.id) !== held) return;
          this.events.emit('pendingRemoved', { id: item.id, reason: verdict.kind === 'approve' ? 'approved' : verdict.by });
          this.emitStatus();
          if (item.expired) return this.lateVerdict(held, verdict);
          stopTimers();
          if (verdict.kind === 'approve') resolve(this.allow(described, request, 'person', verdict.scope === 'once' ? undefined : `approved for ${verdict.scope}`));
          else resolve(this.refuse(described, request, verdict.by, this.refusalText(item, verdict), verdict.message));
        },
      };

      const expire = () => {
        stopTimers();
        item.expired = true;
        this.events.emit('pendingUpdated', item);
        resolve(this.refuse(described, request, 'timeout', refusals.waitingForApproval(item.target)));
        const cleanup = setTimeout(() => {
          this.timers.delete(cleanup);
          if (this.queue.get(item.id) === held) held.settle({ kind: 'deny', by: 'timeout' });
        }, RETRY_WINDOW_MS);
        cleanup.unref();
        this.timers.add(cleanup);
      };

      this.queue.add(held);
      onHeld(item.id);
      this.events.emit('pendingAdded', item);
      this.emitStatus();
    });
  }

  private refusalText(item: PendingCall, verdict: Extract<Verdict, { kind: 'deny' }>): string {
    switch (verdict.by) {
      case 'pause':
        return refusals.PAUSED;
      case 'revoke':
        return refusals.revoked(item.server);
      default:
        return refusals.deniedByPerson(item.target, verdict.message);
    }
  }

  /** A verdict after the host was told to wait: an approval lets the identical retry through once. */
  private lateVerdict(held: HeldCall, verdict: Verdict): void {
    const { item } = held;
    if (verdict.kind !== 'approve' || item.kind !== 'call' || held.argsHash === undefined) return;
    this.retryGrants.add({ server: item.server, method: item.method, target: item.target, argsHash: held.argsHash }, Date.now());
    this.record({ type: 'event', event: 'retry-granted', server: item.server, by: 'person', detail: `${item.method} ${item.target} (call ${item.id})` });
  }

  async completeCall(session: HostSession, call: ForwardedCall, response: JsonRpcResponse, durationMs: number, bytes: number): Promise<JsonRpcResponse> {
    const result = response.result;
    const outcome: Outcome = response.error ? 'rpc-error' : result?.isError === true ? 'tool-error' : 'result';
    try {
      const { durable } = this.audit.append({
        type: 'result',
        call: call.id,
        server: session.serverName,
        target: call.target,
        outcome,
        durationMs,
        bytes,
        ...(response.error ? { errorCode: response.error.code, summary: redactText(response.error.message.slice(0, 300)) } : summarise(result)),
      });
      await durable;
      return response;
    } catch (error) {
      if (!(error instanceof AuditUnavailable)) throw error;
      return errorResponse(response.id, ErrorCodes.AirlockDenied, `The call ran, but Airlock withholds its result because it cannot record it (${error.message}).`);
    }
  }

  abandonCall(session: HostSession, call: ForwardedCall, outcome: 'cancelled' | 'upstream-failed', detail: string, durationMs: number): void {
    this.record({ type: 'result', call: call.id, server: session.serverName, target: call.target, outcome, durationMs, summary: detail });
  }

  withdraw(callId: string, reason: 'host-cancelled' | 'host-gone' | 'upstream-failed'): void {
    this.queue.get(callId)?.settle({ kind: 'deny', by: reason === 'upstream-failed' ? 'host-gone' : reason });
  }

  // ── metadata: pins, reviews, server requests ────────────────────────────────

  /** Tool names the person's other servers have approved, for cross-server steering findings. */
  private otherServerTools(server: string): string[] {
    const names: string[] = [];
    for (const [other, pins] of Object.entries(this.pins.data.servers)) {
      if (other === server) continue;
      for (const pin of Object.values(pins.approved)) if (pin.kind === 'tool') names.push(pin.name);
    }
    return names;
  }

  /**
   * What a server says about itself reaches the host only as far as it was approved: unapproved
   * instructions are dropped from initialize, unapproved definitions from lists. A server seen for
   * the first time makes the host wait (up to the hold budget) for the person's first review.
   */
  async inspectResponse(session: HostSession, method: string, response: JsonRpcResponse, paged: boolean): Promise<JsonRpcResponse> {
    const result = response.result!;
    const server = session.serverName;
    if (method === 'initialize') {
      const inspected = { ...result };
      if (inspected.serverInfo !== undefined) this.guard.observe(server, 'server-info', [inspected.serverInfo], false);
      if (typeof inspected.instructions === 'string') {
        const [instructions] = this.guard.observe(server, 'instructions', [inspected.instructions], false).observed;
        session.observed.set(instructions!.key, instructions!.hash);
        if (!this.guard.isApproved(server, instructions!)) delete inspected.instructions;
      }
      // Advertise list changes for what the server offers, so Airlock can tell the host when it releases a withheld definition.
      const capabilities = inspected.capabilities;
      if (capabilities && typeof capabilities === 'object') {
        const caps = { ...(capabilities as Record<string, unknown>) };
        for (const name of ['tools', 'prompts', 'resources']) {
          const cap = caps[name];
          if (cap && typeof cap === 'object') caps[name] = { ...cap, listChanged: true };
        }
        inspected.capabilities = caps;
      }
      return { ...response, result: inspected };
    }
    const list = LIST_METHODS[method];
    const items = list ? result[list.field] : undefined;
    if (!list || !Array.isArray(items)) return response;
    const complete = !paged && result.nextCursor === undefined;
    const { observed, firstSight } = this.guard.observe(server, list.kind, items, complete);
    for (const o of observed) session.observed.set(o.key, o.hash);
    session.listed.add(method);
    if (firstSight) await this.guard.waitForDecision(server, this.holdBudgetMs);
    const visible = items.filter((_, i) => this.guard.isApproved(server, observed[i]!));
    return visible.length === items.length ? response : { ...response, result: { ...result, [list.field]: visible } };
  }

  /** Re-lists after a server's list_changed (debounced), so a rug pull is caught even if the host ignores the notification. */
  upstreamListChanged(session: HostSession, notification: string): void {
    const key = `${session.id} ${notification}`;
    clearTimeout(this.relists.get(key));
    const timer = setTimeout(() => {
      this.relists.delete(key);
      void this.relist(session, LIST_CHANGED_METHODS[notification] ?? []);
    }, 100);
    timer.unref();
    this.relists.set(key, timer);
  }

  private async relist(session: HostSession, methods: string[]): Promise<void> {
    for (const method of methods) {
      const list = LIST_METHODS[method]!;
      let cursor: unknown;
      for (let page = 0; page < 100 && session.isLive; page++) {
        const response = await session.requestUpstream(method, cursor === undefined ? undefined : { cursor });
        const items = response.result?.[list.field];
        if (!Array.isArray(items)) break;
        cursor = response.result?.nextCursor;
        const { observed } = this.guard.observe(session.serverName, list.kind, items, page === 0 && cursor === undefined);
        for (const o of observed) session.observed.set(o.key, o.hash);
        session.listed.add(method);
        if (cursor === undefined) break;
      }
    }
  }

  private reviewChanged(review: DefinitionReview, change: 'added' | 'updated' | 'removed'): void {
    if (change === 'added') {
      this.events.emit('pendingAdded', review);
      const keys = review.items.map((i) => i.key);
      this.record({ type: 'event', event: 'definitions-raised', server: review.server, detail: `${review.reason}: ${keys.length} definition(s): ${keys.slice(0, 20).join(', ')}` });
    } else if (change === 'updated') this.events.emit('pendingUpdated', review);
    else this.events.emit('pendingRemoved', { id: review.id, reason: 'decided' });
    this.emitStatus();
    // The Servers screen lists pending definitions too.
    this.emitServers();
  }

  private definitionsDecided(server: string, decision: 'approved' | 'rejected', items: Array<{ key: string; kind: DefinitionKind }>, by: string): void {
    this.record({
      type: 'event',
      event: decision === 'approved' ? 'definitions-approved' : 'definitions-rejected',
      server,
      by,
      detail: items.map((i) => i.key).slice(0, 50).join(', '),
    });
    if (decision === 'approved') {
      const notifications = new Set(items.map((i) => NOTIFICATION_FOR_KIND[i.kind]).filter((n): n is string => n !== undefined));
      for (const session of this.sessionsOf(server)) if (session.isLive) for (const n of notifications) session.notifyHost(n);
    }
    this.emitServers();
  }

  decideDefinitions(id: string, decision: 'approved' | 'rejected', items: Array<{ key: string; hash: string }>): number {
    try {
      return this.guard.decide(id, decision, items).length;
    } catch (error) {
      if (error instanceof ReviewError) throw new ApiFailure(error.code, error.message);
      throw error;
    }
  }

  /**
   * Sampling, elicitation and roots requests from a server are approved like calls: shown with
   * what the server sends or asks for, held until decided, answered in the spec's own way if not.
   */
  async gateServerRequest(
    session: HostSession,
    request: JsonRpcRequest,
    method: ServerRequestMethod,
  ): Promise<{ forward: true } | { forward: false; response: JsonRpcResponse }> {
    const server = session.serverName;
    const record = this.settings.data.servers[server];
    const params = (request.params ?? {}) as Record<string, unknown>;
    const hash = sha256Hex(canonicalJson(request));
    const base = { id: newId(), hash, server, host: { ...session.host }, receivedAt: Date.now(), holdDeadline: Date.now() + this.holdBudgetMs };
    const item: SamplingReview | ElicitationReview | RootsReview =
      method === 'sampling/createMessage'
        ? {
            kind: 'sampling',
            ...base,
            messages: Array.isArray(params.messages) ? params.messages : [],
            ...(typeof params.systemPrompt === 'string' ? { systemPrompt: params.systemPrompt } : {}),
            ...(typeof params.maxTokens === 'number' ? { maxTokens: params.maxTokens } : {}),
            params,
            findings: scanSampling(params),
          }
        : method === 'elicitation/create'
          ? {
              kind: 'elicitation',
              ...base,
              mode: params.mode === 'url' ? 'url' : 'form',
              message: typeof params.message === 'string' ? params.message : '',
              ...(params.requestedSchema !== undefined ? { requestedSchema: params.requestedSchema } : {}),
              ...(typeof params.url === 'string' ? { url: params.url } : {}),
              findings: scanElicitation(params),
            }
          : { kind: 'roots', ...base };

    const entry = (decision: 'allow' | 'deny', decidedBy: DecidedBy, note?: string): CallEntry => ({
      type: 'call',
      call: item.id,
      host: item.host,
      server,
      method,
      target: method,
      resources: [],
      params: redact(params),
      request: hash,
      decision,
      decidedBy,
      ...(note ? { note: redactText(note) } : {}),
      ...(decision === 'deny' ? { outcome: outcomeFor(decidedBy) } : {}),
    });
    const refused = (expired: boolean): JsonRpcResponse => {
      if (method === 'elicitation/create') return resultResponse(request.id, { action: expired ? 'cancel' : 'decline' });
      if (method === 'sampling/createMessage') {
        return errorResponse(request.id, ErrorCodes.SamplingRejected, expired ? 'User rejected sampling request (not approved in Airlock in time)' : 'User rejected sampling request');
      }
      return errorResponse(request.id, ErrorCodes.AirlockDenied, expired ? 'The roots request was not approved in Airlock in time.' : 'The user did not share roots with this server in Airlock.');
    };
    const decide = async (decision: 'allow' | 'deny', by: DecidedBy, note?: string): Promise<{ forward: true } | { forward: false; response: JsonRpcResponse }> => {
      try {
        await this.audit.append(entry(decision, by, note)).durable;
      } catch (error) {
        if (!(error instanceof AuditUnavailable)) throw error;
        return { forward: false, response: refused(false) };
      }
      return decision === 'allow' ? { forward: true } : { forward: false, response: refused(by === 'timeout') };
    };

    if (!record || this.revocationOf(server)) return decide('deny', 'revoke');
    if (this.paused) return decide('deny', 'pause');
    const verdict = evaluatePolicy(this.rules, server, method);
    if (verdict.action === 'deny') return decide('deny', 'rule', verdict.rule!.id);
    if (verdict.action === 'allow') return decide('allow', 'rule', verdict.rule!.id);
    if (session.sessionGrants.has(grantKey(method, method))) return decide('allow', 'session-grant');

    return new Promise((resolve) => {
      const timer = setTimeout(() => held.settle({ kind: 'deny', by: 'timeout' }), this.holdBudgetMs);
      const held: HeldCall = {
        item,
        sessionId: session.id,
        settle: (verdict: Verdict) => {
          if (this.queue.take(item.id) !== held) return;
          clearTimeout(timer);
          this.events.emit('pendingRemoved', { id: item.id, reason: verdict.kind === 'approve' ? 'approved' : verdict.by });
          this.emitStatus();
          resolve(verdict.kind === 'approve' ? decide('allow', 'person') : decide('deny', verdict.by, verdict.message));
        },
      };
      this.queue.add(held);
      this.events.emit('pendingAdded', item);
      this.emitStatus();
    });
  }

  // ── decisions from the UI ────────────────────────────────────────────────

  approve(id: string, hash: string, scope: 'once' | 'session' | 'always'): { rule?: Rule } {
    const held = this.queue.get(id);
    if (!held) throw new ApiFailure('not-found', 'No pending call with that id: it was already decided, withdrawn by the host, or expired.');
    if (held.item.hash !== hash) throw new ApiFailure('conflict', 'The approval names a different request than the one pending; nothing was approved.');
    let rule: Rule | undefined;
    const target = targetOfItem(held.item);
    if (scope === 'session') {
      const session = [...this.sessions].find((s) => s.id === held.sessionId);
      session?.sessionGrants.add(grantKey(methodOfItem(held.item), target));
    } else if (scope === 'always') {
      rule = this.addRule({ server: held.item.server, tool: target, action: 'allow', source: 'Always allow on a card' });
    }
    held.settle({ kind: 'approve', scope });
    const record = this.settings.data.servers[held.item.server];
    if (record && held.item.kind === 'call') this.remote.noteApproved(record);
    return rule ? { rule } : {};
  }

  deny(id: string, message?: string): void {
    const held = this.queue.get(id);
    if (!held) throw new ApiFailure('not-found', 'No pending call with that id: it was already decided, withdrawn by the host, or expired.');
    held.settle({ kind: 'deny', by: 'person', ...(message ? { message } : {}) });
  }

  addRule(rule: Omit<Rule, 'id' | 'createdAt'>): Rule {
    const full: Rule = { id: newId(), createdAt: new Date().toISOString(), ...rule };
    this.settings.update((s) => {
      s.rules.push(full);
    });
    this.record({ type: 'event', event: 'rule-added', server: rule.server, by: 'person', detail: `${rule.action} ${rule.tool}` });
    this.events.emit('rulesChanged', this.settings.data.rules);
    this.emitServers();
    return full;
  }

  removeRule(id: string, by: string): void {
    const rule = this.settings.data.rules.find((r) => r.id === id);
    if (!rule) throw new ApiFailure('not-found', 'No rule with that id.');
    this.settings.update((s) => {
      s.rules = s.rules.filter((r) => r.id !== id);
    });
    this.record({ type: 'event', event: 'rule-removed', server: rule.server, by, detail: `${rule.action} ${rule.tool}` });
    this.events.emit('rulesChanged', this.settings.data.rules);
    this.emitServers();
  }

  // ── tightening (open to any local process) ─────────────────────────────────

  revoke(server: string, by: string): void {
    const record = this.settings.data.servers[server];
    if (!record) throw new ApiFailure('not-found', `No server named "${server}".`);
    if (!record.revoked) {
      this.settings.update((s) => {
        s.servers[server]!.revoked = { at: new Date().toISOString(), by };
      });
    }
    for (const held of this.queue.list()) if (held.item.server === server) held.settle({ kind: 'deny', by: 'revoke' });
    this.retryGrants.dropServer(server);
    for (const session of this.sessionsOf(server)) session.revoke(refusals.revoked(server));
    this.record({ type: 'event', event: 'server-revoked', server, by });
    // A remote server's tokens are revoked at its AS and deleted, so restoring it needs a fresh login.
    if (record.spec.transport !== 'stdio') this.inBackground(this.remote.logout(record, by)).catch(() => {});
    this.emitServers();
  }

  /** Keeps a promise until it settles, so stop() (and an offline CLI command) waits for it. */
  inBackground<T>(work: Promise<T>): Promise<T> {
    this.background.add(work);
    void work.then(
      () => this.background.delete(work),
      () => this.background.delete(work),
    );
    return work;
  }

  restore(server: string, by: string): void {
    const record = this.settings.data.servers[server];
    if (!record) throw new ApiFailure('not-found', `No server named "${server}".`);
    if (!record.revoked) return;
    this.settings.update((s) => {
      delete s.servers[server]!.revoked;
    });
    this.record({ type: 'event', event: 'server-restored', server, by });
    this.emitServers();
  }

  pause(by: string): void {
    if (!this.settings.data.paused) this.settings.update((s) => void (s.paused = true));
    for (const held of this.queue.list()) held.settle({ kind: 'deny', by: 'pause' });
    this.record({ type: 'event', event: 'paused', by });
    this.emitStatus();
  }

  resume(by: string): void {
    if (!this.settings.data.paused) return;
    this.settings.update((s) => void (s.paused = false));
    this.record({ type: 'event', event: 'resumed', by });
    this.emitStatus();
  }

  addServer(name: string, input: StdioSpecInput, by: string): ServerRecord {
    checkServerName(name, Object.keys(this.settings.data.servers));
    const built = buildStdioSpec(input);
    // Secret-looking values go to the encrypted store; settings.json keeps their names only.
    const secretNames = secretEnvNames(built.env);
    const spec = { ...built, env: { ...built.env }, secretEnv: secretNames };
    for (const envName of secretNames) delete spec.env[envName];
    const secrets = Object.fromEntries(secretNames.map((envName) => [serverSecretId(name, envName), built.env[envName]!]));
    return this.register({ name, spec, addedAt: new Date().toISOString() }, secrets, by, spec.command);
  }

  /** Registers a remote server (Streamable HTTP or legacy SSE); static header values go to the secret store. */
  addRemoteServer(name: string, input: HttpSpecInput, by: string): ServerRecord {
    checkServerName(name, Object.keys(this.settings.data.servers));
    let built: ReturnType<typeof buildHttpSpec>;
    try {
      built = buildHttpSpec(input);
    } catch (error) {
      if (error instanceof InvalidRemoteServer) throw new InvalidServer(error.message);
      throw error;
    }
    this.remote.store.forgetServer(name);
    const secrets = Object.fromEntries(Object.entries(built.headers).map(([header, value]) => [headerSecretId(name, header), value]));
    return this.register({ name, spec: built.spec, addedAt: new Date().toISOString() }, secrets, by, `${built.spec.transport} ${built.spec.url}`);
  }

  /** Stores a new server's secrets, then its record; a failed save takes the secrets back out. */
  private register(record: ServerRecord, secrets: Record<string, string>, by: string, detail: string): ServerRecord {
    this.secrets.deletePrefix(serverSecretPrefix(record.name));
    for (const [id, value] of Object.entries(secrets)) this.secrets.set(id, value);
    try {
      this.settings.update((s) => {
        s.servers[record.name] = record;
      });
    } catch (error) {
      this.secrets.deletePrefix(serverSecretPrefix(record.name));
      throw error;
    }
    this.record({ type: 'event', event: 'server-added', server: record.name, by, detail });
    this.emitServers();
    return record;
  }

  removeServer(name: string, by: string): void {
    if (!this.settings.data.servers[name]) throw new InvalidServer(`no server named "${name}"`);
    const removed = this.settings.data.servers[name]!;
    if (removed.spec.transport !== 'stdio') this.inBackground(this.remote.logout(removed, by, true)).catch(() => {});
    for (const held of this.queue.list()) if (held.item.server === name) held.settle({ kind: 'deny', by: 'revoke' });
    for (const session of this.sessionsOf(name)) session.revoke(refusals.unknownServer(name));
    this.settings.update((s) => {
      delete s.servers[name];
      s.rules = s.rules.filter((r) => r.server !== name);
    });
    try {
      this.secrets.deletePrefix(serverSecretPrefix(name));
    } catch {
      /* the server is gone either way; a damaged store is reported when next read */
    }
    this.guard.forget(name);
    this.record({ type: 'event', event: 'server-removed', server: name, by });
    this.emitServers();
  }

  // ── views ────────────────────────────────────────────────────────────────

  /** Settings a person changes in the window (loosening ones, like trust on first use, are UI-only). */
  updateSettings(change: { trustOnFirstUse?: boolean; holdBudgetMs?: number }): void {
    this.settings.update((s) => {
      if (change.trustOnFirstUse !== undefined) s.trustOnFirstUse = change.trustOnFirstUse;
      if (change.holdBudgetMs !== undefined) s.holdBudgetMs = change.holdBudgetMs;
    });
    this.record({ type: 'event', event: 'settings-changed', by: 'person', detail: JSON.stringify(change) });
    this.emitStatus();
  }

  // ── effective settings: what a file edited outside Airlock may not loosen ────────

  private integrityFailed(report: TamperReport): void {
    this.record({ type: 'event', event: 'integrity-failed', detail: `${report.file} was edited outside Airlock: ${report.changes.slice(0, 10).join('; ')}` });
    this.events.emit('integrityAlert', report);
    this.emitStatus();
  }

  /** Notices settings or pins edited while Airlock runs (a poll, so it works on every file system). */
  private watchIntegrity(): void {
    for (const store of [this.settings, this.pins]) {
      const listener = () => {
        if (this.stopped || store.tamper || !store.changedOnDisk()) return;
        store.reload();
        if (store.tamper) this.integrityFailed(store.tamper);
      };
      fs.watchFile(store.file, { interval: 1000, persistent: false }, listener);
      this.unwatch.push(() => fs.unwatchFile(store.file, listener));
    }
  }

  tamperReports(): TamperReport[] {
    return [this.settings.tamper, this.pins.tamper].filter((r): r is TamperReport => r !== undefined);
  }

  /** Allow rules from a tampered settings file are not trusted: everything falls back to ask. */
  private get rules(): Rule[] {
    const rules = this.settings.data.rules;
    return this.settings.tamper ? rules.filter((r) => r.action !== 'allow') : rules;
  }

  private get paused(): boolean {
    return this.settings.data.paused || (this.settings.tamper !== undefined && this.settings.trustedData?.paused === true);
  }

  private get trustOnFirstUse(): boolean {
    return this.settings.tamper === undefined && this.settings.data.trustOnFirstUse;
  }

  /**
   * A server's revocation as it stands. Under a tamper alert, a revocation the edit removed still
   * holds, and a server the edit added or whose launch command it changed is blocked until accepted.
   */
  revocationOf(name: string): { at: string; by: string } | undefined {
    const record = this.settings.data.servers[name];
    if (!record) return undefined;
    if (record.revoked) return record.revoked;
    const tamper = this.settings.tamper;
    if (!tamper) return undefined;
    const trusted = this.settings.trustedData?.servers[name];
    if (trusted?.revoked) return trusted.revoked;
    if (!trusted || canonicalJson(trusted.spec) !== canonicalJson(record.spec)) return { at: tamper.detectedAt, by: 'integrity check' };
    return undefined;
  }

  /** The person accepts settings edited outside Airlock (after reading what changed). */
  acceptSettings(): void {
    if (!this.settings.tamper) return;
    this.settings.acceptCurrent();
    this.record({ type: 'event', event: 'integrity-accepted', by: 'person', detail: 'settings.json as it is now' });
    this.emitStatus();
    this.emitServers();
  }

  pendingItems(): PendingItem[] {
    return [...this.queue.list().map((h) => h.item), ...this.guard.reviewsList()].sort((a, b) => a.receivedAt - b.receivedAt);
  }

  status(): StatusView {
    return {
      version: VERSION,
      paused: this.paused,
      tampered: this.tamperReports().length > 0,
      integrity: this.tamperReports(),
      ...(this.audit.problem ? { auditProblem: this.audit.problem } : {}),
      holdBudgetMs: this.holdBudgetMs,
      trustOnFirstUse: this.settings.data.trustOnFirstUse,
      pendingCount: this.queue.size + this.guard.reviewsList().length,
      home: this.paths.home,
    };
  }

  serverViews(): ServerView[] {
    return Object.values(this.settings.data.servers)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((record) => {
        const sessions = this.sessionsOf(record.name).filter((s) => s.isLive).length;
        return {
          name: record.name,
          spec: redactSpec(record),
          state: this.revocationOf(record.name) ? 'revoked' : sessions > 0 ? 'running' : 'idle',
          sessions,
          ...(this.revocationOf(record.name) ? { revoked: this.revocationOf(record.name)! } : {}),
          authority: this.authorityOf(record),
          rules: this.settings.data.rules.filter((r) => r.server === record.name),
          definitions: this.guard.definitionsOf(record.name),
        };
      });
  }

  private emitServers(): void {
    this.events.emit('serversChanged', this.serverViews());
  }

  private emitStatus(): void {
    this.events.emit('statusChanged', this.status());
  }

  /** Appends a record that no reply waits for; a failure is reflected in the status, not thrown. */
  record(entry: AuditEntry): void {
    try {
      this.audit.append(entry).durable.catch(() => this.emitStatus());
    } catch {
      this.emitStatus();
    }
  }

  private buildApi(): CoreApi {
    return {
      status: () => this.status(),
      pending: () => this.pendingItems(),
      servers: () => this.serverViews(),
      rules: () => this.settings.data.rules,
      definitionAt: ({ server, key, hash }) => this.guard.definitionAt(server, key, hash),
      ...this.hosts.contractApi(),
      history: (input) => this.history.query(input),
      historyEntry: ({ seq }) => this.history.entry(seq),
      historySettings: () => this.history.settingsView(),
      historyIndexStatus: () => this.history.indexState(),
      verifyLog: () => this.history.verify(),
      exportHistory: ({ format, maxRows, ...filter }) => this.history.exportView(filter, format, maxRows),
      setHistorySettings: async (change) => {
        const view = await this.history.updateSettings(change);
        // Exporting sends call records off the machine: worth a line. Header values are never written.
        const telemetry = change.telemetry === null ? 'off' : change.telemetry ? { ...change.telemetry, headers: Object.keys(change.telemetry.headers ?? {}) } : undefined;
        this.record({ type: 'event', event: 'settings-changed', by: 'person', detail: JSON.stringify({ retention: change.retention, telemetry }) });
        return view;
      },
      reindexHistory: () => this.history.reindex(),
      approve: ({ id, hash, scope }) => this.approve(id, hash, scope),
      approveDefinitions: ({ id, items }) => ({ approved: this.decideDefinitions(id, 'approved', items) }),
      rejectDefinitions: ({ id, items }) => ({ rejected: this.decideDefinitions(id, 'rejected', items) }),
      deny: ({ id, message }) => {
        this.deny(id, message);
        return { ok: true as const };
      },
      revokeServer: ({ server }) => {
        this.revoke(server, 'person');
        return { ok: true as const };
      },
      restoreServer: ({ server }) => {
        this.restore(server, 'person');
        return { ok: true as const };
      },
      pause: () => {
        this.pause('person');
        return { ok: true as const };
      },
      resume: () => {
        this.resume('person');
        return { ok: true as const };
      },
      updateSettings: (change) => {
        this.updateSettings(change);
        return this.status();
      },
      acceptSettings: () => {
        this.acceptSettings();
        return this.status();
      },
      removeRule: ({ id }) => {
        this.removeRule(id, 'person');
        return { ok: true as const };
      },
      createRule: ({ server, tool, action, fromSeq }) => {
        if (!this.settings.data.servers[server]) throw new ApiFailure('not-found', `No server named "${server}" is registered now; a rule for it would never apply.`);
        const existing = this.settings.data.rules.find((r) => r.server === server && r.tool === tool && r.action === action);
        if (existing) return { rule: existing, created: false };
        return { rule: this.addRule({ server, tool, action, source: fromSeq !== undefined ? `From history call #${fromSeq}` : 'From history' }), created: true };
      },
      login: ({ server }) => this.remote.startLogin(this.remoteRecord(server), 'person', (work) => this.inBackground(work)),
      logout: ({ server }) => this.inBackground(this.remote.logout(this.remoteRecord(server, true), 'person')),
    };
  }

  /** A registered remote server, for login and logout from the window. */
  private remoteRecord(server: string, evenIfRevoked = false): ServerRecord {
    const record = this.settings.data.servers[server];
    if (!record) throw new ApiFailure('not-found', `No server named "${server}".`);
    if (record.spec.transport === 'stdio') throw new ApiFailure('conflict', `"${server}" is a local server; only remote servers log in.`);
    if (!evenIfRevoked && this.revocationOf(server)) throw new ApiFailure('conflict', `"${server}" is revoked; restore it first, then log in.`);
    return record;
  }

  /** Stops every session (cards withdrawn, children stopped), flushes the log, releases the lock. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.hosts.stopWatching();
    for (const timer of this.timers) clearTimeout(timer);
    for (const timer of this.relists.values()) clearTimeout(timer);
    for (const stop of this.unwatch) stop();
    for (const held of this.queue.list()) held.settle({ kind: 'deny', by: 'host-gone' });
    const sessions = [...this.sessions];
    for (const session of sessions) session.close();
    await Promise.allSettled([...this.background]);
    if (this.mode === 'service') this.record({ type: 'event', event: 'core-stopped' });
    await this.history.close();
    await this.audit.close();
    this.releaseLock();
  }
}

/** Env values never leave the core: views carry names only. */
function redactSpec(record: ServerRecord): ServerRecord['spec'] {
  const spec = record.spec;
  if (spec.transport !== 'stdio') return spec;
  return { ...spec, env: Object.fromEntries(Object.keys(spec.env).map((k) => [k, '«hidden»'])) };
}

function summarise(result: Record<string, unknown> | undefined): { summary?: string } {
  const content = result?.content;
  if (!Array.isArray(content)) return {};
  const text = content
    .filter((block): block is { type: 'text'; text: string } => typeof block === 'object' && block !== null && (block as { type?: unknown }).type === 'text' && typeof (block as { text?: unknown }).text === 'string')
    .map((block) => block.text)
    .join('\n');
  if (!text) {
    const kinds = content.map((block) => (typeof block === 'object' && block !== null ? String((block as { type?: unknown }).type) : '?'));
    return kinds.length ? { summary: `[${kinds.join(', ')}]` } : {};
  }
  const lines = text.split('\n').slice(0, 3).join('\n');
  return { summary: redactText(lines.length > 300 ? `${lines.slice(0, 300)}…` : lines) };
}
