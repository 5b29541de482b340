/**
 * The secret store's key, sealed by the OS keychain through Electron's `safeStorage`.
 *
 * A random 32-byte key is generated once, encrypted with `safeStorage.encryptString` and kept in
 * `<home>/keys/secret-store.sealed` (0600). Reading it needs the keychain entry Electron holds for
 * this app, which a plain file read by another process does not get. Where safeStorage has no
 * real backend (Linux without a keyring reports `basic_text`), the core's file key is used instead
 * and the caller is told, rather than pretending.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DESKTOP_SEALED_KEY, FileKeyProvider, SecretStoreError, type KeyProvider } from '../core/secret-store';
import { createFileOnce, ensurePrivateDir } from '../core/secure-fs';

const KEY_BYTES = 32;

/** The parts of Electron's `safeStorage` this needs (so it can be exercised without Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export function sealedKeyFile(home: string): string {
  return path.join(home, 'keys', DESKTOP_SEALED_KEY);
}

export class SafeStorageKeyProvider implements KeyProvider {
  readonly kind = 'safeStorage' as const;
  private cached: Buffer | undefined;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    readonly file: string,
  ) {}

  getKey(): Buffer {
    if (this.cached) return this.cached;
    if (!this.safeStorage.isEncryptionAvailable()) throw new SecretStoreError('the OS keychain is not available, so the secret store key cannot be unsealed');
    ensurePrivateDir(path.dirname(this.file));
    let key = this.read();
    if (!key) {
      this.create();
      key = this.read();
    }
    if (!key) throw new SecretStoreError(`could not create the sealed key ${this.file}`);
    this.cached = key;
    return key;
  }

  private read(): Buffer | undefined {
    let sealed: Buffer;
    try {
      sealed = fs.readFileSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SecretStoreError(`cannot read the sealed key ${this.file}: ${(error as Error).message}`);
    }
    let key: Buffer;
    try {
      key = Buffer.from(this.safeStorage.decryptString(sealed), 'base64');
    } catch (error) {
      throw new SecretStoreError(`the sealed key ${this.file} cannot be unsealed by this user's keychain (${(error as Error).message}); secrets stored with it cannot be read`);
    }
    if (key.length !== KEY_BYTES) throw new SecretStoreError(`the sealed key ${this.file} is damaged (${key.length} bytes, expected ${KEY_BYTES})`);
    return key;
  }

  private create(): void {
    createFileOnce(this.file, this.safeStorage.encryptString(randomBytes(KEY_BYTES).toString('base64')));
  }
}

/** safeStorage when it is backed by a real keychain, else the core's file key (with the reason). */
export function createKeyProvider(home: string, safeStorage: SafeStorageLike): { provider: KeyProvider; note?: string } {
  const backend = safeStorage.getSelectedStorageBackend?.();
  if (safeStorage.isEncryptionAvailable() && backend !== 'basic_text') {
    return { provider: new SafeStorageKeyProvider(safeStorage, sealedKeyFile(home)) };
  }
  return {
    provider: new FileKeyProvider(home),
    note: `the OS keychain is not available${backend ? ` (safeStorage backend: ${backend})` : ''}; secrets are protected by a key file only`,
  };
}
