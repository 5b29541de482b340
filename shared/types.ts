/** Domain types shared by the core, the CLI and the renderer. Pure data; no behaviour. */

export const SERVER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface StdioServerSpec {
  transport: 'stdio';
  command: string;
  args: string[];
  /** Working directory of the child; absent means Airlock's own working directory at launch. */
  cwd?: string;
  /** Variables set explicitly for this server. Values are secrets as far as any display is concerned. */
  env: Record<string, string>;
  /** Names passed through from Airlock's own environment at launch. */
  envPass: string[];
}

export interface HttpServerSpec {
  transport: 'http' | 'sse';
  url: string;
  /** Names of static headers held in Airlock's secret store; values never leave it. */
  headerNames: string[];
}

export type ServerSpec = StdioServerSpec | HttpServerSpec;

export interface ServerRecord {
  name: string;
  spec: ServerSpec;
  addedAt: string;
  /** Set while revoked; a revoked server starts no process and answers every request with a refusal. */
  revoked?: { at: string; by: string };
}

export type RuleAction = 'allow' | 'deny' | 'ask';

export interface Rule {
  id: string;
  server: string;
  /** A tool name, or '*' for every tool of the server. */
  tool: string;
  action: RuleAction;
  createdAt: string;
  /** Where the rule came from, e.g. "Always allow on a card". */
  source: string;
}

export type GatedMethod = 'tools/call' | 'resources/read' | 'prompts/get';

/** Who or what settled a call. */
export type DecidedBy =
  | 'person'
  | 'rule'
  | 'session-grant'
  | 'retry-grant'
  | 'timeout'
  | 'revoke'
  | 'pause'
  | 'host-cancelled'
  | 'host-gone'
  | 'withheld'
  | 'audit-unavailable';

export type Decision = 'allow' | 'deny';

export type Outcome =
  | 'result'
  | 'tool-error'
  | 'rpc-error'
  | 'upstream-failed'
  | 'denied'
  | 'waiting'
  | 'cancelled';

export interface HostInfo {
  /** clientInfo.name from the host's initialize request, as sent. */
  name: string;
  version: string;
  session: string;
  transport: 'stdio' | 'http';
}

export type ResourceKind = 'path' | 'url' | 'email' | 'repo' | 'sql' | 'command';

export interface ResourceRef {
  kind: ResourceKind;
  /** The value as it appears in the arguments. */
  raw: string;
  /** Resolved form: absolute path, normalised URL host, owner/repo… */
  resolved: string;
  /** JSON Pointer to the argument it came from. */
  pointer: string;
  /** For URLs: the host to emphasise. */
  host?: string;
  /** For paths: the path leaves the server's working directory. */
  outsideWorkingDir?: boolean;
}

export type OperationClass = 'read' | 'write' | 'destructive' | 'unknown';

export interface OperationAssessment {
  /** What the tool's annotations claim. Annotations are untrusted hints from the server. */
  claimed: OperationClass;
  /** Airlock's own reading of the tool name and arguments. */
  assessed: OperationClass;
  /** The class shown: the more dangerous of the two. */
  effective: OperationClass;
  reasons: string[];
}

export interface LocalAuthority {
  kind: 'local';
  command: string;
  args: string[];
  cwd: string;
  /** Names only. Values never leave the core. */
  envNames: string[];
}

export interface RemoteAuthority {
  kind: 'remote';
  url: string;
  issuer?: string;
  clientId?: string;
  audience?: string[];
  scopes?: string[];
  expiresAt?: string;
  account?: string;
  headerNames: string[];
  warnings: string[];
}

export type Authority = LocalAuthority | RemoteAuthority;

export interface SecretMark {
  pointer: string;
  kind: string;
}

export interface PendingCall {
  kind: 'call';
  id: string;
  /** Hash of the exact request that will be forwarded; an approval must name it. */
  hash: string;
  method: GatedMethod;
  server: string;
  /** Tool name, resource URI or prompt name, exactly as sent. */
  target: string;
  title?: string;
  description?: string;
  annotations?: Record<string, unknown>;
  host: HostInfo;
  /** Complete arguments (or params for resources/prompts). The UI masks `secrets` until clicked. */
  arguments: unknown;
  secrets: SecretMark[];
  resources: ResourceRef[];
  operation: OperationAssessment;
  authority: Authority;
  receivedAt: number;
  /** When the host is answered "waiting in Airlock" if nobody decides. */
  holdDeadline: number;
  /** True once the hold budget ran out: the card stays, and an approval lets the identical retry through once. */
  expired: boolean;
}

export type PendingItem = PendingCall;

export type ServerState = 'idle' | 'running' | 'revoked';

export interface ServerView {
  name: string;
  spec: ServerSpec;
  state: ServerState;
  sessions: number;
  revoked?: { at: string; by: string };
  authority: Authority;
  rules: Rule[];
}

export interface StatusView {
  version: string;
  paused: boolean;
  /** Settings failed their integrity check: everything falls back to ask. */
  tampered: boolean;
  /** The audit log cannot be written: calls are refused until it can. */
  auditProblem?: string;
  holdBudgetMs: number;
  pendingCount: number;
  home: string;
}
