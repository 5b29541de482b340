/**
 * The one contract between the core and any UI. Electron IPC and the browser-mode WebSocket are
 * both generated from this map, so they cannot drift apart. Inputs are validated at runtime with
 * zod on the core side (anything reaching the core is untrusted); outputs are typed only.
 */
import { z } from 'zod';
import type { AuditRecord } from './audit';
import {
  exportHistorySchema,
  historyEntrySchema,
  historyQuerySchema,
  setHistorySettingsSchema,
  type HistoryEntry,
  type HistoryExport,
  type HistoryIndexState,
  type HistoryPage,
  type HistorySettingsView,
  type VerifyLogReport,
} from './history';
import type { DefinitionVersion, PendingItem, Rule, ServerView, StatusView } from './types';
import { HOST_IDS, type HostAlert, type HostsView, type ProtectHostResult, type UnprotectHostResult } from './hosts';

/** A phantom used to attach an output type to a contract entry without a runtime schema. */
function out<T>(): T {
  return undefined as unknown as T;
}

const callId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const serverName = z.string().min(1).max(64);
const empty = z.object({}).strict();

export type { HistoryPage } from './history';

export const contract = {
  queries: {
    status: { input: empty, output: out<StatusView>() },
    pending: { input: empty, output: out<PendingItem[]>() },
    servers: { input: empty, output: out<ServerView[]>() },
    rules: { input: empty, output: out<Rule[]>() },
    /** The definition a past call was judged against (its `definition` key and hash), while Airlock still keeps that version. */
    definitionAt: {
      input: z.object({ server: serverName, key: z.string().min(1).max(2048), hash: sha256Hex }).strict(),
      output: out<DefinitionVersion | undefined>(),
    },
    /** Newest-first pages of the log (`view: 'records'`) or of calls joined with results (`view: 'calls'`). See shared/history.ts. */
    history: { input: historyQuerySchema, output: out<HistoryPage>() },
    /** One call in full (parameters uncut) for the detail pane; `undefined` when the seq is not a call. */
    historyEntry: { input: historyEntrySchema, output: out<HistoryEntry | undefined>() },
    historySettings: { input: empty, output: out<HistorySettingsView>() },
    historyIndexStatus: { input: empty, output: out<HistoryIndexState>() },
    /** Agent hosts found on this machine, their MCP config files and entries, protection state and drift alerts. */
    hosts: { input: z.object({ project: z.string().min(1).max(4096).optional() }).strict(), output: out<HostsView>() },
  },
  commands: {
    approve: {
      input: z.object({ id: callId, hash: sha256Hex, scope: z.enum(['once', 'session', 'always']) }).strict(),
      output: out<{ rule?: Rule }>(),
    },
    /** Approve some or all definitions on a review card; each names the hash the person saw. */
    approveDefinitions: {
      input: z.object({ id: callId, items: z.array(z.object({ key: z.string().min(1).max(2048), hash: sha256Hex }).strict()).min(1).max(5000) }).strict(),
      output: out<{ approved: number }>(),
    },
    /** Refuse definitions: they stay withheld, and the same version does not raise a card again. */
    rejectDefinitions: {
      input: z.object({ id: callId, items: z.array(z.object({ key: z.string().min(1).max(2048), hash: sha256Hex }).strict()).min(1).max(5000) }).strict(),
      output: out<{ rejected: number }>(),
    },
    deny: {
      input: z.object({ id: callId, message: z.string().max(2000).optional() }).strict(),
      output: out<{ ok: true }>(),
    },
    revokeServer: { input: z.object({ server: serverName }).strict(), output: out<{ ok: true }>() },
    restoreServer: { input: z.object({ server: serverName }).strict(), output: out<{ ok: true }>() },
    pause: { input: empty, output: out<{ ok: true }>() },
    resume: { input: empty, output: out<{ ok: true }>() },
    /** Loosening settings live here, in the window, and nowhere an agent can reach. */
    updateSettings: {
      input: z.object({ trustOnFirstUse: z.boolean().optional(), holdBudgetMs: z.number().int().min(1_000).max(3_600_000).optional() }).strict(),
      output: out<StatusView>(),
    },
    /** Accept settings edited outside Airlock, after reading what changed (status.integrity). */
    acceptSettings: { input: empty, output: out<StatusView>() },
    removeRule: { input: z.object({ id: z.string().min(1).max(64) }).strict(), output: out<{ ok: true }>() },
    /**
     * Logs Airlock in to a remote server (OAuth in the system browser). Answers once the authorization
     * URL is known — `started` with the link for the window to show — or `not-needed`; the login then
     * completes in the background (serversChanged, and a `login` or `login-failed` log line).
     */
    login: {
      input: z.object({ server: serverName }).strict(),
      output: out<{ status: 'started'; authorizationUrl: string } | { status: 'not-needed' } | { status: 'done' }>(),
    },
    /** Revokes Airlock's tokens for a remote server at its AS (RFC 7009, when offered) and deletes them. */
    logout: { input: z.object({ server: serverName }).strict(), output: out<{ revoked: string[]; deleted: boolean }>() },
    /**
     * A rule made by a person from a call in the History screen: allow or deny this one tool on
     * this server (never `*`). Window-only, like every loosening; returns the existing rule when
     * the same one is already there. `fromSeq` names the call it came from (recorded as its source).
     */
    createRule: {
      input: z
        .object({
          server: serverName,
          tool: z.string().min(1).max(2048).refine((tool) => tool !== '*', 'a rule from a call names one tool, not *'),
          action: z.enum(['allow', 'deny']),
          fromSeq: z.number().int().min(1).optional(),
        })
        .strict(),
      output: out<{ rule: Rule; created: boolean }>(),
    },
    /** Checks the whole hash chain; names the first broken record. */
    verifyLog: { input: empty, output: out<VerifyLogReport>() },
    /** The filtered call view as JSONL or CSV (capped; browser mode can stream all of it over HTTP). */
    exportHistory: { input: exportHistorySchema, output: out<HistoryExport>() },
    /** Retention (days / MB) and the optional OpenTelemetry exporter. */
    setHistorySettings: { input: setHistorySettingsSchema, output: out<HistorySettingsView>() },
    /** Drops the history index and rebuilds it from the log segments. */
    reindexHistory: { input: empty, output: out<HistoryIndexState>() },
    /**
     * Imports a host's servers (all, or `servers` by key; local and remote) and points each entry at
     * Airlock: `airlock connect` (mode stdio, the default) or the HTTP ingress with the host's token
     * (mode http; not for Claude Desktop). Returns `collisions` (and changes nothing) when a name is
     * taken by a different server: ask, then resend with `as`.
     */
    protectHost: {
      input: z
        .object({
          host: z.enum(HOST_IDS),
          servers: z.array(z.string().min(1).max(256)).min(1).max(200).optional(),
          project: z.string().min(1).max(4096).optional(),
          as: z.record(z.string().min(1).max(256), serverName).optional(),
          mode: z.enum(['stdio', 'http']).optional(),
        })
        .strict(),
      output: out<ProtectHostResult>(),
    },
    /** Restores a host's original entries (all Airlock wrapped, or `servers` by key). */
    unprotectHost: {
      input: z
        .object({
          host: z.enum(HOST_IDS),
          servers: z.array(z.string().min(1).max(256)).min(1).max(200).optional(),
          project: z.string().min(1).max(4096).optional(),
        })
        .strict(),
      output: out<UnprotectHostResult>(),
    },
  },
  events: {
    pendingAdded: out<PendingItem>(),
    /** A pending item changed in place (e.g. its hold budget ran out); replace it by id. */
    pendingUpdated: out<PendingItem>(),
    pendingRemoved: out<{ id: string; reason: string }>(),
    statusChanged: out<StatusView>(),
    serversChanged: out<ServerView[]>(),
    rulesChanged: out<Rule[]>(),
    audit: out<AuditRecord>(),
    /** Settings or pins were edited outside Airlock; `changes` says what, compared with Airlock's last write. */
    integrityAlert: out<{ file: string; changes: string[]; detectedAt: string }>(),
    /** The history index is catching up, rebuilding (with progress), ready, or unavailable. */
    historyIndexChanged: out<HistoryIndexState>(),
    /** A host file drifted: a new unprotected server, or an Airlock wrapper removed by hand. */
    hostAlert: out<HostAlert>(),
    /** The hosts view after a protect/unprotect or a change in the alert list. */
    hostsChanged: out<HostsView>(),
  },
} as const;

export type Contract = typeof contract;
export type QueryName = keyof Contract['queries'];
export type CommandName = keyof Contract['commands'];
export type EventName = keyof Contract['events'];
export type OperationName = QueryName | CommandName;

type Entry<N extends OperationName> = N extends QueryName
  ? Contract['queries'][N]
  : N extends CommandName
    ? Contract['commands'][N]
    : never;

/** What a caller passes (defaults may be omitted). */
export type InputOf<N extends OperationName> = z.input<Entry<N>['input']>;
/** What the core receives after validation. */
export type ParsedInputOf<N extends OperationName> = z.output<Entry<N>['input']>;
export type OutputOf<N extends OperationName> = Entry<N>['output'];
export type EventPayload<E extends EventName> = Contract['events'][E];

export const queryNames = Object.keys(contract.queries) as QueryName[];
export const commandNames = Object.keys(contract.commands) as CommandName[];
export const eventNames = Object.keys(contract.events) as EventName[];
export const operationNames: OperationName[] = [...queryNames, ...commandNames];

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && (operationNames as string[]).includes(name);
}

export function inputSchemaOf(name: OperationName): z.ZodType {
  return (name in contract.queries
    ? contract.queries[name as QueryName].input
    : contract.commands[name as CommandName].input) as z.ZodType;
}

/** The core's implementation of every operation. */
export type CoreApi = { [N in OperationName]: (input: ParsedInputOf<N>) => Promise<OutputOf<N>> | OutputOf<N> };

/** Any UI-side client, whatever carries it. */
export interface ApiClient {
  call<N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Error shape every transport returns for a failed operation. */
export interface ApiError {
  code: 'invalid-input' | 'not-found' | 'conflict' | 'unavailable' | 'internal';
  message: string;
}

export class ApiFailure extends Error {
  constructor(
    readonly code: ApiError['code'],
    message: string,
  ) {
    super(message);
  }
}
