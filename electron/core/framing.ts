import { Limits, jsonDepthExceeds } from '../../shared/limits';

export type FramingProblem =
  | { kind: 'too-large'; bytes: number }
  | { kind: 'invalid-utf8' }
  | { kind: 'too-deep' }
  | { kind: 'parse'; detail: string }
  | { kind: 'truncated'; bytes: number };

export function describeFramingProblem(problem: FramingProblem): string {
  switch (problem.kind) {
    case 'too-large':
      return `message of ${problem.bytes} bytes exceeds the ${Limits.maxMessageBytes}-byte limit`;
    case 'invalid-utf8':
      return 'message is not valid UTF-8';
    case 'too-deep':
      return `message nests deeper than ${Limits.maxJsonDepth} levels`;
    case 'parse':
      return `message is not valid JSON (${problem.detail})`;
    case 'truncated':
      return `stream ended in the middle of a ${problem.bytes}-byte message`;
  }
}

export interface DecoderOptions {
  maxMessageBytes?: number;
  maxDepth?: number;
}

/**
 * Newline-delimited JSON, as MCP's stdio transport frames it, with limits enforced while bytes
 * arrive: an oversized line is discarded as it streams (never buffered whole), invalid UTF-8 and
 * over-deep nesting are refused before JSON.parse, and each problem is reported without stopping
 * the stream — the next line is read normally.
 */
export class JsonLineDecoder {
  private chunks: Buffer[] = [];
  private length = 0;
  private discarding = 0;
  private readonly maxBytes: number;
  private readonly maxDepth: number;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly onMessage: (value: unknown, bytes: number) => void,
    private readonly onProblem: (problem: FramingProblem) => void,
    options: DecoderOptions = {},
  ) {
    this.maxBytes = options.maxMessageBytes ?? Limits.maxMessageBytes;
    this.maxDepth = options.maxDepth ?? Limits.maxJsonDepth;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (this.discarding > 0) this.discarding += piece.length;
      else if (this.length + piece.length > this.maxBytes) {
        this.discarding = this.length + piece.length;
        this.chunks = [];
        this.length = 0;
      } else if (piece.length > 0) {
        this.chunks.push(piece);
        this.length += piece.length;
      }
      if (newline === -1) break;
      this.finishLine();
      start = newline + 1;
    }
  }

  /** The peer closed its side: a partial line left over is reported, never silently dropped. */
  end(): void {
    if (this.discarding > 0) this.onProblem({ kind: 'too-large', bytes: this.discarding });
    else if (this.length > 0 && this.concat().toString('utf8').trim().length > 0) {
      this.onProblem({ kind: 'truncated', bytes: this.length });
    }
    this.chunks = [];
    this.length = 0;
    this.discarding = 0;
  }

  private concat(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
  }

  private finishLine(): void {
    if (this.discarding > 0) {
      const bytes = this.discarding;
      this.discarding = 0;
      this.onProblem({ kind: 'too-large', bytes });
      return;
    }
    if (this.length === 0) return;
    const line = this.concat();
    const bytes = this.length;
    this.chunks = [];
    this.length = 0;
    let text: string;
    try {
      text = this.utf8.decode(line);
    } catch {
      this.onProblem({ kind: 'invalid-utf8' });
      return;
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim().length === 0) return;
    if (jsonDepthExceeds(text, this.maxDepth)) {
      this.onProblem({ kind: 'too-deep' });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.onProblem({ kind: 'parse', detail: (error as Error).message });
      return;
    }
    this.onMessage(value, bytes);
  }
}

export function encodeLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
