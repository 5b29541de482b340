import type { Authority, DecidedBy, Decision, GatedMethod, HostInfo, Outcome, ResourceRef, ServerRequestMethod } from './types';

/** One line of the audit log. Every record carries the hash of the one before it. */
export interface AuditEnvelope {
  v: 1;
  seq: number;
  ts: string;
  /** Hash of the previous record ("0" × 64 for the first). */
  prev: string;
  /** sha256 over `prev` and the canonical JSON of this record without `hash`. */
  hash: string;
}

/** A gated request and the decision on it, written before anything is forwarded or answered. */
export interface CallEntry {
  type: 'call';
  call: string;
  host: HostInfo;
  server: string;
  /** Host→server calls, or server→host requests (sampling, elicitation, roots) approved the same way. */
  method: GatedMethod | ServerRequestMethod;
  target: string;
  resources: ResourceRef[];
  /** Parameters with secret-shaped values replaced by «redacted:kind» markers. */
  params: unknown;
  /** Hash of the exact request that was decided on. */
  request: string;
  /** The authority the call ran under (names and facts only, never secrets), as it stood then. */
  authority?: Authority;
  /** The pinned definition in force for the tool, prompt or resource (see the `definitionAt` query). */
  definition?: { key: string; hash: string };
  decision: Decision;
  decidedBy: DecidedBy;
  /** Rule id, the person's message to the agent, or why a refusal happened. */
  note?: string;
  /** Set when the decision is also the end of the call (refusals). */
  outcome?: Outcome;
}

/** What came back for a call that was forwarded. */
export interface ResultEntry {
  type: 'result';
  call: string;
  server: string;
  target: string;
  outcome: Outcome;
  durationMs: number;
  bytes?: number;
  /** First lines of text content, redacted, for a readable history. */
  summary?: string;
  errorCode?: number;
}

export type EventName =
  | 'core-started'
  | 'core-stopped'
  | 'server-added'
  | 'server-removed'
  | 'server-revoked'
  | 'server-restored'
  | 'paused'
  | 'resumed'
  | 'rule-added'
  | 'rule-removed'
  | 'session-opened'
  | 'session-closed'
  | 'upstream-exited'
  | 'protocol-error'
  | 'retry-granted'
  | 'audit-recovered'
  | 'host-protected'
  | 'host-unprotected'
  | 'host-alert'
  | 'audit-trimmed'
  | 'definitions-raised'
  | 'definitions-approved'
  | 'definitions-rejected'
  | 'settings-changed'
  | 'integrity-failed'
  | 'integrity-accepted'
  | 'orphans-reaped'
  // Remote servers: Airlock's own OAuth login per server, and the host tokens of the HTTP ingress.
  | 'login'
  | 'login-failed'
  | 'login-required'
  | 'token-revoked'
  | 'tokens-deleted'
  | 'host-token-created'
  | 'host-token-revoked';

/** What a retention trim removed: whole segments, and the record the remaining log continues from. */
export interface TrimmedRange {
  /** Segment files removed, oldest first. */
  segments: string[];
  firstSeq: number;
  lastSeq: number;
  /** Hash of the last removed record: the `prev` of the first record that remains. */
  lastHash: string;
  records: number;
  bytes: number;
  /** Why, e.g. "older than 30 days" or "log above 500 MB". */
  reason: string;
}

/** Anything else worth a line: administration, sessions, faults. */
export interface EventEntry {
  type: 'event';
  event: EventName;
  server?: string;
  session?: string;
  by?: string;
  detail?: string;
  /** For `audit-trimmed`: what was removed, so verification can continue across the new start. */
  trimmed?: TrimmedRange;
}

export type AuditEntry = CallEntry | ResultEntry | EventEntry;
export type AuditRecord = AuditEnvelope & AuditEntry;

export const GENESIS_HASH = '0'.repeat(64);
