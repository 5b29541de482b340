import path from 'node:path';
import fs from 'node:fs';
import type { AuditEntry, CallEntry } from '../../shared/audit';
import { ApiFailure, type CoreApi } from '../../shared/contract';
import { errorResponse, ErrorCodes, progressTokenOf, resultResponse, type JsonRpcRequest, type JsonRpcResponse } from '../../shared/jsonrpc';
import { evaluatePolicy } from '../../shared/policy';
import { redact, redactText } from '../../shared/secrets';
import type {
  PendingItem,
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
import { ApprovalQueue, grantKey, methodOfItem, outcomeFor, RETRY_WINDOW_MS, RetryGrants, targetOfItem, type HeldCall, type Verdict } from './approvals';
import { definitionKey } from '../../shared/definitions';
import { ReviewError, type DefinitionGuard } from './pins/guard';
import { MetadataService } from './pins/metadata';
import { buildCoreApi } from './api';
import { PinStore } from './pins/store';
import { toolFacts } from './pins/lists';
import { AuditLog, AuditUnavailable } from './audit/log';
import { HistoryService } from './history/service';
import { describeCall, newId, type DescribedCall } from './describe-call';
import { CoreEvents } from './events';
import { acquireCoreLock } from './lock';
import { pathsFor, type AirlockPaths } from './paths';
import * as refusals from './refusals';
import { ensurePrivateDir } from './secure-fs';
import { HostSession, type Downstream, type ForwardedCall, type GateResult, type SessionServices } from './session';
import { SettingsStore } from './settings';
import { Integrity, type TamperReport } from './integrity';
import { EffectiveSettings } from './effective-settings';
import { gateServerRequest, type ServerRequestDecision } from './server-requests';
import { childEnvNames } from './upstream/child-env';
import { StdioUpstream } from './upstream/stdio';
import { ChildRegistry } from './upstream/child-registry';
import { FileKeyProvider, SecretStore, secretEnvNames, secretStoreFile, serverSecretId, serverSecretPrefix, type KeyProvider } from './secret-store';
import { HostsService, type HostsOptions } from './hosts/service';
import type { Upstream, UpstreamHandlers } from './upstream/types';
import { buildStdioSpec, checkServerName, InvalidServer, type StdioSpecInput } from './server-spec';
import { RemoteService } from './remote/service';
import { buildHttpSpec, headerSecretId, InvalidRemoteServer, type HttpSpecInput } from './remote/http-spec';

import { VERSION } from './version';

/** How long each step of stopping a server may take when Airlock itself stops. */
const STOP_GRACE_MS = 500;

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
  /** Pins and reviews applied to what servers say about themselves. */
  readonly metadata: MetadataService;
  /** Settings as they may act (an edit made outside Airlock loosens nothing until accepted). */
  readonly effective: EffectiveSettings;
  readonly events = new CoreEvents();
  readonly queue = new ApprovalQueue();
  readonly retryGrants = new RetryGrants();
  readonly api: CoreApi;
  private readonly sessions = new Set<HostSession>();
  /** Sessions whose host left while their server is still shutting down. */
  private readonly stopping = new Set<HostSession>();
  /** Remote servers: upstreams over HTTP, Airlock's OAuth logins, their authority and revocation. */
  readonly remote: RemoteService;
  /** Work that outlives the command that started it (token revocation at an AS); stop() waits for it. */
  private readonly background = new Set<Promise<unknown>>();
  private readonly releaseLock: () => void;
  private readonly progressIntervalMs: number;
  private readonly holdBudgetOverride: number | undefined;
  private readonly defaultCwd: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly keyProvider: KeyProvider;
  /** Server process groups running now (noted on disk, for reaping after a crash). */
  private readonly children: ChildRegistry;
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
      this.effective = new EffectiveSettings(this.settings, this.pins);
      this.audit = new AuditLog(this.paths.auditDir);
      this.audit.open();
    } catch (error) {
      this.releaseLock();
      throw error;
    }
    // A core killed outright (kill -9, power cut) cannot stop its servers; this one does, first.
    const childrenFile = path.join(this.paths.runDir, 'children.json');
    const reaped = this.mode === 'service' ? ChildRegistry.reapLeftovers(childrenFile) : 0;
    this.children = new ChildRegistry(childrenFile);
    this.progressIntervalMs = options.progressIntervalMs ?? 5000;
    this.holdBudgetOverride = options.holdBudgetMs;
    this.defaultCwd = options.defaultCwd ?? process.cwd();
    this.metadata = new MetadataService(this.pins, this);
    this.guard = this.metadata.guard;
    this.secrets = new SecretStore(secretStoreFile(this.paths.home), this.keyProvider);
    this.remote = new RemoteService(this.paths.home, this.keyProvider, {
      record: (entry) => this.record({ type: 'event', ...entry }),
      changed: () => this.emitServers(),
      holdBudgetMs: () => this.holdBudgetMs,
      secret: (id) => this.secrets.get(id),
      openExternal: options.openExternal,
    });
    this.hosts = new HostsService(this, this.keyProvider, options.hosts);
    this.api = buildCoreApi(this);
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
    if (reaped > 0) this.record({ type: 'event', event: 'orphans-reaped', detail: `${reaped} server process group(s) left by a core that stopped without closing them` });
    for (const report of this.effective.tamperReports()) this.integrityFailed(report);
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
    else if (this.effective.revocationOf(serverName)) refusal = refusals.revoked(serverName);
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
    }, this.children);
  }

  sessionEvent(session: HostSession, event: 'session-opened' | 'session-closed' | 'upstream-exited' | 'protocol-error', detail?: string): void {
    this.record({ type: 'event', event, server: session.serverName, session: session.id, ...(detail ? { detail: redactText(detail) } : {}) });
  }

  sessionEnded(session: HostSession): void {
    this.sessions.delete(session);
    // Its server may still be stopping gracefully; Airlock must not exit before it is gone.
    const stopped = session.whenStopped;
    if (stopped) {
      this.stopping.add(session);
      void stopped.finally(() => this.stopping.delete(session));
    }
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
    if (listMethod && !session.listed.has(listMethod) && session.isLive) await this.metadata.relist(session, [listMethod]);
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
    if (!record || this.effective.revocationOf(session.serverName)) return this.refuse(described, request, 'revoke', refusals.revoked(session.serverName));
    if (this.effective.paused) return this.refuse(described, request, 'pause', refusals.PAUSED);
    // Resources read by URI from a template were never listed; only listed ones are pinned.
    if (method !== 'resources/read' || session.observed.has(key)) {
      const state = this.guard.callable(session.serverName, key, session.observed.get(key));
      if (state !== 'approved') return this.refuse(described, request, 'withheld', refusals.withheld(item.target, state));
    }

    const verdict = evaluatePolicy(this.effective.rules, item.server, item.target);
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

  /**
   * Writes the decision and releases the frozen bytes at once; the decision's fdatasync runs while
   * the server works, and `completeCall` waits for it before the host hears the answer.
   */
  private allow(described: DescribedCall, request: JsonRpcRequest, by: DecidedBy, note?: string): Promise<GateResult> | GateResult {
    let recorded: Promise<void>;
    try {
      recorded = this.audit.append(this.callEntry(described, 'allow', by, note)).durable;
    } catch (error) {
      if (error instanceof AuditUnavailable) return this.refusal(described, request, refusals.auditUnavailable(error.message));
      throw error;
    }
    // A call cancelled before its answer never waits on this; its failure still shows as the log's problem.
    recorded.catch(() => {});
    return { kind: 'forward', callId: described.item.id, wire: described.wire, target: described.item.target, recorded };
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

  /**
   * Records the result, then hands back what the host may see. The answer leaves only once the
   * decision is on stable storage and the result line is in the file (so a crash of Airlock
   * loses neither); the result is flushed with the next call's decision, or within
   * SYNC_SOON_MS, off the answer's path.
   */
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
      }, { sync: 'soon' });
      // A failed flush turns into the log's problem (banner, later calls refused), not an unhandled rejection.
      durable.catch(() => {});
      await call.recorded;
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

  inspectResponse(session: HostSession, method: string, response: JsonRpcResponse, paged: boolean): Promise<JsonRpcResponse> {
    return this.metadata.inspectResponse(session, method, response, paged);
  }

  upstreamListChanged(session: HostSession, notification: string): void {
    this.metadata.upstreamListChanged(session, notification);
  }

  decideDefinitions(id: string, decision: 'approved' | 'rejected', items: Array<{ key: string; hash: string }>): number {
    try {
      return this.guard.decide(id, decision, items).length;
    } catch (error) {
      if (error instanceof ReviewError) throw new ApiFailure(error.code, error.message);
      throw error;
    }
  }

  gateServerRequest(session: HostSession, request: JsonRpcRequest, method: ServerRequestMethod): Promise<ServerRequestDecision> {
    return gateServerRequest(this, session, request, method);
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
      paused: this.effective.paused,
      tampered: this.effective.tamperReports().length > 0,
      integrity: this.effective.tamperReports(),
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
          state: this.effective.revocationOf(record.name) ? 'revoked' : sessions > 0 ? 'running' : 'idle',
          sessions,
          ...(this.effective.revocationOf(record.name) ? { revoked: this.effective.revocationOf(record.name)! } : {}),
          authority: this.authorityOf(record),
          rules: this.settings.data.rules.filter((r) => r.server === record.name),
          definitions: this.guard.definitionsOf(record.name),
        };
      });
  }

  emitServers(): void {
    this.events.emit('serversChanged', this.serverViews());
  }

  emitStatus(): void {
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

  /** Stops every session (cards withdrawn, children stopped), flushes the log, releases the lock. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.hosts.stopWatching();
    for (const timer of this.timers) clearTimeout(timer);
    this.metadata.stop();
    for (const stop of this.unwatch) stop();
    for (const held of this.queue.list()) held.settle({ kind: 'deny', by: 'host-gone' });
    const sessions = [...this.sessions];
    // Servers that do not exit when their input closes would outlive Airlock in their own process
    // groups: wait until every tree is gone (a short grace each step, then KILL).
    const closing = sessions.map((session) => session.close(STOP_GRACE_MS));
    const lingering = [...this.stopping];
    for (const session of lingering) session.killServer('Airlock is stopping');
    await Promise.all([...closing, ...lingering.map((session) => session.whenStopped)]);
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
