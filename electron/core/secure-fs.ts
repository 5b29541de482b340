import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates a folder (and parents) readable by this user only, and tightens it if it already exists. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform !== 'win32') {
    const mode = fs.statSync(dir).mode & 0o777;
    if (mode !== PRIVATE_DIR_MODE) fs.chmodSync(dir, PRIVATE_DIR_MODE);
  }
}

/** Fsyncs a directory so a rename, creation or deletion inside it survives power loss (no-op where unsupported). */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Atomic write: temp file + fsync + rename (write-file-atomic), then fsync of the folder. Mode 0600. */
export function writePrivateFileAtomic(file: string, data: string | Buffer): void {
  ensurePrivateDir(path.dirname(file));
  writeFileAtomic.sync(file, data, { mode: PRIVATE_FILE_MODE, fsync: true });
  fsyncDir(path.dirname(file));
}

export function readJsonFile(file: string): unknown | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message})`);
  }
}

/** Creates `file` (0600; fails if it exists) holding `contents`, fsynced before it is closed. */
export function writeNewPrivateFileDurably(file: string, contents: Buffer | string): void {
  const fd = fs.openSync(file, 'wx', PRIVATE_FILE_MODE);
  try {
    fs.writeFileSync(fd, contents);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Creates `file` with `contents` unless it already exists: the complete contents go to a temp file
 * (0600, fsynced) that is hard-linked into place, so two processes racing end up agreeing on one.
 */
export function createFileOnce(file: string, contents: Buffer): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeNewPrivateFileDurably(temp, contents);
  try {
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
