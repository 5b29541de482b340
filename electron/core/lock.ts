import fs from 'node:fs';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './secure-fs';
import path from 'node:path';

export class CoreAlreadyRunning extends Error {
  constructor(readonly pid: number) {
    super(`Airlock is already running (pid ${pid}). Stop it first, or use that instance.`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLockPid(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(lockFile, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One core per home. The lock file is created exclusively and holds the owner's pid; a lock whose
 * owner is gone (crash, kill -9) is taken over.
 */
export function acquireCoreLock(lockFile: string): () => void {
  ensurePrivateDir(path.dirname(lockFile));
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx', PRIVATE_FILE_MODE);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return () => {
        if (readLockPid(lockFile) === process.pid) fs.rmSync(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = readLockPid(lockFile);
      if (pid !== undefined && pid !== process.pid && isAlive(pid)) throw new CoreAlreadyRunning(pid);
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not take the core lock at ${lockFile}`);
}
