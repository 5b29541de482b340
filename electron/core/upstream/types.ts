import type { FramingProblem } from '../framing';

export interface UpstreamExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it ended when Airlock knows better than the exit status (spawn failure, kill reason). */
  reason?: string;
}

export interface UpstreamHandlers {
  onMessage(value: unknown, bytes: number): void;
  onProblem(problem: FramingProblem): void;
  onExit(exit: UpstreamExit): void;
}

/** The server side of a session: a child process today, a remote HTTP server later. */
export interface Upstream {
  readonly kind: 'stdio' | 'http';
  readonly pid: number | undefined;
  start(): Promise<void>;
  /** Sends one message; `wire` is its exact serialisation. Throws once the upstream is gone. */
  send(message: unknown, wire: string): void;
  /** Graceful stop: close input, then TERM, then KILL, always ending with the whole process tree gone. */
  close(graceMs?: number): Promise<void>;
  /** Immediate stop of the whole process tree. */
  kill(reason: string): void;
  stderrTail(): string;
}
