import type { AuditEntry } from '../../../shared/audit';
import type { ServerRecord } from '../../../shared/types';
import type { HttpSpecInput } from '../remote/http-spec';
import type { SecretStore } from '../secret-store';
import type { StdioSpecInput } from '../server-spec';
import type { CommitHooks } from './host-file';
import type { HostTokenAccess } from './host-token';
import type { Launcher } from './launcher';
import type { ProtectionRecords } from './records';
import type { HostEnv } from './types';

/** The parts of the core that host protection uses. */
export interface HostsCoreServices {
  readonly settings: { readonly data: { readonly servers: Readonly<Record<string, ServerRecord>> } };
  readonly secrets: SecretStore;
  addServer(name: string, input: StdioSpecInput, by: string): ServerRecord;
  addRemoteServer(name: string, input: HttpSpecInput, by: string): ServerRecord;
  removeServer(name: string, by: string): void;
  record(entry: AuditEntry): void;
}

export interface HostsContext {
  core: HostsCoreServices;
  env: HostEnv;
  /** Resolved on first use: finding the CLI can fail, and only protecting needs it. */
  launcher(): Launcher;
  records: ProtectionRecords;
  hooks: CommitHooks;
  /** Host tokens for `--http` entries. */
  tokens: HostTokenAccess;
  /** The ingress port `--http` entries name: the running ingress's, else the configured one. */
  ingress(): { port: number; running: boolean };
}
