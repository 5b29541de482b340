/**
 * The one contract between the core and any UI. Electron IPC and the browser-mode WebSocket are
 * both generated from this map, so they cannot drift apart. Inputs are validated at runtime with
 * zod on the core side (anything reaching the core is untrusted); outputs are typed only.
 */
import { z } from 'zod';
import type { AuditRecord } from './audit';
import type { PendingItem, Rule, ServerView, StatusView } from './types';

/** A phantom used to attach an output type to a contract entry without a runtime schema. */
function out<T>(): T {
  return undefined as unknown as T;
}

const callId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const serverName = z.string().min(1).max(64);
const empty = z.object({}).strict();

export interface HistoryPage {
  records: AuditRecord[];
  /** Pass as `beforeSeq` to get the next (older) page; absent at the end. */
  nextBeforeSeq?: number;
}

export const contract = {
  queries: {
    status: { input: empty, output: out<StatusView>() },
    pending: { input: empty, output: out<PendingItem[]>() },
    servers: { input: empty, output: out<ServerView[]>() },
    rules: { input: empty, output: out<Rule[]>() },
    history: {
      input: z
        .object({
          limit: z.number().int().min(1).max(500).default(100),
          beforeSeq: z.number().int().min(0).optional(),
          server: serverName.optional(),
          tool: z.string().max(256).optional(),
          decision: z.enum(['allow', 'deny']).optional(),
        })
        .strict(),
      output: out<HistoryPage>(),
    },
  },
  commands: {
    approve: {
      input: z.object({ id: callId, hash: sha256Hex, scope: z.enum(['once', 'session', 'always']) }).strict(),
      output: out<{ rule?: Rule }>(),
    },
    deny: {
      input: z.object({ id: callId, message: z.string().max(2000).optional() }).strict(),
      output: out<{ ok: true }>(),
    },
    revokeServer: { input: z.object({ server: serverName }).strict(), output: out<{ ok: true }>() },
    restoreServer: { input: z.object({ server: serverName }).strict(), output: out<{ ok: true }>() },
    pause: { input: empty, output: out<{ ok: true }>() },
    resume: { input: empty, output: out<{ ok: true }>() },
    removeRule: { input: z.object({ id: z.string().min(1).max(64) }).strict(), output: out<{ ok: true }>() },
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
