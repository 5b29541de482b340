import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isSecretKey, secretKindOfValue } from '../../shared/secrets';
import { createFileOnce, ensurePrivateDir, writePrivateFileAtomic } from './secure-fs';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where the 32-byte key of the secret store comes from. */
export interface KeyProvider {
  readonly kind: 'safeStorage' | 'file';
  /** The 32-byte AES-256 key. Throws with a clear message when the key cannot be had. */
  getKey(): Buffer;
}

export class SecretStoreError extends Error {}

/** Where a server's env secret lives in the store; settings.json keeps only the name. */
export function serverSecretId(server: string, envName: string): string {
  return `${serverSecretPrefix(server)}env/${envName}`;
}

export function serverSecretPrefix(server: string): string {
  return `server/${server}/`;
}

/** Env variables whose value is a secret, judged by the name (…_TOKEN, PASSWORD…) or by the value's shape (ghp_…, sk-…). */
export function secretEnvNames(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => isSecretKey(name) || secretKindOfValue(value) !== undefined)
    .map(([name]) => name);
}

/** The store file of a home: beside settings.json, 0600. */
export function secretStoreFile(home: string): string {
  return path.join(home, 'secrets.json');
}

/**
 * A key kept in a 0600 file inside a 0700 folder of the Airlock home.
 *
 * Honest limits: the key sits on the same disk, readable by the same user, as the data it
 * protects. It keeps secrets out of plain sight (settings.json, backups, sync folders, a
 * casual `cat`, a support bundle that copies the store without the key folder) but it does not
 * stop a process running as this user, which can read both files. The desktop app replaces it
 * with a provider backed by Electron's `safeStorage` (the OS keychain), which does raise the bar.
 */
/** Name of the key the desktop app seals with the OS keychain (electron/shell/safe-storage-key.ts). */
export const DESKTOP_SEALED_KEY = 'secret-store.sealed';

export class FileKeyProvider implements KeyProvider {
  readonly kind = 'file' as const;
  readonly file: string;
  private cached: Buffer | undefined;

  constructor(home: string) {
    this.file = path.join(home, 'keys', 'secret-store.key');
  }

  getKey(): Buffer {
    if (this.cached) return this.cached;
    ensurePrivateDir(path.dirname(this.file));
    let key = this.read();
    if (!key && fs.existsSync(path.join(path.dirname(this.file), DESKTOP_SEALED_KEY))) {
      // A second key would split the store and make the desktop's signed settings look tampered.
      throw new SecretStoreError(
        'this Airlock home belongs to the desktop app, which keeps its keys in the OS keychain: open the app (while it runs, the CLI talks to it)',
      );
    }
    if (!key) {
      this.create();
      key = this.read();
    }
    if (!key) throw new SecretStoreError(`could not create the key file ${this.file}`);
    this.cached = key;
    return key;
  }

  private read(): Buffer | undefined {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SecretStoreError(`cannot read the key file ${this.file}: ${(error as Error).message}`);
    }
    if (data.length !== KEY_BYTES) {
      throw new SecretStoreError(`the key file ${this.file} is damaged (${data.length} bytes, expected ${KEY_BYTES}); secrets stored with it cannot be read`);
    }
    return data;
  }

  private create(): void {
    createFileOnce(this.file, randomBytes(KEY_BYTES));
  }
}

const entrySchema = z.object({ iv: z.string(), tag: z.string(), data: z.string() }).strict();
const fileSchema = z
  .object({
    version: z.literal(1),
    format: z.literal('airlock-secrets/aes-256-gcm'),
    entries: z.record(z.string(), entrySchema),
  })
  .strict();
type StoreFile = z.infer<typeof fileSchema>;

/**
 * Secrets (server env values, host originals) encrypted per entry with AES-256-GCM and a random IV;
 * the entry id is the additional authenticated data, so an entry cannot be moved to another id.
 * The file is re-read on every operation (it is small, and an offline CLI may have written it) and
 * rewritten atomically with mode 0600. Anything that fails to decrypt is reported, never guessed.
 */
export class SecretStore {
  constructor(
    readonly file: string,
    private readonly keyProvider: KeyProvider,
  ) {}

  get(id: string): string | undefined {
    const entry = this.load().entries[id];
    if (!entry) return undefined;
    return this.decrypt(id, entry);
  }

  set(id: string, value: string): void {
    const store = this.load();
    store.entries[id] = this.encrypt(id, value);
    this.save(store);
  }

  delete(id: string): void {
    const store = this.load();
    if (!(id in store.entries)) return;
    delete store.entries[id];
    this.save(store);
  }

  deletePrefix(prefix: string): void {
    const store = this.load();
    const doomed = Object.keys(store.entries).filter((id) => id.startsWith(prefix));
    if (doomed.length === 0) return;
    for (const id of doomed) delete store.entries[id];
    this.save(store);
  }

  listIds(prefix = ''): string[] {
    return Object.keys(this.load().entries)
      .filter((id) => id.startsWith(prefix))
      .sort();
  }

  private encrypt(id: string, value: string): StoreFile['entries'][string] {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyProvider.getKey(), iv);
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  private decrypt(id: string, entry: StoreFile['entries'][string]): string {
    const iv = Buffer.from(entry.iv, 'base64');
    const tag = Buffer.from(entry.tag, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw this.tampered(id);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.keyProvider.getKey(), iv);
      decipher.setAAD(Buffer.from(id, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(entry.data, 'base64')), decipher.final()]).toString('utf8');
    } catch (error) {
      if (error instanceof SecretStoreError) throw error;
      throw this.tampered(id);
    }
  }

  private tampered(id: string): SecretStoreError {
    return new SecretStoreError(
      `secret "${id}" in ${this.file} cannot be decrypted: the store was modified outside Airlock or its key changed (${this.keyProvider.kind} key). Airlock will not use it; set the secret again.`,
    );
  }

  private load(): StoreFile {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, format: 'airlock-secrets/aes-256-gcm', entries: {} };
      throw new SecretStoreError(`cannot read the secret store ${this.file}: ${(error as Error).message}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new SecretStoreError(`the secret store ${this.file} is damaged (not JSON: ${(error as Error).message}); Airlock will not guess`);
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SecretStoreError(`the secret store ${this.file} is damaged (${issue.path.join('.') || 'root'}: ${issue.message}); Airlock will not guess`);
    }
    return parsed.data;
  }

  private save(store: StoreFile): void {
    writePrivateFileAtomic(this.file, `${JSON.stringify(store, null, 2)}\n`);
  }
}
