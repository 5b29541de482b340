import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { canonicalJson } from '../../shared/canonical';
import { isPlainObject } from '../../shared/jsonrpc';
import type { KeyProvider } from './secret-store';
import { readJsonFile, writePrivateFileAtomic } from './secure-fs';

/**
 * Settings and pins carry a MAC keyed from the secret-store key (Electron safeStorage on the
 * desktop; a 0600 key file in headless mode — which only stops accidental and casual edits, since
 * anything running as the same user can read that file). A file that fails its check was edited
 * outside Airlock: Airlock then falls back to asking, and says what changed compared with the last
 * version it wrote itself (a signed snapshot kept beside the file).
 */
export class Integrity {
  private readonly key: Buffer;

  constructor(provider: KeyProvider) {
    this.key = Buffer.from(hkdfSync('sha256', provider.getKey(), Buffer.alloc(0), 'airlock/integrity/v1', 32));
  }

  mac(content: unknown): string {
    return createHmac('sha256', this.key).update(canonicalJson(content)).digest('hex');
  }

  verify(content: unknown, mac: unknown): boolean {
    if (typeof mac !== 'string' || !/^[0-9a-f]{64}$/.test(mac)) return false;
    return timingSafeEqual(Buffer.from(this.mac(content), 'hex'), Buffer.from(mac, 'hex'));
  }
}

export interface TamperReport {
  file: string;
  /** Paths that differ from the last version Airlock wrote ("rules[1]: added"), when that version is known. */
  changes: string[];
  detectedAt: string;
}

export interface SignedRead {
  /** The content without its MAC; undefined when the file does not exist. */
  content: unknown;
  /** The last content Airlock itself wrote, when the snapshot verifies. */
  trusted: unknown;
  tamper?: TamperReport;
}

const SNAPSHOT_SUFFIX = '.trusted';

function split(raw: unknown): { content: unknown; mac: unknown } {
  if (!isPlainObject(raw)) return { content: raw, mac: undefined };
  const { integrity, ...content } = raw;
  return { content, mac: integrity };
}

/** Reads a signed JSON file and its snapshot; reports tampering rather than throwing. */
export function readSigned(file: string, integrity: Integrity): SignedRead {
  const raw = readJsonFile(file);
  let trusted: unknown;
  try {
    const snapshot = split(readJsonFile(`${file}${SNAPSHOT_SUFFIX}`));
    if (snapshot.content !== undefined && integrity.verify(snapshot.content, snapshot.mac)) trusted = snapshot.content;
  } catch {
    trusted = undefined;
  }
  if (raw === undefined) return { content: undefined, trusted };
  const { content, mac } = split(raw);
  if (integrity.verify(content, mac)) return { content, trusted: content };
  const changes = trusted === undefined ? ['(no trusted copy to compare with)'] : diffPaths(trusted, content);
  return { content, trusted, tamper: { file, changes: changes.length ? changes : ['only the integrity code itself'], detectedAt: new Date().toISOString() } };
}

/**
 * Writes a signed file atomically. A trusted write also refreshes the snapshot; an untrusted one
 * (settings still under a tamper alert) is written without a MAC, so the alert survives a restart
 * until the person accepts the changes.
 */
export function writeSigned(file: string, content: unknown, integrity: Integrity, trusted: boolean): string {
  if (!trusted) {
    const text = `${JSON.stringify(content, null, 2)}\n`;
    writePrivateFileAtomic(file, text);
    return text;
  }
  const signed = `${JSON.stringify({ ...(content as object), integrity: integrity.mac(content) }, null, 2)}\n`;
  writePrivateFileAtomic(file, signed);
  writePrivateFileAtomic(`${file}${SNAPSHOT_SUFFIX}`, signed);
  return signed;
}

/** Whether the file on disk is something other than `expected` (what Airlock last wrote or read). */
export function differsOnDisk(file: string, expected: string | undefined): boolean {
  try {
    return fs.readFileSync(file, 'utf8') !== expected;
  } catch {
    return expected !== undefined;
  }
}

export function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Paths where two JSON values differ, for a person to read ("servers.files.spec.command: changed"). */
export function diffPaths(before: unknown, after: unknown, path = '', out: string[] = [], limit = 50): string[] {
  if (out.length >= limit) return out;
  const label = path || '(root)';
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const child = path ? `${path}.${key}` : key;
      if (!(key in before)) out.push(`${child}: added`);
      else if (!(key in after)) out.push(`${child}: removed`);
      else diffPaths(before[key], after[key], child, out, limit);
      if (out.length >= limit) break;
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const child = `${path}[${i}]`;
      if (i >= before.length) out.push(`${child}: added`);
      else if (i >= after.length) out.push(`${child}: removed`);
      else diffPaths(before[i], after[i], child, out, limit);
      if (out.length >= limit) break;
    }
    return out;
  }
  if (canonicalJson(before) !== canonicalJson(after)) out.push(`${label}: changed`);
  return out;
}
