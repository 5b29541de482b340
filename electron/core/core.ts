import type { AuditEntry, CallEntry } from '../../shared/audit';
import { ApiFailure, type CoreApi } from '../../shared/contract';
import { errorResponse, ErrorCodes, progressTokenOf, resultResponse, type JsonRpcRequest, type JsonRpcResponse } from '../../shared/jsonrpc';
import { evaluatePolicy } from '../../shared/policy';
import { redact, redactText } from '../../shared/secrets';
import type {
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
import { ApprovalQueue, RETRY_WINDOW_MS, RetryGrants, type HeldCall, type Verdict } from './approvals';
import { AuditLog, AuditUnavailable } from './audit/log';
import { readHistory } from './audit/history';
import { describeCall, newId, type DescribedCall } from './describe-call';
import { CoreEvents } from './events';
import { acquireCoreLock } from './lock';
import { pathsFor, type AirlockPaths } from './paths';
import * as refusals from './refusals';
import { ensurePrivateDir } from './secure-fs';
import { HostSession, type Downstream, type GateResult, type SessionServices } from './session';
import { SettingsStore } from './settings';
import { childEnvNames } from './upstream/child-env';
import { StdioUpstream } from './upstream/stdio';
import type { Upstream, UpstreamHandlers } from './upstream/types';
import { buildStdioSpec, checkServerName, InvalidServer, type StdioSpecInput } from './server-spec';

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
}

type ForwardedCall = { id: string; target: string; method: GatedMethod };

function grantKey(method: GatedMethod, target: string): string {
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
  readonly events = new CoreEvents();
  readonly queue = new ApprovalQueue();
  readonly retryGrants = new RetryGrants();
  readonly api: CoreApi;
  private readonly sessions = new Set<HostSession>();
  private readonly releaseLock: () => void;
  private readonly progressIntervalMs: number;
  private readonly holdBudgetOverride: number | undefined;
  private readonly defaultCwd: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly mode: 'service' | 'offline';

  constructor(options: CoreOptions) {
    this.mode = options.mode ?? 'service';
    this.paths = pathsFor(options.home);
    ensurePrivateDir(this.paths.home);
    this.releaseLock = options.lock === false ? () => {} : acquireCoreLock(this.paths.lock);
    try {
      this.settings = new SettingsStore(this.paths.settings);
      this.audit = new AuditLog(this.paths.auditDir);
      this.audit.open();
    } catch (error) {
      this.releaseLock();
      throw error;
    }
    this.progressIntervalMs = options.progressIntervalMs ?? 5000;
    this.holdBudgetOverride = options.holdBudgetMs;
    this.defaultCwd = options.defaultCwd ?? process.cwd();
    this.api = this.buildApi();
    this.audit.onAppend((record) => this.events.emit('audit', record));
    for (const note of this.audit.recovered) {
      this.record({ type: 'event', event: 'audit-recovered', detail: `an incomplete last line (${note.bytes} bytes) was moved to ${note.quarantinedTo}` });
    }
    if (this.mode === 'service') this.record({ type: 'event', event: 'core-started', detail: `pid ${process.pid}` });
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
      spec: { transport: 'stdio', command: '', args: [], env: {}, envPass: [] },
      addedAt: '',
    };
    let refusal: string | undefined;
    if (this.stopped) refusal = refusals.NOT_RUNNING;
    else if (!record) refusal = refusals.unknownServer(serverName);
    else if (record.revoked) refusal = refusals.revoked(serverName);
    const session = new HostSession(placeholder, downstream, this, refusal);
    this.sessions.add(session);
    void session.start().then(() => this.emitServers());
    return session;
  }

  sessionsOf(server: string): HostSession[] {
    return [...this.sessions].filter((s) => s.serverName === server);
  }

  createUpstream(server: ServerRecord, handlers: UpstreamHandlers): Upstream {
    if (server.spec.transport !== 'stdio') throw new Error(`${server.spec.transport} servers are not supported yet`);
    return new StdioUpstream(server.spec, handlers, this.defaultCwd);
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
    return { kind: 'remote', url: spec.url, headerNames: spec.headerNames, warnings: [] };
  }

  async gate(session: HostSession, request: JsonRpcRequest, method: GatedMethod, onHeld: (callId: string) => void): Promise<GateResult> {
    const record = this.settings.data.servers[session.serverName];
    const described = describeCall({
      request,
      method,
      server: session.serverName,
      host: { ...session.host },
      authority: this.authorityOf(record ?? session.server),
      workingDir: record?.spec.transport === 'stdio' ? (record.spec.cwd ?? this.defaultCwd) : this.defaultCwd,
      tool: method === 'tools/call' ? session.tools.get(String(request.params?.name ?? '')) : undefined,
      holdBudgetMs: this.holdBudgetMs,
      now: Date.now(),
    });
    const { item } = described;
    if (!record || record.revoked) return this.refuse(described, request, 'revoke', refusals.revoked(session.serverName));
    if (this.settings.data.paused) return this.refuse(described, request, 'pause', refusals.PAUSED);

    const verdict = evaluatePolicy(this.settings.data.rules, item.server, item.target);
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
      decision,
      decidedBy,
      ...(note !== undefined ? { note: redactText(note) } : {}),
      ...(outcome !== undefined ? { outcome } : {}),
    };
  }

  /** Records the decision (synchronously on disk) and releases the frozen bytes. */
  private allow(described: DescribedCall, request: JsonRpcRequest, by: DecidedBy, note?: string): Promise<GateResult> | GateResult {
    try {
      this.audit.append(this.callEntry(described, 'allow', by, note));
    } catch (error) {
      if (error instanceof AuditUnavailable) return this.refusal(described, request, refusals.auditUnavailable(error.message));
      throw error;
    }
    this.emitStatus();
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
    if (verdict.kind !== 'approve') return;
    const { item } = held;
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

  // ── decisions from the UI ────────────────────────────────────────────────

  approve(id: string, hash: string, scope: 'once' | 'session' | 'always'): { rule?: Rule } {
    const held = this.queue.get(id);
    if (!held) throw new ApiFailure('not-found', 'No pending call with that id: it was already decided, withdrawn by the host, or expired.');
    if (held.item.hash !== hash) throw new ApiFailure('conflict', 'The approval names a different request than the one pending; nothing was approved.');
    let rule: Rule | undefined;
    if (scope === 'session') {
      const session = [...this.sessions].find((s) => s.id === held.sessionId);
      session?.sessionGrants.add(grantKey(held.item.method, held.item.target));
    } else if (scope === 'always') {
      rule = this.addRule({ server: held.item.server, tool: held.item.target, action: 'allow', source: 'Always allow on a card' });
    }
    held.settle({ kind: 'approve', scope });
    return rule ? { rule } : {};
  }

  deny(id: string, message?: string): void {
    const held = this.queue.get(id);
    if (!held) throw new ApiFailure('not-found', 'No pending call with that id: it was already decided, withdrawn by the host, or expired.');
    held.settle({ kind: 'deny', by: 'person', ...(message ? { message } : {}) });
  }

  addRule(rule: Omit<Rule, 'id' | 'createdAt'>): Rule {
    const full: Rule = { id: newId(6), createdAt: new Date().toISOString(), ...rule };
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
    this.emitServers();
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
    const spec = buildStdioSpec(input);
    const record: ServerRecord = { name, spec, addedAt: new Date().toISOString() };
    this.settings.update((s) => {
      s.servers[name] = record;
    });
    this.record({ type: 'event', event: 'server-added', server: name, by, detail: spec.command });
    this.emitServers();
    return record;
  }

  removeServer(name: string, by: string): void {
    if (!this.settings.data.servers[name]) throw new InvalidServer(`no server named "${name}"`);
    for (const held of this.queue.list()) if (held.item.server === name) held.settle({ kind: 'deny', by: 'revoke' });
    for (const session of this.sessionsOf(name)) session.revoke(refusals.unknownServer(name));
    this.settings.update((s) => {
      delete s.servers[name];
      s.rules = s.rules.filter((r) => r.server !== name);
    });
    this.record({ type: 'event', event: 'server-removed', server: name, by });
    this.emitServers();
  }

  // ── views ────────────────────────────────────────────────────────────────

  status(): StatusView {
    return {
      version: VERSION,
      paused: this.settings.data.paused,
      tampered: false,
      ...(this.audit.problem ? { auditProblem: this.audit.problem } : {}),
      holdBudgetMs: this.holdBudgetMs,
      pendingCount: this.queue.size,
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
          state: record.revoked ? 'revoked' : sessions > 0 ? 'running' : 'idle',
          sessions,
          ...(record.revoked ? { revoked: record.revoked } : {}),
          authority: this.authorityOf(record),
          rules: this.settings.data.rules.filter((r) => r.server === record.name),
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
      pending: () => this.queue.list().map((h) => h.item),
      servers: () => this.serverViews(),
      rules: () => this.settings.data.rules,
      history: (input) => readHistory(this.paths.auditDir, input),
      approve: ({ id, hash, scope }) => this.approve(id, hash, scope),
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
      removeRule: ({ id }) => {
        this.removeRule(id, 'person');
        return { ok: true as const };
      },
    };
  }

  /** Stops every session (cards withdrawn, children stopped), flushes the log, releases the lock. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const held of this.queue.list()) held.settle({ kind: 'deny', by: 'host-gone' });
    const sessions = [...this.sessions];
    for (const session of sessions) session.close();
    if (this.mode === 'service') this.record({ type: 'event', event: 'core-stopped' });
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
