import { canonicalJson } from '../../../shared/canonical';
import type { AuditEntry } from '../../../shared/audit';
import type { JsonRpcResponse } from '../../../shared/jsonrpc';
import type { DefinitionKind, DefinitionReview } from '../../../shared/types';
import { sha256Hex } from '../describe-call';
import type { EffectiveSettings } from '../effective-settings';
import type { CoreEvents } from '../events';
import type { HostSession } from '../session';
import type { SettingsStore } from '../settings';
import { DefinitionGuard } from './guard';
import { LIST_CHANGED_METHODS, LIST_METHODS, NOTIFICATION_FOR_KIND } from './lists';
import type { PinStore } from './store';

/** What applying pins to sessions needs from the core. */
export interface MetadataDeps {
  readonly settings: SettingsStore;
  readonly effective: EffectiveSettings;
  readonly events: CoreEvents;
  readonly holdBudgetMs: number;
  record(entry: AuditEntry): void;
  emitStatus(): void;
  emitServers(): void;
  sessionsOf(server: string): HostSession[];
}

/**
 * Metadata is input: what a server says about itself (initialize, lists) is compared with its pins
 * before a host sees it, re-read when the server announces a change, and raised on review cards.
 */
export class MetadataService {
  readonly guard: DefinitionGuard;
  private readonly relists = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly pins: PinStore,
    private readonly core: MetadataDeps,
  ) {
    this.guard = new DefinitionGuard(pins, {
      trustOnFirstUse: () => core.effective.trustOnFirstUse,
      specHash: (server) => sha256Hex(canonicalJson(core.settings.data.servers[server]?.spec ?? null)),
      otherServerTools: (server) => this.otherServerTools(server),
      reviewChanged: (review, change) => this.reviewChanged(review, change),
      decided: (server, decision, items, by) => this.definitionsDecided(server, decision, items, by),
    });
  }

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
    if (firstSight) await this.guard.waitForDecision(server, this.core.holdBudgetMs);
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

  async relist(session: HostSession, methods: string[]): Promise<void> {
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
      this.core.events.emit('pendingAdded', review);
      const keys = review.items.map((i) => i.key);
      this.core.record({ type: 'event', event: 'definitions-raised', server: review.server, detail: `${review.reason}: ${keys.length} definition(s): ${keys.slice(0, 20).join(', ')}` });
    } else if (change === 'updated') this.core.events.emit('pendingUpdated', review);
    else this.core.events.emit('pendingRemoved', { id: review.id, reason: 'decided' });
    this.core.emitStatus();
    // The Servers screen lists pending definitions too.
    this.core.emitServers();
  }

  private definitionsDecided(server: string, decision: 'approved' | 'rejected', items: Array<{ key: string; kind: DefinitionKind }>, by: string): void {
    this.core.record({
      type: 'event',
      event: decision === 'approved' ? 'definitions-approved' : 'definitions-rejected',
      server,
      by,
      detail: items.map((i) => i.key).slice(0, 50).join(', '),
    });
    if (decision === 'approved') {
      const notifications = new Set(items.map((i) => NOTIFICATION_FOR_KIND[i.kind]).filter((n): n is string => n !== undefined));
      for (const session of this.core.sessionsOf(server)) if (session.isLive) for (const n of notifications) session.notifyHost(n);
    }
    this.core.emitServers();
  }

  stop(): void {
    for (const timer of this.relists.values()) clearTimeout(timer);
    this.relists.clear();
  }
}
