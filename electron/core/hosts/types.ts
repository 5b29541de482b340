import type { HostConfigView, HostId } from '../../../shared/hosts';

/**
 * Where to look: the user's home folder, the platform whose paths apply, and the environment
 * variables that move config folders (APPDATA, XDG_CONFIG_HOME, CODEX_HOME…). Injected so tests
 * use fixture homes, never the real one.
 */
export interface HostEnv {
  home: string;
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
}

/** How a host expands `${…}` references in its entries (each host has its own syntax). */
export type Interpolation = 'none' | 'claude-code' | 'vscode' | 'cursor' | 'windsurf' | 'gemini';

/** How one server entry is laid out: the common `mcpServers` shape, Zed's `context_servers`, or Codex TOML. */
export type EntryShape = 'mcp' | 'zed' | 'codex';

/** One list of servers: a file, and the path inside it to the object that holds the entries. */
export interface ConfigLocation {
  host: HostId;
  file: string;
  format: HostConfigView['format'];
  /** Path from the document root to the servers object, e.g. ['projects', '/work/app', 'mcpServers']. */
  container: string[];
  where: string;
  scope: HostConfigView['scope'];
  project?: string;
  shape: EntryShape;
  interpolation: Interpolation;
  /** Legacy places (VS Code settings.json) are listed only when they actually hold servers. */
  onlyIfPresent?: boolean;
}

/**
 * How a host writes an entry it reaches over HTTP, for Airlock's `--http` mode: the key of the URL
 * (Gemini CLI `httpUrl`, since its `url` means SSE; Windsurf `serverUrl`), the key of the headers
 * (Codex `http_headers`), and whether the host needs `type: "http"` to read the entry as HTTP.
 */
export interface HttpEntryShape {
  urlKey: 'url' | 'httpUrl' | 'serverUrl';
  headersKey: 'headers' | 'http_headers';
  /** 'always': the host needs the type (Claude Code, VS Code); 'if-present': only a `type` already there is set. */
  type: 'always' | 'if-present';
}

export interface HostDefinition {
  id: HostId;
  name: string;
  /** How it writes an HTTP entry; absent when the host reads only stdio entries from its file (Claude Desktop). */
  http?: HttpEntryShape;
  /** The host's config folder exists. */
  installed(env: HostEnv): boolean;
  /** Every place this host reads servers from: user files, and project files of `projects`. */
  locations(env: HostEnv, projects: readonly string[]): ConfigLocation[];
  /** Project folders this host remembers (Claude Code `projects`, Codex trusted projects). */
  knownProjects?(env: HostEnv): string[];
}
