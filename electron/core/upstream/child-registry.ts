import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { readJsonFile, writePrivateFileAtomic } from '../secure-fs';

interface ChildRecord {
  pid: number;
  command: string;
}

/** The command line a process runs now, or undefined if it does not run (or cannot be read). */
function commandLineOf(pid: number): string | undefined {
  if (process.platform === 'linux') {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() || undefined;
    } catch {
      return undefined;
    }
  }
  if (process.platform === 'win32') return undefined;
  const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  return ps.status === 0 ? ps.stdout.trim() || undefined : undefined;
}

/**
 * Which server process groups this core started, kept on disk: if the core is killed outright, the
 * next one reaps what it left behind (servers that do not exit when their input closes).
 */
export class ChildRegistry {
  private readonly children = new Map<number, string>();

  constructor(private readonly file: string) {}

  add(pid: number, command: string): void {
    this.children.set(pid, command);
    this.save();
  }

  remove(pid: number): void {
    if (this.children.delete(pid)) this.save();
  }

  private save(): void {
    try {
      writePrivateFileAtomic(this.file, JSON.stringify([...this.children].map(([pid, command]) => ({ pid, command }))));
    } catch {
      /* Best effort: losing this list only means a crash could leave a server running. */
    }
  }

  /**
   * Kills the process groups a previous core left, where the group's leader still runs the recorded
   * command (a pid reused by something else is left alone). Returns how many were reaped.
   */
  static reapLeftovers(file: string): number {
    let records: ChildRecord[] = [];
    try {
      const raw = readJsonFile(file);
      if (Array.isArray(raw)) records = raw.filter((r): r is ChildRecord => typeof r?.pid === 'number' && typeof r?.command === 'string');
    } catch {
      records = [];
    }
    let reaped = 0;
    for (const { pid, command } of records) {
      const running = commandLineOf(pid);
      if (!running || !running.includes(command)) continue;
      try {
        process.kill(-pid, 'SIGKILL');
        reaped++;
      } catch {
        /* gone meanwhile */
      }
    }
    fs.rmSync(file, { force: true });
    return reaped;
  }
}
