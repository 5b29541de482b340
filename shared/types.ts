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
  /** Names whose values live in Airlock's secret store (`server/<name>/env/<NAME>`), merged in at launch. */
  secretEnv: string[];
}

export interface HttpServerSpec {
  transport: 'http' | 'sse';
  url: string;
  /** Names of static headers held in Airlock's secret store; values never leave it. */
  headerNames: string[];
  /** How Airlock registers with the server's authorization server when it is not dynamic registration. */
  oauth?: { clientId?: string; clientMetadataUrl?: string };
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

/** Requests a server sends to the host that a person approves like calls. */
export type ServerRequestMethod = 'sampling/createMessage' | 'elicitation/create' | 'roots/list';

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
  /** Findings on the tool's definition (description, schema…) as approved. */
  findings?: Finding[];
  /** How the tool's definition changed at its last approved change, when it ever changed. */
  diff?: DefinitionDiff;
}

export type PendingItem = PendingCall | DefinitionReview | SamplingReview | ElicitationReview | RootsReview;

export type ServerState = 'idle' | 'running' | 'revoked';

/** A definition as it was approved at some point, for "the definition in force then". */
export interface DefinitionVersion {
  key: string;
  kind: DefinitionKind;
  hash: string;
  definition: unknown;
  approvedAt: string;
  approvedBy: 'person' | 'trust-on-first-use';
  /** Whether this is still the approved version. */
  current: boolean;
  /** How it differed from the version approved before it, when that is known. */
  diff?: DefinitionDiff;
}

/** One definition a server offers, as the Servers screen lists it. */
export interface ServerDefinition {
  key: string;
  kind: DefinitionKind;
  name: string;
  /** approved; new / changed / renamed while a review card is open; rejected when the person refused it. */
  state: 'approved' | 'rejected' | PinState;
  findings: number;
  highest?: Severity;
  approvedAt?: string;
  approvedBy?: 'person' | 'trust-on-first-use';
}

export interface ServerView {
  name: string;
  spec: ServerSpec;
  state: ServerState;
  sessions: number;
  revoked?: { at: string; by: string };
  authority: Authority;
  rules: Rule[];
  /** Pinned, pending and rejected definitions, with their findings count. */
  definitions: ServerDefinition[];
}

export interface StatusView {
  version: string;
  paused: boolean;
  /** Settings or pins failed their integrity check: everything falls back to ask. */
  tampered: boolean;
  /** What failed its check and what changed compared with the last version Airlock wrote. */
  integrity: Array<{ file: string; changes: string[]; detectedAt: string }>;
  /** The audit log cannot be written: calls are refused until it can. */
  auditProblem?: string;
  holdBudgetMs: number;
  /** New servers' first definitions are approved without a review (recorded in the log). */
  trustOnFirstUse: boolean;
  pendingCount: number;
  home: string;
}

// ── Metadata: findings, pins, diffs, reviews (see the metadata issue) ─────────────────────────

export type FindingKind =
  | 'hidden-instruction'
  | 'concealment'
  | 'sensitive-path'
  | 'cross-tool-reference'
  | 'invisible-character'
  | 'ansi-escape'
  | 'confusable-name'
  | 'suspicious-parameter'
  | 'encoded-payload'
  | 'name-collision';

export type Severity = 'info' | 'warn' | 'high';

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  /** Where in the definition: a dotted path such as `description` or `inputSchema.properties.memo.description`. */
  path: string;
  /** Character span (UTF-16 offsets) within the string at `path`; absent when the finding is about the whole value. */
  span?: { start: number; end: number };
  /** One sentence a person can act on. */
  message: string;
  /** Text the model would read but a person cannot see: decoded tag characters, base64, hex. */
  decoded?: string;
}

/** What kind of thing a pin fingerprints. */
export type DefinitionKind = 'tool' | 'prompt' | 'resource' | 'resource-template' | 'instructions' | 'server-info';

export interface TextDiffPart {
  value: string;
  added?: boolean;
  removed?: boolean;
}

export interface SchemaChange {
  /** JSON-Schema property path, e.g. `properties.path` or `properties.opts.properties.force`. */
  path: string;
  change: 'added' | 'removed' | 'type' | 'description' | 'default' | 'enum' | 'required' | 'other';
  before?: unknown;
  after?: unknown;
}

export interface DefinitionDiff {
  kind: DefinitionKind;
  name: string;
  /** Set when the change is a rename (a removed definition paired with a similar added one). */
  previousName?: string;
  title?: TextDiffPart[];
  /** Word diff of the description (or of the instructions, for `instructions`). */
  description?: TextDiffPart[];
  inputSchema: SchemaChange[];
  outputSchema: SchemaChange[];
  annotations: Array<{ key: string; before?: unknown; after?: unknown }>;
  /** Any other changed field (icons, arguments of a prompt, mimeType of a resource…). */
  other: Array<{ path: string; before?: unknown; after?: unknown }>;
}

export type PinState = 'new' | 'approved' | 'changed' | 'renamed' | 'removed';

/** One definition inside a review card. */
export interface DefinitionReviewItem {
  /** `<kind>:<name>`, e.g. `tool:send_email`. */
  key: string;
  /** Fingerprint of `definition`; a decision must name it, so nobody approves a version they did not see. */
  hash: string;
  kind: DefinitionKind;
  name: string;
  state: PinState;
  /** The definition as the server sent it now (absent for a removal). */
  definition?: unknown;
  /** The approved definition it replaces (changes and renames). */
  previous?: unknown;
  diff?: DefinitionDiff;
  findings: Finding[];
}

/** A server's definitions waiting for a person: first sight of a server, or changes since approval. */
export interface DefinitionReview {
  kind: 'definitions';
  id: string;
  server: string;
  reason: 'first-sight' | 'changed';
  items: DefinitionReviewItem[];
  receivedAt: number;
}

/** A server asks the host's model to generate text. */
export interface SamplingReview {
  kind: 'sampling';
  id: string;
  hash: string;
  server: string;
  host: HostInfo;
  messages: unknown[];
  systemPrompt?: string;
  maxTokens?: number;
  /** Everything else the server sent (model preferences, tools, includeContext…). */
  params: unknown;
  findings: Finding[];
  receivedAt: number;
  holdDeadline: number;
}

/** A server asks the person for input through the host. */
export interface ElicitationReview {
  kind: 'elicitation';
  id: string;
  hash: string;
  server: string;
  host: HostInfo;
  mode: 'form' | 'url';
  message: string;
  requestedSchema?: unknown;
  url?: string;
  findings: Finding[];
  receivedAt: number;
  holdDeadline: number;
}

/** A server asks which folders the host has open. */
export interface RootsReview {
  kind: 'roots';
  id: string;
  hash: string;
  server: string;
  host: HostInfo;
  receivedAt: number;
  holdDeadline: number;
}
