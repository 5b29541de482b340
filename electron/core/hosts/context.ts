import type { AuditEntry } from '../../../shared/audit';
import type { ServerRecord } from '../../../shared/types';
import type { SecretStore } from '../secret-store';
import type { StdioSpecInput } from '../server-spec';
import type { CommitHooks } from './host-file';
import type { Launcher } from './launcher';
import type { ProtectionRecords } from './records';
import type { HostEnv } from './types';

/** The parts of the core that host protection uses. */
export interface HostsCoreServices {
  readonly settings: { readonly data: { readonly servers: Readonly<Record<string, ServerRecord>> } };
  readonly secrets: SecretStore;
  addServer(name: string, input: StdioSpecInput, by: string): ServerRecord;
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
}
