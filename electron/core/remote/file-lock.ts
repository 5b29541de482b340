import fs from 'node:fs';
import { PRIVATE_FILE_MODE } from '../secure-fs';

const STALE_MS = 30_000;
const WAIT_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * A short inter-process lock around a read-modify-write of a small file. Two processes write
 * tokens — the core when it refreshes, `airlock login` when a person logs in — and an atomic
 * rename alone would let one silently drop the other's change. The lock holds the owner's pid;
 * one left by a dead process, or older than any write could take, is taken over.
 */
export function withFileLock<T>(lockFile: string, run: () => T): T {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const fd = fs.openSync(lockFile, 'wx', PRIVATE_FILE_MODE);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let stale = false;
      try {
        const pid = Number.parseInt(fs.readFileSync(lockFile, 'utf8'), 10);
        stale = (Number.isSafeInteger(pid) && pid > 0 && !alive(pid)) || Date.now() - fs.statSync(lockFile).mtimeMs > STALE_MS;
      } catch {
        continue; // released meanwhile
      }
      if (stale) fs.rmSync(lockFile, { force: true });
      else if (Date.now() > deadline) throw new Error(`${lockFile} stayed locked for ${WAIT_MS / 1000}s; is another Airlock command stuck?`);
      else sleepSync(20);
    }
  }
  try {
    return run();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}
