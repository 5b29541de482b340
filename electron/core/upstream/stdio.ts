import { spawn as crossSpawn } from 'cross-spawn';
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { Limits } from '../../../shared/limits';
import type { StdioServerSpec } from '../../../shared/types';
import { JsonLineDecoder } from '../framing';
import { buildChildEnv, type SecretResolver } from './child-env';
import type { Upstream, UpstreamExit, UpstreamHandlers } from './types';

const GRACE_MS = 2000;

/** Keeps the last bytes a child wrote to stderr, however much it writes. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

/**
 * A local server as a child process. Spawned without a shell, in its own process group (POSIX),
 * so that stopping it stops everything it started — `npx` wrappers and their children included.
 */
export class StdioUpstream implements Upstream {
  readonly kind = 'stdio' as const;
  private child: ChildProcess | undefined;
  private exited: UpstreamExit | undefined;
  private killReason: string | undefined;
  private readonly stderr = new Tail(Limits.stderrTailBytes);
  private exitWaiters: Array<() => void> = [];

  constructor(
    private readonly spec: StdioServerSpec,
    private readonly handlers: UpstreamHandlers,
    private readonly defaultCwd: string = process.cwd(),
    private readonly secret?: SecretResolver,
    /** Where the running process groups are noted, so a core that crashed can have them reaped. */
    private readonly registry?: { add(pid: number, command: string): void; remove(pid: number): void },
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    const decoder = new JsonLineDecoder(
      (value, bytes) => this.handlers.onMessage(value, bytes),
      (problem) => this.handlers.onProblem(problem),
    );
    let env: Record<string, string>;
    try {
      env = buildChildEnv(this.spec, process.env, this.secret);
    } catch (error) {
      this.finish({ code: null, signal: null, reason: `could not start ${this.spec.command}: ${(error as Error).message}` });
      return Promise.resolve();
    }
    const child = crossSpawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd ?? this.defaultCwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => decoder.push(chunk));
    child.stdout!.on('end', () => decoder.end());
    child.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    child.stdin!.on('error', () => {
      /* EPIPE when the child dies first; the exit event reports it. */
    });
    return new Promise((resolve) => {
      child.once('spawn', () => {
        if (child.pid !== undefined) this.registry?.add(child.pid, this.spec.command);
        resolve();
      });
      child.once('error', (error) => {
        this.finish({ code: null, signal: null, reason: `could not start ${this.spec.command}: ${error.message}` });
        resolve();
      });
      child.once('close', (code, signal) => this.finish({ code, signal }));
    });
  }

  private finish(exit: UpstreamExit): void {
    if (this.exited) return;
    if (this.child?.pid !== undefined) this.registry?.remove(this.child.pid);
    this.exited = this.killReason ? { ...exit, reason: exit.reason ?? this.killReason } : exit;
    // The leader is gone; anything it left behind in its group goes too.
    this.signalTree('SIGKILL');
    this.handlers.onExit(this.exited);
    for (const waiter of this.exitWaiters.splice(0)) waiter();
  }

  send(_message: unknown, wire: string): void {
    const stdin = this.child?.stdin;
    if (this.exited || !stdin || stdin.destroyed) throw new Error('the server process is not running');
    stdin.write(wire);
    if (stdin.writableLength > Limits.maxPendingWriteBytes) {
      this.kill(`the server stopped reading its input (${stdin.writableLength} bytes queued)`);
    }
  }

  private waitForExit(ms: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** `graceMs` is how long each step (end of input, then TERM) may take before the next, harder one. */
  async close(graceMs = GRACE_MS): Promise<void> {
    if (!this.child || this.exited) return;
    this.child.stdin?.end();
    if (await this.waitForExit(graceMs)) return;
    this.signalTree('SIGTERM');
    if (await this.waitForExit(graceMs)) return;
    this.signalTree('SIGKILL');
    await this.waitForExit(graceMs);
  }

  kill(reason: string): void {
    this.killReason ??= reason;
    this.signalTree('SIGKILL');
  }

  private signalTree(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    if (process.platform === 'win32') {
      if (signal === 'SIGKILL' || signal === 'SIGTERM') {
        nodeSpawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => {});
      }
      return;
    }
    try {
      process.kill(-pid, signal);
    } catch {
      /* ESRCH: the group is already empty. */
    }
  }

  stderrTail(): string {
    return this.stderr.text();
  }
}
