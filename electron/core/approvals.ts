import type { DecidedBy, ElicitationReview, GatedMethod, Outcome, PendingCall, RootsReview, SamplingReview, ServerRequestMethod } from '../../shared/types';

/** Everything a person approves by naming its hash: calls, and server→host requests. */
export type HeldItem = PendingCall | SamplingReview | ElicitationReview | RootsReview;

const REQUEST_METHOD: Record<Exclude<HeldItem['kind'], 'call'>, ServerRequestMethod> = {
  sampling: 'sampling/createMessage',
  elicitation: 'elicitation/create',
  roots: 'roots/list',
};

export function methodOfItem(item: HeldItem): GatedMethod | ServerRequestMethod {
  return item.kind === 'call' ? item.method : REQUEST_METHOD[item.kind];
}

/** What rules and grants match: the tool, URI or prompt of a call; the method of a server request. */
export function targetOfItem(item: HeldItem): string {
  return item.kind === 'call' ? item.target : REQUEST_METHOD[item.kind];
}

/** Session grants are keyed by method and target (a tool, URI, prompt, or the server request's method). */
export function grantKey(method: GatedMethod | ServerRequestMethod, target: string): string {
  return `${method} ${target}`;
}

/** What a refusal means for the call's outcome in the log. */
export function outcomeFor(by: DecidedBy): Outcome {
  if (by === 'host-cancelled' || by === 'host-gone') return 'cancelled';
  if (by === 'timeout') return 'waiting';
  return 'denied';
}

export type Verdict =
  | { kind: 'approve'; scope: 'once' | 'session' | 'always' }
  | { kind: 'deny'; by: DecidedBy; message?: string };

/** A call waiting for a person. The resolver is called exactly once with the verdict. */
export interface HeldCall {
  item: HeldItem;
  /** Hash of a call's arguments alone, to recognise an identical retry. */
  argsHash?: string;
  sessionId: string;
  settle(verdict: Verdict): void;
}

/** Held calls, oldest first, each addressed by its own id — approving one never touches another. */
export class ApprovalQueue {
  private readonly held = new Map<string, HeldCall>();

  add(call: HeldCall): void {
    this.held.set(call.item.id, call);
  }

  get(id: string): HeldCall | undefined {
    return this.held.get(id);
  }

  /** Removes the call from the queue; returns it if it was there. */
  take(id: string): HeldCall | undefined {
    const call = this.held.get(id);
    this.held.delete(id);
    return call;
  }

  list(): HeldCall[] {
    return [...this.held.values()];
  }

  get size(): number {
    return this.held.size;
  }
}

interface RetryGrant {
  server: string;
  method: GatedMethod;
  target: string;
  argsHash: string;
  expiresAt: number;
}

export const RETRY_WINDOW_MS = 10 * 60 * 1000;

/**
 * An approval given after the host was already told "waiting in Airlock" lets the identical
 * retry (same server, method, target and arguments) through once, within the retry window.
 */
export class RetryGrants {
  private grants: RetryGrant[] = [];

  add(grant: Omit<RetryGrant, 'expiresAt'>, now: number): void {
    this.grants.push({ ...grant, expiresAt: now + RETRY_WINDOW_MS });
  }

  consume(server: string, method: GatedMethod, target: string, argsHash: string, now: number): boolean {
    this.grants = this.grants.filter((g) => g.expiresAt > now);
    const index = this.grants.findIndex(
      (g) => g.server === server && g.method === method && g.target === target && g.argsHash === argsHash,
    );
    if (index === -1) return false;
    this.grants.splice(index, 1);
    return true;
  }

  dropServer(server: string): void {
    this.grants = this.grants.filter((g) => g.server !== server);
  }
}
