/**
 * What Airlock remembers about the host entries it wrapped, so `unprotect` can put them back:
 * `<home>/hosts/protections.json` (0600) lists each file, the hash of what Airlock last wrote
 * there and the wrapped entries; the originals themselves (they may hold secrets) are encrypted
 * in `<home>/hosts/originals.json`, a SecretStore under the same key as the server secrets (which
 * also holds the host tokens of `protect --http`).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { HOST_IDS } from '../../../shared/hosts';
import { SecretStore, type KeyProvider } from '../secret-store';
import { readJsonFile, writePrivateFileAtomic } from '../secure-fs';
import type { OriginalEntry } from './documents';
import { sha256 } from './host-file';

const recordEntrySchema = z
  .object({
    container: z.array(z.string()),
    key: z.string(),
    airlockName: z.string(),
    /** The project of a local- or project-scope entry. */
    project: z.string().optional(),
    /** Id of the original entry in the originals store. */
    original: z.string(),
    at: z.string(),
    /** How the entry reaches Airlock: `airlock connect` (the default, also for older records) or the HTTP ingress. */
    mode: z.enum(['stdio', 'http']).optional(),
    /** http mode: the label of the host token written into the entry. */
    tokenLabel: z.string().optional(),
  })
  .strict();

const fileRecordSchema = z
  .object({
    host: z.enum(HOST_IDS),
    format: z.enum(['json', 'jsonc', 'toml']),
    /** sha256 of the bytes Airlock last wrote. */
    writtenHash: z.string(),
    /** Id of the file's content before Airlock first changed it, while that is still a valid way back. */
    pristine: z.string().optional(),
    entries: z.array(recordEntrySchema),
  })
  .strict();

const recordsSchema = z.object({ version: z.literal(1), files: z.record(z.string(), fileRecordSchema) }).strict();

const seenSchema = z.object({ version: z.literal(1), entries: z.array(z.string()) }).strict();

function hostTokenId(label: string): string {
  return `host-token/${label}`;
}

export type RecordEntry = z.infer<typeof recordEntrySchema>;
export type FileRecord = z.infer<typeof fileRecordSchema>;

export class ProtectionRecords {
  readonly dir: string;
  readonly file: string;
  readonly seenFile: string;
  private readonly originals: SecretStore;

  constructor(home: string, keyProvider: KeyProvider) {
    this.dir = path.join(home, 'hosts');
    this.file = path.join(this.dir, 'protections.json');
    this.seenFile = path.join(this.dir, 'seen.json');
    this.originals = new SecretStore(path.join(this.dir, 'originals.json'), keyProvider);
  }

  all(): Record<string, FileRecord> {
    let raw: unknown;
    try {
      raw = readJsonFile(this.file);
    } catch (error) {
      throw new Error(`${(error as Error).message}; Airlock cannot tell which host entries it wrapped. Move it aside to start over (the backups beside each host file keep the originals).`);
    }
    if (raw === undefined) return {};
    const parsed = recordsSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${this.file} is damaged (${parsed.error.issues[0]!.message}); Airlock will not guess which host entries it wrapped.`);
    return parsed.data.files;
  }

  get(file: string): FileRecord | undefined {
    return this.all()[file];
  }

  put(file: string, record: FileRecord | undefined): void {
    const files = this.all();
    if (record && record.entries.length > 0) files[file] = record;
    else delete files[file];
    writePrivateFileAtomic(this.file, `${JSON.stringify({ version: 1, files }, null, 2)}\n`);
  }

  /** Ids are unique per save, so a failed write can drop the new copy and keep the previous one. */
  private newId(file: string, kind: string): string {
    return `file/${sha256(file).slice(0, 24)}/${kind}/${randomBytes(6).toString('hex')}`;
  }

  saveOriginal(file: string, original: OriginalEntry): string {
    const id = this.newId(file, 'entry');
    this.originals.set(id, JSON.stringify(original));
    return id;
  }

  readOriginal(id: string): OriginalEntry {
    const text = this.originals.get(id);
    if (text === undefined) throw new Error(`Airlock's copy of an original host entry (${id}) is missing`);
    return JSON.parse(text) as OriginalEntry;
  }

  savePristine(file: string, text: string): string {
    const id = this.newId(file, 'pristine');
    this.originals.set(id, text);
    return id;
  }

  readPristine(id: string): string | undefined {
    return this.originals.get(id);
  }

  /**
   * The secret of a host token Airlock created for `protect --http`, kept encrypted beside the
   * originals: the ingress keeps only a hash, and a second protected entry of the same host needs
   * the same secret.
   */
  saveHostToken(label: string, token: string): void {
    this.originals.set(hostTokenId(label), token);
  }

  hostToken(label: string): string | undefined {
    return this.originals.get(hostTokenId(label));
  }

  forgetHostToken(label: string): void {
    this.originals.delete(hostTokenId(label));
  }

  forgetFile(file: string): void {
    this.originals.deletePrefix(`file/${sha256(file).slice(0, 24)}/`);
  }

  forget(id: string): void {
    this.originals.delete(id);
  }

  /** Entries seen by the drift watcher; `undefined` before the first watched scan. */
  seen(): Set<string> | undefined {
    try {
      const raw = readJsonFile(this.seenFile);
      if (raw === undefined) return undefined;
      const parsed = seenSchema.safeParse(raw);
      return parsed.success ? new Set(parsed.data.entries) : undefined;
    } catch {
      return undefined;
    }
  }

  saveSeen(entries: Set<string>): void {
    writePrivateFileAtomic(this.seenFile, `${JSON.stringify({ version: 1, entries: [...entries].sort() })}\n`);
  }
}
