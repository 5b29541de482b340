/** What the core tells a UI about agent hosts and their MCP config files. Pure data; no behaviour. */

export const HOST_IDS = ['claude-desktop', 'claude-code', 'cursor', 'vscode', 'vscode-insiders', 'windsurf', 'gemini-cli', 'codex', 'zed'] as const;
export type HostId = (typeof HOST_IDS)[number];

/**
 * - protected: the entry goes through Airlock — launches `airlock connect <airlockName>` (mode stdio)
 *   or points at Airlock's HTTP ingress (mode http).
 * - unprotected: a local or remote (URL) server Airlock can import and wrap.
 * - remote: no longer produced (remote entries are `unprotected` or `unsupported`); kept for older UIs.
 * - unsupported: Airlock cannot import it faithfully (`reason` says why); left untouched.
 */
export type HostEntryState = 'protected' | 'unprotected' | 'remote' | 'unsupported';

export interface HostEntryView {
  /** The server key in the host file. Airlock never renames it. */
  key: string;
  state: HostEntryState;
  transport: 'stdio' | 'http' | 'sse';
  /** Protected: the Airlock server it launches. Unprotected: the name it would get. */
  airlockName?: string;
  /** Local entries: program and arguments as the host would run them (env values never shown). */
  command?: string;
  args?: string[];
  envNames?: string[];
  /** Remote entries, and protected ones in http mode (the ingress URL), with secret-shaped parts redacted. */
  url?: string;
  /** Remote entries: names of their static headers (values never shown). */
  headerNames?: string[];
  /** Protected entries: `airlock connect` (stdio) or the HTTP ingress (http). */
  mode?: 'stdio' | 'http';
  /** Why an entry is unsupported or remote. */
  reason?: string;
  /** Protected entries: Airlock holds the original and `unprotect` can restore it. */
  restorable?: boolean;
}

/** One place servers are listed: a file, and where inside it (Claude Code keeps several in one file). */
export interface HostConfigView {
  file: string;
  /** e.g. `mcpServers`, `projects["/work/app"].mcpServers`, `mcp.servers`, `[mcp_servers]`. */
  where: string;
  /** user: applies everywhere; local: one project, private to this user; project: a file inside the project. */
  scope: 'user' | 'local' | 'project';
  project?: string;
  format: 'json' | 'jsonc' | 'toml';
  exists: boolean;
  /** The file could not be read or parsed; Airlock leaves it alone. */
  error?: string;
  entries: HostEntryView[];
}

export interface HostView {
  id: HostId;
  name: string;
  installed: boolean;
  configs: HostConfigView[];
}

export type HostAlertKind = 'unprotected-server' | 'wrapper-removed';

export interface HostAlert {
  id: string;
  kind: HostAlertKind;
  host: HostId;
  hostName: string;
  file: string;
  /** The server key in the host file. */
  server: string;
  project?: string;
  at: string;
  message: string;
  /** The input for `protectHost` that resolves the alert in one click. */
  protect: { host: HostId; servers: string[]; project?: string; mode?: 'stdio' | 'http' };
}

export interface HostsView {
  hosts: HostView[];
  alerts: HostAlert[];
  /** Project folders the hosts know about (and any asked for), scanned for project files. */
  projects: string[];
}

/** A name an imported entry cannot take because an Airlock server of that name launches something else. */
export interface HostNameCollision {
  file: string;
  key: string;
  airlockName: string;
  /** A free name to offer, e.g. `github-2`. */
  suggestion: string;
  message: string;
}

export interface ProtectHostResult {
  host: HostId;
  /** Non-empty means nothing was changed: the person must choose names (`as`). */
  collisions: HostNameCollision[];
  protected: Array<{
    file: string;
    key: string;
    airlockName: string;
    reused: boolean;
    secretEnvNames: string[];
    /** How the host reaches Airlock now. */
    mode: 'stdio' | 'http';
    /** How Airlock reaches the server: a local process, or the remote URL it imported. */
    transport: 'stdio' | 'http' | 'sse';
    /** Remote servers: static headers whose values moved to Airlock's secret store. */
    headerNames: string[];
  }>;
  alreadyProtected: Array<{ file: string; key: string; airlockName: string; mode: 'stdio' | 'http' }>;
  skipped: Array<{ file: string; key: string; reason: string }>;
  files: Array<{ file: string; backup: string }>;
  /**
   * http mode, when something was protected: the ingress the entries name and the host token they
   * carry (its label only; the secret is in the host file and nowhere else in clear).
   */
  ingress?: { url: string; running: boolean; tokenLabel: string; tokenCreated: boolean };
}

export interface UnprotectHostResult {
  host: HostId;
  restored: Array<{ file: string; key: string; airlockName: string }>;
  skipped: Array<{ file: string; key: string; reason: string }>;
  /** exact: the file is byte-identical to what it was before Airlock touched it. */
  files: Array<{ file: string; backup: string; exact: boolean }>;
  /** Host tokens revoked because no protected entry uses them any more. */
  revokedTokens?: string[];
}
