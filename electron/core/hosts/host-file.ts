/**
 * Reading and writing the hosts' own files. They belong to the host, not to Airlock: a write keeps
 * the file's mode and owner, goes through a temp file + fsync + rename in the same folder (through
 * symlinks, so dotfile managers keep their links), and is preceded by a timestamped backup beside
 * the file. The content is compared with what was read just before the rename, so an edit made by
 * the host (or a person) meanwhile is detected and nothing is overwritten.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir } from '../secure-fs';
import { HostFileChanged, MalformedHostFile } from './errors';

export interface HostFileSnapshot {
  /** The path as hosts name it. */
  file: string;
  /** The file actually written (the symlink target when it is a link). */
  target: string;
  text: string;
  hash: string;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The file and its hash; `undefined` when it does not exist. */
export function readHostFile(file: string): HostFileSnapshot | undefined {
  let target: string;
  let bytes: Buffer;
  try {
    target = fs.realpathSync(file);
    bytes = fs.readFileSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MalformedHostFile(`cannot read ${file}: ${(error as Error).message}`);
  }
  const text = bytes.toString('utf8');
  // Edits are made on text; a file that does not survive the round trip would be damaged by them.
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new MalformedHostFile(`${file} is not UTF-8 text; Airlock left it untouched`);
  return { file, target, text, hash: sha256(bytes) };
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/** Copies the current content beside the file with the same mode; never overwrites an earlier backup. */
export function writeBackup(snapshot: HostFileSnapshot, now = new Date()): string {
  const mode = fs.statSync(snapshot.target).mode & 0o7777;
  const base = `${snapshot.target}.airlock-backup-${stamp(now)}`;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    let fd: number;
    try {
      fd = fs.openSync(candidate, 'wx', mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    try {
      fs.writeSync(fd, snapshot.text);
      if (process.platform !== 'win32') fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return candidate;
  }
}

export interface CommitHooks {
  /** Runs after the new content is on disk in the temp file and before the final check (tests use it to race). */
  beforeCommit?(file: string): void;
}

/** Replaces the file with `content` atomically, unless it changed since `snapshot` was read. */
export function commitHostFile(snapshot: HostFileSnapshot, content: string, hooks: CommitHooks = {}): void {
  const stat = fs.statSync(snapshot.target);
  const mode = stat.mode & 0o7777;
  const dir = path.dirname(snapshot.target);
  const temp = path.join(dir, `.${path.basename(snapshot.target)}.airlock-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const fd = fs.openSync(temp, 'wx', mode);
  try {
    try {
      fs.writeSync(fd, content);
      if (process.platform !== 'win32') {
        fs.fchmodSync(fd, mode);
        // Root editing another user's file must give it back to them.
        if (typeof process.getuid === 'function' && process.getuid() === 0 && (stat.uid !== 0 || stat.gid !== 0)) fs.fchownSync(fd, stat.uid, stat.gid);
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    hooks.beforeCommit?.(snapshot.file);
    let now: Buffer | undefined;
    try {
      now = fs.readFileSync(snapshot.target);
    } catch {
      now = undefined;
    }
    if (!now || sha256(now) !== snapshot.hash) {
      throw new HostFileChanged(
        `${snapshot.file} changed while Airlock was editing it (another program wrote it); Airlock wrote nothing and changed nothing. Try again.`,
      );
    }
    fs.renameSync(temp, snapshot.target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fsyncDir(dir);
}
