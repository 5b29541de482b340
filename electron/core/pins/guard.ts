import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/canonical';
import { diffDefinitions } from '../../../shared/definition-diff';
import { definitionKey, definitionName, pairRenames, parseDefinitionKey, pinnedView } from '../../../shared/definitions';
import { highestSeverity, scanDefinition } from '../../../shared/findings';
import type { DefinitionKind, DefinitionReview, DefinitionReviewItem, DefinitionVersion, Finding, ServerDefinition } from '../../../shared/types';
import { newId } from '../describe-call';
import { PIN_HISTORY, type PinRecord, type PinStore, type ServerPins } from './store';

export interface Observed {
  kind: DefinitionKind;
  name: string;
  key: string;
  hash: string;
  view: unknown;
}

export function observe(kind: DefinitionKind, definition: unknown): Observed {
  const view = pinnedView(kind, definition);
  const name = definitionName(kind, definition);
  return { kind, name, key: definitionKey(kind, name), hash: createHash('sha256').update(canonicalJson(view)).digest('hex'), view };
}

export interface GuardHooks {
  trustOnFirstUse(): boolean;
  /** Fingerprint of the server's launch spec; pins made for another spec do not apply. */
  specHash(server: string): string;
  /** Tool names the person's other servers offer (for cross-server steering findings). */
  otherServerTools(server: string): string[];
  reviewChanged(review: DefinitionReview, change: 'added' | 'updated' | 'removed'): void;
  decided(server: string, decision: 'approved' | 'rejected', items: Array<{ key: string; kind: DefinitionKind }>, by: 'person' | 'trust-on-first-use'): void;
}

export interface ObserveResult {
  observed: Observed[];
  /** The server was never reviewed and offers definitions nobody approved: the host should wait. */
  firstSight: boolean;
}

export type Callable = 'approved' | 'changed' | 'unapproved';

/**
 * Metadata is input. Every definition a server offers is fingerprinted and compared with what a
 * person approved; new and changed ones are withheld and raised on one review card per server,
 * with a diff and findings. Renames (a removed tool and a similar new one) are shown as changes.
 */
export class DefinitionGuard {
  private readonly reviews = new Map<string, DefinitionReview>();
  private readonly decisionWaiters = new Map<string, Set<() => void>>();
  private readonly findingsCache = new Map<string, Finding[]>();

  constructor(
    private readonly store: PinStore,
    private readonly hooks: GuardHooks,
  ) {}

  /** This server's pins, or a fresh (unsaved) set when it has none or they were made for another launch spec. */
  private pinsOf(server: string): ServerPins {
    const pins = this.store.server(server);
    const specHash = this.hooks.specHash(server);
    if (pins && pins.specHash === specHash) return pins;
    return { specHash, reviewedKinds: [], approved: {}, rejected: {} };
  }

  findings(server: string, observed: Pick<Observed, 'kind' | 'hash' | 'view'>): Finding[] {
    const cacheKey = `${server}\u0000${observed.hash}`;
    let findings = this.findingsCache.get(cacheKey);
    if (!findings) {
      findings = scanDefinition(observed.kind, observed.view, { otherServerTools: this.hooks.otherServerTools(server) });
      if (this.findingsCache.size > 5000) this.findingsCache.clear();
      this.findingsCache.set(cacheKey, findings);
    }
    return findings;
  }

  /**
   * Compares what a server offers now with its pins. `complete` says the list is the whole set of
   * that kind (no pagination), so that approved definitions missing from it can pair with new
   * ones as renames.
   */
  observe(server: string, kind: DefinitionKind, definitions: unknown[], complete: boolean): ObserveResult {
    const pins = this.pinsOf(server);
    const observed = definitions.map((d) => observe(kind, d));
    const items: DefinitionReviewItem[] = [];
    const pending = this.reviews.get(server)?.items;
    for (const o of observed) {
      const pin = pins.approved[o.key];
      if (pin?.hash === o.hash || pins.rejected[o.key] === o.hash) continue;
      // Hosts re-list often while a card is open: the same version needs no new diff or scan.
      const shown = pending?.find((i) => i.key === o.key && i.hash === o.hash);
      items.push(shown ?? this.reviewItem(server, o, pin));
    }
    if (complete) this.pairRenames(pins, kind, observed, items);
    if (items.length === 0) return { observed, firstSight: false };
    const firstSight = !pins.reviewedKinds.includes(kind);
    if (firstSight && this.hooks.trustOnFirstUse()) {
      this.approveItems(server, items, 'trust-on-first-use');
      return { observed, firstSight: false };
    }
    this.raise(server, items, firstSight ? 'first-sight' : 'changed');
    return { observed, firstSight };
  }

  private reviewItem(server: string, o: Observed, pin: PinRecord | undefined): DefinitionReviewItem {
    return {
      key: o.key,
      hash: o.hash,
      kind: o.kind,
      name: o.name,
      state: pin ? 'changed' : 'new',
      definition: o.view,
      ...(pin ? { previous: pin.view, diff: diffDefinitions(o.kind, pin.view, o.view) } : {}),
      findings: this.findings(server, o),
    };
  }

  private pairRenames(pins: ServerPins, kind: DefinitionKind, observed: Observed[], items: DefinitionReviewItem[]): void {
    const present = new Set(observed.map((o) => o.key));
    const removed = Object.entries(pins.approved)
      .filter(([key, pin]) => pin.kind === kind && !present.has(key))
      .map(([, pin]) => ({ kind, name: pin.name, definition: pin.view, item: undefined as DefinitionReviewItem | undefined }));
    const added = items.filter((i) => i.state === 'new').map((item) => ({ kind, name: item.name, definition: item.definition, item: item as DefinitionReviewItem | undefined }));
    for (const pair of pairRenames(removed, added)) {
      const item = pair.added.item!;
      item.state = 'renamed';
      item.previous = pair.removed.definition;
      item.diff = { ...diffDefinitions(kind, pair.removed.definition, item.definition), previousName: pair.removed.name };
    }
  }

  private raise(server: string, items: DefinitionReviewItem[], reason: DefinitionReview['reason']): void {
    const existing = this.reviews.get(server);
    if (!existing) {
      const review: DefinitionReview = { kind: 'definitions', id: newId(), server, reason, items, receivedAt: Date.now() };
      this.reviews.set(server, review);
      this.hooks.reviewChanged(review, 'added');
      return;
    }
    let changed = false;
    for (const item of items) {
      const index = existing.items.findIndex((i) => i.key === item.key);
      if (index === -1) existing.items.push(item), (changed = true);
      else if (existing.items[index]!.hash !== item.hash) existing.items[index] = item, (changed = true);
    }
    if (changed) this.hooks.reviewChanged(existing, 'updated');
  }

  reviewsList(): DefinitionReview[] {
    return [...this.reviews.values()];
  }

  reviewById(id: string): DefinitionReview | undefined {
    return [...this.reviews.values()].find((r) => r.id === id);
  }

  /** Applies a person's decision to the named items (each bound to the hash the person saw). */
  decide(id: string, decision: 'approved' | 'rejected', chosen: Array<{ key: string; hash: string }>): DefinitionReviewItem[] {
    const review = this.reviewById(id);
    if (!review) throw new ReviewError('not-found', 'No pending review with that id: it was already decided.');
    const items: DefinitionReviewItem[] = [];
    for (const { key, hash } of chosen) {
      const item = review.items.find((i) => i.key === key);
      if (!item) throw new ReviewError('not-found', `The review has no definition ${key}.`);
      if (item.hash !== hash) throw new ReviewError('conflict', `${key} changed again since it was shown; look at it once more.`);
      items.push(item);
    }
    if (decision === 'approved') this.approveItems(review.server, items, 'person');
    else this.rejectItems(review.server, items);
    return items;
  }

  private approveItems(server: string, items: DefinitionReviewItem[], by: PinRecord['by']): void {
    const now = new Date().toISOString();
    this.store.update((file) => {
      const pins = (file.servers[server] = this.pinsOfDraft(file.servers[server], server));
      markReviewed(pins, items);
      for (const item of items) {
        const previousKey = item.state === 'renamed' && item.diff?.previousName !== undefined ? definitionKey(item.kind, item.diff.previousName) : item.key;
        const replaced = pins.approved[previousKey];
        if (previousKey !== item.key) delete pins.approved[previousKey];
        const history = replaced
          ? [{ hash: replaced.hash, view: replaced.view, approvedAt: replaced.approvedAt, by: replaced.by }, ...(replaced.history ?? [])].slice(0, PIN_HISTORY)
          : undefined;
        pins.approved[item.key] = {
          kind: item.kind,
          name: item.name,
          hash: item.hash,
          view: item.definition,
          approvedAt: now,
          by,
          ...(item.diff ? { lastChange: item.diff } : {}),
          ...(history ? { history } : {}),
        };
        delete pins.rejected[item.key];
      }
    });
    this.settle(server, items);
    this.hooks.decided(server, 'approved', items, by);
  }

  private rejectItems(server: string, items: DefinitionReviewItem[]): void {
    this.store.update((file) => {
      const pins = (file.servers[server] = this.pinsOfDraft(file.servers[server], server));
      markReviewed(pins, items);
      for (const item of items) pins.rejected[item.key] = item.hash;
    });
    this.settle(server, items);
    this.hooks.decided(server, 'rejected', items, 'person');
  }

  private pinsOfDraft(pins: ServerPins | undefined, server: string): ServerPins {
    const specHash = this.hooks.specHash(server);
    return pins && pins.specHash === specHash ? pins : { specHash, reviewedKinds: [], approved: {}, rejected: {} };
  }

  /** Takes decided items off the review card; an empty card goes away and releases held lists. */
  private settle(server: string, items: DefinitionReviewItem[]): void {
    const review = this.reviews.get(server);
    if (!review) return;
    const decided = new Set(items.map((i) => i.key));
    review.items = review.items.filter((i) => !decided.has(i.key));
    if (review.items.length > 0) {
      this.hooks.reviewChanged(review, 'updated');
      return;
    }
    this.reviews.delete(server);
    this.hooks.reviewChanged(review, 'removed');
    for (const wake of this.decisionWaiters.get(server) ?? []) wake();
    this.decisionWaiters.delete(server);
  }

  /** Resolves when the server's review card is fully decided, or after `timeoutMs`. */
  waitForDecision(server: string, timeoutMs: number): Promise<void> {
    if (!this.reviews.has(server)) return Promise.resolve();
    return new Promise((resolve) => {
      let waiters = this.decisionWaiters.get(server);
      if (!waiters) this.decisionWaiters.set(server, (waiters = new Set()));
      const wake = () => {
        clearTimeout(timer);
        waiters!.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      waiters.add(wake);
    });
  }

  /** Whether a definition, as observed, may reach the host. */
  isApproved(server: string, o: Pick<Observed, 'key' | 'hash'>): boolean {
    return this.pinsOf(server).approved[o.key]?.hash === o.hash;
  }

  /**
   * Whether a call may be decided at all: the definition the session last saw must be the approved
   * one; one it never saw must at least have an approved pin.
   */
  callable(server: string, key: string, observedHash: string | undefined): Callable {
    const pin = this.pinsOf(server).approved[key];
    if (!pin) return 'unapproved';
    if (observedHash !== undefined && observedHash !== pin.hash) return 'changed';
    return 'approved';
  }

  pin(server: string, key: string): PinRecord | undefined {
    return this.pinsOf(server).approved[key];
  }

  /**
   * A version of a definition that was approved at some point (the current one or a kept earlier
   * one), with how it differed from the version before it.
   */
  definitionAt(server: string, key: string, hash: string): DefinitionVersion | undefined {
    const pin = this.pinsOf(server).approved[key];
    if (!pin) return undefined;
    const versions = [{ hash: pin.hash, view: pin.view, approvedAt: pin.approvedAt, by: pin.by }, ...(pin.history ?? [])];
    const index = versions.findIndex((v) => v.hash === hash);
    if (index === -1) return undefined;
    const version = versions[index]!;
    const before = versions[index + 1];
    const diff = index === 0 ? pin.lastChange : before ? diffDefinitions(pin.kind, before.view, version.view) : undefined;
    return {
      key,
      kind: pin.kind,
      hash,
      definition: version.view,
      approvedAt: version.approvedAt,
      approvedBy: version.by,
      current: index === 0,
      ...(diff ? { diff } : {}),
    };
  }

  /** Everything known about a server's definitions, for the Servers screen and `airlock scan`. */
  serverPins(server: string): ServerPins {
    return this.pinsOf(server);
  }

  /** Approved, pending and rejected definitions of a server, each with its findings. */
  definitionsOf(server: string): ServerDefinition[] {
    const pins = this.pinsOf(server);
    const out = new Map<string, ServerDefinition>();
    const summary = (findings: Finding[]) => {
      const highest = highestSeverity(findings);
      return { findings: findings.length, ...(highest ? { highest } : {}) };
    };
    for (const [key, pin] of Object.entries(pins.approved)) {
      out.set(key, { key, kind: pin.kind, name: pin.name, state: 'approved', ...summary(this.findings(server, pin)), approvedAt: pin.approvedAt, approvedBy: pin.by });
    }
    for (const key of Object.keys(pins.rejected)) {
      const parsed = parseDefinitionKey(key);
      if (parsed) out.set(key, { key, kind: parsed.kind, name: parsed.name, state: 'rejected', findings: 0 });
    }
    for (const item of this.reviews.get(server)?.items ?? []) {
      out.set(item.key, { key: item.key, kind: item.kind, name: item.name, state: item.state, ...summary(item.findings) });
    }
    return [...out.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  }

  /** A removed or re-registered server starts from nothing. */
  forget(server: string): void {
    const review = this.reviews.get(server);
    if (review) {
      this.reviews.delete(server);
      this.hooks.reviewChanged(review, 'removed');
    }
    for (const wake of this.decisionWaiters.get(server) ?? []) wake();
    this.decisionWaiters.delete(server);
    if (this.store.server(server)) this.store.update((file) => void delete file.servers[server]);
  }
}

function markReviewed(pins: ServerPins, items: DefinitionReviewItem[]): void {
  for (const item of items) if (!pins.reviewedKinds.includes(item.kind)) pins.reviewedKinds.push(item.kind);
}

export class ReviewError extends Error {
  constructor(
    readonly code: 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}
