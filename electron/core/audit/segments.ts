import fs from 'node:fs';
import path from 'node:path';

const SEGMENT = /^audit-(\d{6,})\.jsonl$/;

export interface SegmentFile {
  index: number;
  file: string;
}

/** Segment files of an audit folder, oldest first. */
export function listSegments(dir: string): SegmentFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => ({ name, match: SEGMENT.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ name, match }) => ({ index: Number.parseInt(match[1]!, 10), file: path.join(dir, name) }))
    .sort((a, b) => a.index - b.index);
}

export function segmentPath(dir: string, index: number): string {
  return path.join(dir, `audit-${String(index).padStart(6, '0')}.jsonl`);
}

/** Splits a segment's bytes into complete lines and a trailing fragment without a newline. */
export function splitLines(content: Buffer): { lines: string[]; tail: Buffer } {
  const lastNewline = content.lastIndexOf(0x0a);
  const complete = lastNewline === -1 ? Buffer.alloc(0) : content.subarray(0, lastNewline);
  const tail = content.subarray(lastNewline + 1);
  const lines = complete.length === 0 ? [] : complete.toString('utf8').split('\n');
  return { lines, tail };
}

/** A complete line of a segment and where it sits (length includes the newline). */
export interface SegmentLine {
  text: string;
  offset: number;
  length: number;
}

const CHUNK = 1024 * 1024;

/**
 * Complete lines of a segment from `fromOffset` on, read in 1 MiB chunks so memory stays bounded
 * whatever the segment's size. A trailing fragment without a newline is not yielded (a write cut
 * short); `tornTailAt` reports where it starts.
 */
export function* readLines(file: string, fromOffset = 0, state?: { tornTailAt?: number; end?: number }): Generator<SegmentLine> {
  const fd = fs.openSync(file, 'r');
  try {
    let position = fromOffset;
    let carry: Buffer = Buffer.alloc(0);
    let carryStart = fromOffset;
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, CHUNK, position);
      if (read === 0) break;
      position += read;
      const data = carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, read)]) : buffer.subarray(0, read);
      let start = 0;
      for (let nl = data.indexOf(0x0a, start); nl !== -1; nl = data.indexOf(0x0a, start)) {
        yield { text: data.toString('utf8', start, nl), offset: carryStart + start, length: nl + 1 - start };
        start = nl + 1;
      }
      carryStart += start;
      carry = Buffer.from(data.subarray(start));
    }
    if (state) {
      state.end = carryStart;
      if (carry.length > 0) state.tornTailAt = carryStart;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The last complete line of a segment, read from its end. */
export function lastLine(file: string): SegmentLine | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    let end = size;
    // Skip a torn tail: the last complete line ends at the last newline.
    let window = 64 * 1024;
    for (;;) {
      const start = Math.max(0, end - window);
      const buffer = Buffer.alloc(end - start);
      fs.readSync(fd, buffer, 0, buffer.length, start);
      const lastNl = buffer.lastIndexOf(0x0a);
      if (lastNl === -1) {
        if (start === 0) return undefined;
        window *= 4;
        continue;
      }
      const prevNl = buffer.lastIndexOf(0x0a, lastNl - 1);
      if (prevNl === -1 && start > 0) {
        window *= 4;
        continue;
      }
      const lineStart = prevNl + 1;
      return { text: buffer.toString('utf8', lineStart, lastNl), offset: start + lineStart, length: lastNl + 1 - lineStart };
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The first complete line of a segment. */
export function firstLine(file: string): SegmentLine | undefined {
  for (const line of readLines(file)) return line;
  return undefined;
}

/** Reads `length` bytes at `offset` of a segment (one record's line). */
export function readAt(file: string, offset: number, length: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = fs.readSync(fd, buffer, 0, length, offset);
    return buffer.toString('utf8', 0, read).replace(/\n$/, '');
  } finally {
    fs.closeSync(fd);
  }
}
